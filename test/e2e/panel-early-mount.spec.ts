import { ensureName, panelOf } from './panel-support';
import { panelFrame } from './support/extension-probes';
import { expect, openChatGPT, test } from './support/mock-sites';

// The content script runs at document_start and mounts the panel frame as soon as the page has a
// body, so the panel loads while the site's own scripts still do (DESIGN.md budget: panel ready
// ≤ 150 ms after navigation). The reply watcher and the state report still wait for the parsed page.
test('the panel frame goes in while the site still loads its script; the panel then works as before', async ({ context, mockSites }) => {
  void mockSites;
  const page = await context.newPage();
  let frameWhileHeld: boolean | null = null;
  // Holds the site's script (so the page is not parsed yet: no DOMContentLoaded) until the panel
  // frame exists, 10 s at most, then lets the mock serve it.
  await page.route('https://chatgpt.com/__mock/chatgpt.js', async (route) => {
    frameWhileHeld = await panelFrame(page, 10_000).then(
      () => true,
      () => false,
    );
    await route.fallback();
  });
  await openChatGPT(page, { conversation: true });
  expect(frameWhileHeld).toBe(true);
  const panel = panelOf(page);
  await ensureName(panel, 'Early Person');
  // What reads the page started once it was parsed: its state reached the panel (the site is named).
  await expect(panel.getByTestId('start-and-send')).toHaveText('Start and send step 1 to ChatGPT');
});
