import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from './support/extension';
import { databaseCounts, openOptions, pageErrors, waitForBuiltins } from './options-support';
import { readEvents } from './panel-support';

const step = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Step ${id}`, instructions: `Do ${id}.`, ...extra });
const workflowFile = (workflows: unknown[], formatVersion = 1) => JSON.stringify({ format: 'convops.workflows', formatVersion, workflows });
const good = { id: 'good-one', name: 'Good one', version: 1, steps: [step('first'), step('second', { gate: { type: 'approval', ask: 'OK?' } })] };

interface BadFile {
  name: string;
  fileName: string;
  /** File content, or a size in bytes for a sparse file of that size. */
  content: string | { size: number };
  /** Text the error must show, including where the problem is. */
  expected: (string | RegExp)[];
}

const badFiles: BadFile[] = [
  { name: 'not JSON', fileName: 'broken.convops.json', content: '{ "format": "convops.workflows", oops }', expected: ['not valid JSON', /line 1, column \d+/] },
  { name: 'wrong format', fileName: 'other.json', content: JSON.stringify({ format: 'something.else', formatVersion: 1, workflows: [good] }), expected: ['format', 'not a ConvOps workflow file format'] },
  { name: 'newer format version', fileName: 'future.convops.json', content: workflowFile([good], 7), expected: ['newer ConvOps', 'format version 7', 'update the extension'] },
  {
    name: 'broken reference',
    fileName: 'broken-ref.convops.json',
    content: workflowFile([{ ...good, steps: [step('first'), step('second', { gate: { type: 'approval', ask: 'OK?', onReject: 'frist' } })] }]),
    // The workflow and the step by title, the field in words, what to change; the path only under the details.
    expected: ['“Good one”, step 2 “Step second”, the step a rejection sends the work back to: "frist" is not a step of this workflow; did you mean "first" (step 1 “Step first”)?'],
  },
  { name: '50 MB file', fileName: 'huge.convops.json', content: { size: 50 * 1024 * 1024 }, expected: ['too large', '50.0 MB'] },
  {
    name: '10,000 steps',
    fileName: 'many-steps.convops.json',
    content: workflowFile([{ ...good, id: 'many', steps: Array.from({ length: 10_000 }, (_, i) => step(`s-${i}`)) }]),
    expected: ['“Good one”, its steps: has too many entries', '100'],
  },
  {
    name: 'HTML and script in instructions',
    fileName: 'script.convops.json',
    content: workflowFile([{ ...good, steps: [step('first', { instructions: 'Hello <script>alert(1)</script> <img src=x onerror=alert(2)>' })] }]),
    expected: ['“Good one”, step 1 “Step first”, its instructions: contains HTML', '<script>'],
  },
  { name: 'YAML that is not a workflow file', fileName: 'list.yaml', content: '- just\n- a list\n', expected: ['not a ConvOps workflow file'] },
];

test('bad workflow files show where the problem is and change nothing', async ({ context, extensionId }) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-bad-'));
  try {
    // A library with something in it, so "unchanged" is not trivially zero rows.
    const goodPath = path.join(dir, 'good.convops.json');
    await writeFile(goodPath, workflowFile([good]));
    const page = await openOptions(context, extensionId, '#/import');
    await waitForBuiltins(page, extensionId);
    await page.goto(`chrome-extension://${extensionId}/options.html#/import`);
    await page.getByTestId('import-file').setInputFiles(goodPath);
    await page.getByTestId('apply-import').click();
    await expect(page.getByTestId('import-done')).toBeVisible();
    const before = await databaseCounts(page);
    expect(before['workflows']).toBeGreaterThan(0);

    for (const bad of badFiles) {
      await test.step(bad.name, async () => {
        const filePath = path.join(dir, bad.fileName);
        if (typeof bad.content === 'string') await writeFile(filePath, bad.content);
        else {
          await writeFile(filePath, '');
          await truncate(filePath, bad.content.size);
        }
        await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
        await page.goto(`chrome-extension://${extensionId}/options.html#/import`);
        await page.getByTestId('import-file').setInputFiles(filePath);
        const error = page.getByTestId('import-error');
        await expect(error).toBeVisible();
        await expect(error).toContainText('Nothing was changed');
        for (const text of bad.expected) await expect(error).toContainText(text);
        // No schema path in what a person reads; auditors find it under the collapsed details.
        for (const item of await page.getByTestId('import-issue').allInnerTexts()) expect(item).not.toMatch(/workflows?\[|steps\[|\.gate\./);
        const details = page.getByTestId('import-issue-details');
        if ((await details.count()) > 0) {
          await expect(details).not.toHaveAttribute('open');
          await details.locator('summary').click();
          const path = await page.locator('[data-testid="import-issue"][data-path]:not([data-path=""])').first().getAttribute('data-path');
          await expect(details).toContainText(path!);
        }
        await expect(page.getByTestId('import-preview')).toHaveCount(0);
        expect(await databaseCounts(page)).toEqual(before);
      });
    }
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a conflicting workflow needs a choice; keep both adds a copy, all in one step', async ({ context, extensionId }) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-conflict-'));
  try {
    const page = await openOptions(context, extensionId, '#/import');
    const first = path.join(dir, 'v1.convops.json');
    await writeFile(first, workflowFile([good]));
    await page.getByTestId('import-file').setInputFiles(first);
    await page.getByTestId('apply-import').click();
    await expect(page.getByTestId('import-done')).toBeVisible();

    // Same id and version, different content: a conflict.
    const changed = path.join(dir, 'changed.convops.json');
    await writeFile(changed, workflowFile([{ ...good, name: 'Good one, changed elsewhere' }, { ...good, id: 'brand-new', name: 'Brand new' }]));
    await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
    await page.goto(`chrome-extension://${extensionId}/options.html#/import`);
    await page.getByTestId('import-file').setInputFiles(changed);
    const conflict = page.locator('[data-testid="import-item"][data-workflow-id="good-one"]');
    await expect(conflict).toHaveAttribute('data-status', 'conflict');
    await expect(page.locator('[data-testid="import-item"][data-workflow-id="brand-new"]')).toHaveAttribute('data-status', 'new');
    await expect(page.getByTestId('apply-import')).toBeDisabled();
    await conflict.getByTestId('import-choice').selectOption('keep-both');
    await page.getByTestId('apply-import').click();
    await expect(page.getByTestId('import-done')).toContainText('Imported 2 workflows');

    await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
    // Yours stays as it was, theirs arrives as a copy, the new one as itself.
    await expect(page.locator('[data-testid="workflow-row"][data-workflow-id="good-one"]')).toContainText('Good one');
    await expect(page.locator('[data-testid="workflow-row"][data-workflow-id="good-one"]')).not.toContainText('changed elsewhere');
    await expect(page.locator('[data-testid="workflow-row"][data-workflow-id="good-one-2"]')).toContainText('changed elsewhere');
    await expect(page.locator('[data-testid="workflow-row"][data-workflow-id="brand-new"]')).toBeVisible();
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('while the library is busy, Apply says it is importing and cannot be clicked again; the import lands once', async ({ context, extensionId, serviceWorker }) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'convops-busy-'));
  try {
    const file = path.join(dir, 'busy.convops.json');
    await writeFile(file, workflowFile([{ ...good, id: 'while-busy', name: 'While busy' }]));
    const page = await openOptions(context, extensionId, '#/import');
    await waitForBuiltins(page, extensionId);
    await page.goto(`chrome-extension://${extensionId}/options.html#/import`);
    await page.getByTestId('import-file').setInputFiles(file);
    await expect(page.locator('[data-testid="import-item"][data-workflow-id="while-busy"]')).toHaveAttribute('data-status', 'new');
    // Another tab of the options page holds a write on the library (a long save, an import of its own).
    const other = await openOptions(context, extensionId, '#/settings');
    await other.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('convops');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['workflows'], 'readwrite');
            const store = tx.objectStore('workflows');
            const w = window as unknown as { releaseLibrary?: boolean };
            const spin = () => {
              if (!w.releaseLibrary) store.count().onsuccess = spin;
            };
            spin();
            tx.oncomplete = () => db.close();
            resolve();
          };
        }),
    );
    const apply = page.getByTestId('apply-import');
    await apply.click();
    await expect(apply).toHaveText('Importing…');
    await expect(apply).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    await expect(page.getByTestId('import-done')).toHaveCount(0);
    await other.evaluate(() => ((window as unknown as { releaseLibrary?: boolean }).releaseLibrary = true));
    await expect(page.getByTestId('import-done')).toContainText('Imported 1 workflow');
    const imported = (await readEvents(serviceWorker, 'workflow:while-busy')).filter((e) => e.type === 'workflow.imported').length;
    expect(imported).toBe(1);
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a YAML workflow file dropped on the page is previewed and imported', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/import');
  const yaml = [
    'format: convops.workflows',
    'formatVersion: 1',
    'workflows:',
    '  - id: yaml-flow',
    '    name: From YAML',
    '    version: 3',
    '    steps:',
    '      - id: only',
    '        title: Only step',
    '        instructions: Do the thing.',
    '        gate: { type: sign-off, ask: Signed? }',
  ].join('\n');
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'flow.yaml', { type: 'application/yaml' }));
    return transfer;
  }, yaml);
  await page.getByTestId('import-dropzone').dispatchEvent('drop', { dataTransfer });
  const item = page.locator('[data-testid="import-item"][data-workflow-id="yaml-flow"]');
  await expect(item).toHaveAttribute('data-status', 'new');
  await page.getByTestId('apply-import').click();
  await expect(page.getByTestId('import-done')).toContainText('Imported 1 workflow');
  await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
  const row = page.locator('[data-testid="workflow-row"][data-workflow-id="yaml-flow"]');
  await expect(row.getByTestId('gate-summary')).toHaveText('1 (Sign-off)');
  await expect(row.getByTestId('workflow-version')).toHaveText('v3');
  expect(pageErrors(page)).toEqual([]);
});
