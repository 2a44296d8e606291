import { DEFAULT_SETTINGS, settingsSchema, type Actor, type Settings } from '@/lib/workflow/records';
import { getDb } from './database';
import { appendEvents, SETTINGS_CHAIN } from './events-repo';

/** The person's settings: one row, every change recorded on the `settings` chain. */

export async function getSettings(): Promise<Settings> {
  const row = await getDb().settings.get('settings');
  // A row written before a setting existed gets that setting's default.
  return row ? { ...structuredClone(DEFAULT_SETTINGS), ...row.value } : structuredClone(DEFAULT_SETTINGS);
}

export type SettingsPatch = Partial<Omit<Settings, 'sites' | 'teamStandardsVersion'>> & { sites?: Partial<Settings['sites']> };

/** Applies a partial change; returns the new settings. Throws a ZodError for invalid values. */
export async function updateSettings(patch: SettingsPatch, actor: Actor): Promise<Settings> {
  const db = getDb();
  return db.transaction('rw', [db.settings, db.events], async () => {
    const before: Settings = { ...DEFAULT_SETTINGS, ...(await db.settings.get('settings'))?.value };
    const parsed = settingsSchema.parse({ ...before, ...patch, sites: { ...before.sites, ...patch.sites } });
    // The team standards carry a version: a task records the one it started with.
    const standardsChanged = JSON.stringify(parsed.teamStandards) !== JSON.stringify(before.teamStandards);
    const after = standardsChanged ? { ...parsed, teamStandardsVersion: before.teamStandardsVersion + 1 } : parsed;
    const changed = (Object.keys(after) as (keyof Settings)[]).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    if (changed.length === 0) return after;
    await db.settings.put({ key: 'settings', value: after });
    await appendEvents(db, SETTINGS_CHAIN, [
      {
        type: 'settings.changed',
        actor,
        at: new Date().toISOString(),
        data: {
          changed,
          before: Object.fromEntries(changed.map((key) => [key, before[key]])),
          after: Object.fromEntries(changed.map((key) => [key, after[key]])),
        },
      },
    ]);
    return after;
  });
}
