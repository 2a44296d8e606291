import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/extension';
import { createWorkflow, openOptions, startTaskInPanel } from './options-support';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5) }));
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`options page routes have no serious or critical axe violations (${colorScheme})`, async ({ context, extensionId }) => {
    const page = await openOptions(context, extensionId);
    await page.emulateMedia({ colorScheme });
    await createWorkflow(page, extensionId, {
      name: 'Audit ready',
      steps: [
        { title: 'Prepare', instructions: 'Prepare **it**.' },
        { title: 'Approve', instructions: 'Check.', gate: { type: 'review', ask: 'Complete?', onReject: 'Prepare' } },
      ],
    });
    await startTaskInPanel(context, extensionId, 'audit-ready', 'Quarterly audit');

    const routes = ['#/library', '#/library/new', '#/library/audit-ready/edit', '#/import', '#/tasks', '#/backup', '#/settings'];
    const found: Record<string, unknown> = {};
    for (const route of routes) {
      await page.goto(`chrome-extension://${extensionId}/options.html${route}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const violations = await seriousViolations(page);
      if (violations.length) found[route] = violations;
    }
    // Task detail, with the verify result and a delete confirmation open.
    await page.goto(`chrome-extension://${extensionId}/options.html#/tasks`);
    await page.getByRole('link', { name: 'Quarterly audit', exact: true }).click();
    await page.getByTestId('verify-chain').click();
    await expect(page.getByTestId('chain-verdict')).toBeVisible();
    const detail = await seriousViolations(page);
    if (detail.length) found['#/tasks/<id>'] = detail;
    // The printable report, on screen and as printed.
    await page.getByTestId('open-printable-report').click();
    await expect(page.getByTestId('report-chain')).toBeVisible();
    const report = await seriousViolations(page);
    if (report.length) found['#/tasks/<id>/report'] = report;
    await page.emulateMedia({ colorScheme, media: 'print' });
    const printed = await seriousViolations(page);
    if (printed.length) found['#/tasks/<id>/report (print)'] = printed;
    await page.emulateMedia({ colorScheme, media: 'screen' });
    await page.goto(`chrome-extension://${extensionId}/options.html#/library`);
    await page.getByRole('button', { name: 'Delete Audit ready' }).click();
    const confirm = await seriousViolations(page);
    if (confirm.length) found['#/library (confirm delete)'] = confirm;
    expect(found).toEqual({});
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a disabled button looks different from the same button enabled (${colorScheme})`, async ({ context, extensionId }) => {
    const page = await openOptions(context, extensionId);
    await page.emulateMedia({ colorScheme });
    await createWorkflow(page, extensionId, { name: 'Looks', steps: [{ title: 'One', instructions: 'Do it.' }] });
    const save = page.getByTestId('save-workflow');
    const look = () =>
      save.evaluate((button) => {
        const style = getComputedStyle(button);
        return { background: style.backgroundColor, color: style.color, disabled: (button as HTMLButtonElement).disabled };
      });
    // Nothing changed yet: saving is disabled.
    await expect(save).toBeDisabled();
    const disabled = await look();
    await page.getByLabel('Description').fill('Changed.');
    await expect(save).toBeEnabled();
    const enabled = await look();
    expect(disabled.background).not.toBe(enabled.background);
    expect(disabled.color).not.toBe(enabled.color);
  });
}
