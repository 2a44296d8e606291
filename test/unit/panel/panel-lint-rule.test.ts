import { ESLint } from 'eslint';
import path from 'node:path';

/**
 * The lint rule that keeps the database out of the panel (eslint.config.js), run on sources written
 * here as if they lived in components/panel/: each must be refused, and type-only imports allowed.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(source: string, file = 'components/panel/probe.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('lint: no database in the panel', () => {
  it.each([
    ["import Dexie from 'dexie';", 'dexie'],
    ["import { useLiveQuery } from 'dexie-react-hooks';", 'dexie-react-hooks'],
    ["import { getSettings } from '../../lib/db';", 'lib/db'],
    ["import { listTasks } from '../../lib/db/tasks-repo';", 'a repository'],
    ["import { z } from 'zod';", 'full Zod'],
    ["import { PANEL_PORT } from '../../lib/background/panel-bridge';", 'a value from panel-bridge (which imports Dexie)'],
    ["import { taskSchema } from '../../lib/workflow/records';", 'a schema (which imports Zod)'],
    ["import { getSettings } from '@/lib/db';", 'lib/db by its alias'],
    ["import { panelCallSchemas } from '@/lib/messaging/schemas';", 'the message schemas (Zod)'],
  ])('refuses %s (%s)', async (source) => {
    expect(await restrictedImports(source)).toHaveLength(1);
  }, 30_000);

  it('allows the types of those modules and the light modules the panel is built on', async () => {
    const source = [
      "import type { PanelQueryResult } from '../../lib/background/panel-bridge';",
      "import type { HostState } from '@/lib/messaging/schemas';",
      "import type { ChainVerdict } from '../../lib/db/hash-chain';",
      "import type { Task } from '../../lib/workflow/records';",
      "import { PANEL_PORT } from '../../lib/messaging/panel-port';",
      "import { stepStates } from '../../lib/workflow/engine';",
    ].join('\n');
    expect(await restrictedImports(source)).toEqual([]);
  }, 30_000);

  it('leaves the options page, which is first-party and owns the database, alone', async () => {
    expect(await restrictedImports("import { getSettings } from '../../lib/db';", 'components/options/probe.ts')).toEqual([]);
  }, 30_000);
});

describe('lint: no React, database or Zod in the content script', () => {
  it.each([
    ["import { useState } from 'react';"],
    ["import { getDb } from '@/lib/db';"],
    ["import { z } from 'zod';"],
    ["import { hostStateSchema } from '@/lib/messaging/schemas';"],
  ])('refuses %s', async (source) => {
    expect(await restrictedImports(source, 'lib/content/probe.ts')).toHaveLength(1);
  }, 30_000);

  it('allows the schemas\' types', async () => {
    expect(await restrictedImports("import type { HostState } from '@/lib/messaging/schemas';", 'lib/hosts/probe.ts')).toEqual([]);
  }, 30_000);
});
