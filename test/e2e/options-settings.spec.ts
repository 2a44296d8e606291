import { expect, test, type ExtensionGlobal } from './support/extension';
import { openOptions, pageErrors } from './options-support';

test('settings are saved and the panel part is mirrored to storage.local for the content script', async ({ context, extensionId, serviceWorker }) => {
  const page = await openOptions(context, extensionId, '#/settings');
  await page.getByTestId('setting-display-name').fill('Morgan Auditor');
  await page.getByTestId('setting-display-name').press('Enter');
  await expect(page.getByTestId('settings-status')).toHaveText('Saved.');
  await page.getByTestId('setting-panel-side').selectOption('left');
  await page.getByTestId('setting-panel-width').fill('500');
  await page.getByTestId('setting-panel-width').blur();
  await page.getByTestId('setting-site-claude').uncheck();
  // Drive mode sends by itself unless the person says otherwise.
  await expect(page.getByTestId('setting-auto-send')).toBeChecked();
  await page.getByTestId('setting-auto-send').uncheck();

  const readMirror = () =>
    serviceWorker.evaluate(async () => (await (globalThis as ExtensionGlobal).chrome.storage.local.get('convops.ui'))['convops.ui']);
  await expect.poll(readMirror).toEqual({ panelSide: 'left', panelWidth: 500, sites: { chatgpt: true, claude: false } });
  // The mirror leaves auto-send out: wait until the database has it before reloading the page.
  const storedAutoSend = () =>
    serviceWorker.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('convops');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('settings').objectStore('settings').get('settings');
            request.onsuccess = () => {
              open.result.close();
              resolve((request.result as { value?: { autoSend?: boolean } } | undefined)?.value?.autoSend);
            };
            request.onerror = () => reject(request.error);
          };
        }),
    );
  await expect.poll(storedAutoSend).toBe(false);

  await page.reload();
  await expect(page.getByTestId('setting-display-name')).toHaveValue('Morgan Auditor');
  await expect(page.getByTestId('setting-panel-side')).toHaveValue('left');
  await expect(page.getByTestId('setting-panel-width')).toHaveValue('500');
  await expect(page.getByTestId('setting-site-claude')).not.toBeChecked();
  await expect(page.getByTestId('setting-auto-send')).not.toBeChecked();

  // An out-of-range width is explained and not saved.
  await page.getByTestId('setting-panel-width').fill('9000');
  await expect(page.getByText('Enter a whole number from 280 to 720.')).toBeVisible();
  await page.getByTestId('setting-panel-width').blur();
  await page.reload();
  await expect(page.getByTestId('setting-panel-width')).toHaveValue('500');
  expect(pageErrors(page)).toEqual([]);
});
