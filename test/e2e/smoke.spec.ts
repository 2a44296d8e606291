import { expect, test, type ExtensionGlobal } from './support/extension';

test('the built extension loads, its service worker starts and the options page opens', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  expect(serviceWorker.url()).toBe(`chrome-extension://${extensionId}/background.js`);
  const manifest = await serviceWorker.evaluate(() => (globalThis as ExtensionGlobal).chrome.runtime.getManifest());
  expect(manifest.permissions).toEqual(['storage']);
  expect([...(manifest.host_permissions ?? [])].sort()).toEqual(['https://chatgpt.com/*', 'https://claude.ai/*']);

  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(page.getByTestId('convops-options')).toBeVisible();
  expect(errors).toEqual([]);
});
