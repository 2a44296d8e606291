import { DEFAULT_SETTINGS, settingsSchema, type Actor, type PublishedTeamStandards, type Settings } from '@/lib/workflow/records';
import { getDb } from './database';
import { appendEvents, SETTINGS_CHAIN } from './events-repo';

/** The person's settings: one row, every change recorded on the `settings` chain. */

export async function getSettings(): Promise<Settings> {
  const row = await getDb().settings.get('settings');
  // A row written before a setting existed gets that setting's default.
  return row ? { ...structuredClone(DEFAULT_SETTINGS), ...row.value } : structuredClone(DEFAULT_SETTINGS);
}

export type SettingsPatch = Partial<Omit<Settings, 'sites' | 'teamStandardsVersion' | 'publishedTeamStandards'>> & { sites?: Partial<Settings['sites']> };

/** Applies a partial change; returns the new settings. Throws a ZodError for invalid values. */
export async function updateSettings(patch: SettingsPatch, actor: Actor): Promise<Settings> {
  const db = getDb();
  return db.transaction('rw', [db.settings, db.events], async () => {
    const before: Settings = { ...DEFAULT_SETTINGS, ...(await db.settings.get('settings'))?.value };
    // The team's published standards are set only by the team sync, whatever a patch carries.
    const { publishedTeamStandards: _notAPatch, ...allowed } = patch as SettingsPatch & Pick<Settings, 'publishedTeamStandards'>;
    const parsed = settingsSchema.parse({ ...before, ...allowed, sites: { ...before.sites, ...patch.sites } });
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

/**
 * Keeps a standards version the team workspace published (the caller checked it: a lead's signature
 * over this content): it becomes the one new tasks record when it is newer than the one kept, or
 * comes from another workspace. An older one arriving late changes nothing; the same version with
 * other content is a conflict, never overwritten. Recorded on the settings chain like any change.
 */
export async function setPublishedTeamStandards(published: PublishedTeamStandards, actor: Actor): Promise<'added' | 'older' | 'identical' | 'conflict'> {
  const db = getDb();
  return db.transaction('rw', [db.settings, db.events], async () => {
    const before: Settings = { ...DEFAULT_SETTINGS, ...(await db.settings.get('settings'))?.value };
    const kept = before.publishedTeamStandards;
    if (kept && kept.workspace === published.workspace) {
      if (kept.version === published.version) return kept.publishedBy.hash === published.publishedBy.hash ? 'identical' : 'conflict';
      if (kept.version > published.version) return 'older';
    }
    const after = settingsSchema.parse({ ...before, publishedTeamStandards: published });
    await db.settings.put({ key: 'settings', value: after });
    await appendEvents(db, SETTINGS_CHAIN, [
      {
        type: 'settings.changed',
        actor,
        at: new Date().toISOString(),
        data: { changed: ['publishedTeamStandards'], before: { publishedTeamStandards: kept ?? null }, after: { publishedTeamStandards: after.publishedTeamStandards } },
      },
    ]);
    return 'added';
  });
}

/**
 * Connecting to another workspace: the standards the previous one published no longer apply (this
 * browser's own apply again until the new team publishes). Tasks that recorded them keep them.
 */
export async function forgetPublishedTeamStandards(exceptWorkspace: string, actor: Actor): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.settings, db.events], async () => {
    const before: Settings = { ...DEFAULT_SETTINGS, ...(await db.settings.get('settings'))?.value };
    const kept = before.publishedTeamStandards;
    if (!kept || kept.workspace === exceptWorkspace) return;
    const { publishedTeamStandards: _forgotten, ...after } = before;
    await db.settings.put({ key: 'settings', value: after });
    await appendEvents(db, SETTINGS_CHAIN, [
      {
        type: 'settings.changed',
        actor,
        at: new Date().toISOString(),
        data: { changed: ['publishedTeamStandards'], before: { publishedTeamStandards: kept }, after: { publishedTeamStandards: null } },
      },
    ]);
  });
}
