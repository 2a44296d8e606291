import { describe, expect, it } from 'vitest';
import { forgetPublishedTeamStandards, getSettings, setPublishedTeamStandards, updateSettings, type SettingsPatch } from '@/lib/db/settings-repo';
import type { PublishedTeamStandards } from '@/lib/workflow/records';
import { exportBackup } from '@/lib/db/backup';
import { restoreBackup } from '@/lib/db/backup-restore';
import { getTask, startTaskRecord } from '@/lib/db/tasks-repo';
import { saveWorkflow } from '@/lib/db/workflows-repo';
import { alice, reviewFlow, system, useFreshDb } from './helpers';

const ctx = useFreshDb();

const workspace = 'http://127.0.0.1:5984/convops-team';
function version(n: number, lines: string[], hash = String(n).repeat(64).slice(0, 64)): PublishedTeamStandards {
  return { workspace, version: n, lines, publishedBy: { user: 'ana', name: 'Ana Lead', at: '2026-12-04T08:00:00.000Z', hash } };
}

describe('precedence and pinning of the team\'s published standards', () => {
  it('this browser\'s own standards apply until the team publishes; then the published version replaces them for new tasks only', async () => {
    await saveWorkflow(reviewFlow(), alice);
    await updateSettings({ teamStandards: ['My own rule.'] }, alice);
    const before = await startTaskRecord({ workflowId: 'review-flow', title: 'Before', actor: alice });
    expect(before.teamStandards).toEqual({ version: 1, lines: ['My own rule.'] });

    expect(await setPublishedTeamStandards(version(3, ['The team\'s rule.']), system)).toBe('added');
    const after = await startTaskRecord({ workflowId: 'review-flow', title: 'After', actor: alice });
    expect(after.teamStandards).toEqual({ version: 3, lines: ['The team\'s rule.'], publishedBy: version(3, []).publishedBy });
    // The task started before keeps what it started with.
    expect((await getTask(before.id))?.teamStandards).toEqual({ version: 1, lines: ['My own rule.'] });

    // Editing one's own standards later changes nothing while the team's version is in force.
    await updateSettings({ teamStandards: ['Another own rule.'] }, alice);
    expect((await startTaskRecord({ workflowId: 'review-flow', title: 'Later', actor: alice })).teamStandards?.version).toBe(3);
  });

  it('keeps the newest version: an older one arriving late is ignored, the same version with other content is a conflict', async () => {
    expect(await setPublishedTeamStandards(version(3, ['Three.']), system)).toBe('added');
    expect(await setPublishedTeamStandards(version(2, ['Two.']), system)).toBe('older');
    expect(await setPublishedTeamStandards(version(3, ['Three, edited.'], 'e'.repeat(64)), system)).toBe('conflict');
    expect(await setPublishedTeamStandards(version(3, ['Three.']), system)).toBe('identical');
    expect((await getSettings()).publishedTeamStandards?.lines).toEqual(['Three.']);
    expect(await setPublishedTeamStandards({ ...version(1, ['Another team\'s one.']), workspace: 'https://couch.example.com/other' }, system)).toBe('added');
    expect((await getSettings()).publishedTeamStandards?.version).toBe(1);
    // Connecting to yet another workspace forgets it; reconnecting to the same one does not.
    await forgetPublishedTeamStandards('https://couch.example.com/other', system);
    expect((await getSettings()).publishedTeamStandards?.version).toBe(1);
    await forgetPublishedTeamStandards(workspace, system);
    expect((await getSettings()).publishedTeamStandards).toBeUndefined();
  });

  it('a settings form cannot set the team\'s version', async () => {
    const forged = { publishedTeamStandards: version(9, ['Forged.']) } as unknown as SettingsPatch;
    await updateSettings(forged, alice);
    expect((await getSettings()).publishedTeamStandards).toBeUndefined();
  });

  it('a backup restored into a new browser brings the person\'s own standards, not the team\'s (those come only from the workspace, checked)', async () => {
    await updateSettings({ teamStandards: ['My own rule.'] }, alice);
    await setPublishedTeamStandards(version(4, ['The team\'s rule.']), system);
    const backup = await exportBackup();
    expect(backup.settings?.publishedTeamStandards?.version).toBe(4);
    await ctx.db.settings.clear();
    await restoreBackup(JSON.parse(JSON.stringify(backup)));
    const restored = await getSettings();
    expect(restored.teamStandards).toEqual(['My own rule.']);
    expect(restored.publishedTeamStandards).toBeUndefined();
  });
});
