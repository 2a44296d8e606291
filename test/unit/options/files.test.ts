import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readWorkflowFile } from '@/components/options/import-page';
import { restoreSummary } from '@/components/options/backup-page';
import { mirrorUiSettings, UI_MIRROR_KEY } from '@/lib/settings/ui-mirror';
import { parseUiSettings } from '@/lib/messaging/ui-settings';
import { DEFAULT_SETTINGS } from '@/lib/workflow/records';

describe('readWorkflowFile', () => {
  it('refuses a file over the limit from its size, without reading it', async () => {
    const text = vi.fn(async () => '');
    const huge = { name: 'huge.convops.json', size: 50 * 1024 * 1024, text } as unknown as File;
    const result = await readWorkflowFile(huge);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/too large \(50\.0 MB\).*up to 5\.0 MB/);
    expect(text).not.toHaveBeenCalled();
  });
  it('reads a file within the limit', async () => {
    const result = await readWorkflowFile(new File(['{"a":1}'], 'small.json'));
    expect(result).toEqual({ ok: true, text: '{"a":1}' });
  });
});

describe('restoreSummary', () => {
  const base = {
    added: { workflowVersions: 2, tasks: 3, notes: 1, events: 12, settings: true },
    updatedTasks: 0,
    skipped: { workflowVersions: 0, tasks: 0, notes: 0, events: 0 },
    divergedChains: [],
    refused: [],
    quarantinedChains: [],
  };
  it('counts what was added', () => {
    expect(restoreSummary(base)).toBe('Added 2 workflow versions, 3 tasks, 1 note and 12 audit events, and the settings.');
  });
  it('says when nothing was new, and warns about chains', () => {
    const text = restoreSummary({
      ...base,
      added: { workflowVersions: 0, tasks: 0, notes: 0, events: 0, settings: false },
      skipped: { workflowVersions: 2, tasks: 3, notes: 1, events: 12 },
      refused: [{ id: 't1', title: 'Alpha', reason: 'Task "Alpha" was not imported: its audit trail does not verify.' }],
      quarantinedChains: ['settings'],
    });
    expect(text).toContain('Added 0 workflow versions, 0 tasks, 0 notes and 0 audit events.');
    expect(text).toContain('18 records were already here');
    expect(text).toContain('Refused 1 task (nothing of it was written): Task "Alpha" was not imported: its audit trail does not verify.');
    expect(text).toContain('Left out 1 audit chain that did not verify.');
  });
});

describe('mirrorUiSettings', () => {
  it('writes what the content script reads, and nothing else', async () => {
    fakeBrowser.reset();
    await mirrorUiSettings({ ...DEFAULT_SETTINGS, displayName: 'Ana', panelSide: 'left', panelWidth: 500, sites: { chatgpt: true, claude: false } });
    const stored = await fakeBrowser.storage.local.get(UI_MIRROR_KEY);
    expect(stored[UI_MIRROR_KEY]).toEqual({ panelSide: 'left', panelWidth: 500, sites: { chatgpt: true, claude: false } });
    expect(parseUiSettings(stored[UI_MIRROR_KEY])).toEqual(stored[UI_MIRROR_KEY]);
  });
});
