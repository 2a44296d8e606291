import { generations } from './support/mock-generations';
import { expect, inventedConversationId, mockState, openChatGPT, openClaude, test, typeIntoComposer, waitForReplyFinished, type OpenOptions } from './support/mock-sites';
import type { Page } from '@playwright/test';

// These tests check the mock sites themselves (no extension behaviour is relied on), with the built
// extension loaded so that later specs run on exactly this setup. Clicks are dispatched to the
// element, not at screen coordinates, so the extension's panel cannot intercept them.
// Nothing here relies on what the extension keeps, so one browser per worker serves every test.
test.use({ sharedExtensionBrowser: true });

function openSite(page: Page, site: 'chatgpt' | 'claude', options: OpenOptions) {
  return site === 'chatgpt' ? openChatGPT(page, options) : openClaude(page, options);
}

for (const profile of generations) {
  const { site, generation } = profile;

  test.describe(`${site} ${generation}`, () => {
    test('typing into the real editor enables Send; sending streams a reply with the site signals', async ({ context }) => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await openSite(page, site, { generation, urlDelayMs: 400, script: { chunks: 8, intervalMs: 80, firstChunkDelayMs: 250, rowLeadMs: 300 } });
      expect(page.url()).toBe(`${site === 'chatgpt' ? 'https://chatgpt.com' : 'https://claude.ai'}${profile.newChatPath}`);

      await expect(page.locator(profile.composer)).toHaveCount(1);
      await expect(page.locator(profile.send)).toHaveCount(0);
      await typeIntoComposer(page, generation, 'Plan the release\nwith two lines');
      expect((await mockState(page)).editorText).toBe('Plan the release\nwith two lines');
      await expect(page.locator(profile.send)).toBeVisible();

      await page.locator(profile.send).dispatchEvent('click');
      await expect(page.locator(profile.stop)).toBeVisible();
      await expect(page.locator(profile.streaming).first()).toBeAttached();
      if (generation === 'classic') await expect(page.locator('section[data-turn="assistant"][data-turn-id^="request-WEB:"]')).toHaveCount(1);
      // Claude: the row is there before its streaming node.
      if (profile.newReplyRow) await expect(page.locator(profile.newReplyRow)).toBeAttached();
      const sending = await mockState(page);
      expect(sending.sentMessages).toEqual(['Plan the release\nwith two lines']);
      expect(sending.editorText).toBe('');
      expect(sending.streaming).toBe(true);
      await expect(page.locator(profile.userText).first()).toContainText('Plan the release');
      if (site === 'chatgpt') expect(new URL(page.url()).pathname).toMatch(/^\/c\/WEB:/);
      await expect(page.locator(profile.actionBar)).toHaveCount(0);

      await waitForReplyFinished(page);
      await expect(page.locator(profile.stop)).toHaveCount(0);
      await expect(page.locator(profile.streaming)).toHaveCount(0);
      await expect(page.locator(profile.actionBar).first()).toBeVisible();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(profile.conversationPath);
      // Classic: the message gets the server id; the turn keeps its request id (as on real pages of April 2026).
      if (generation === 'classic') {
        await expect(page.locator('section[data-turn="assistant"] [data-message-author-role="assistant"][data-message-id^="request-WEB:"]')).toHaveCount(0);
        await expect(page.locator('section[data-turn="assistant"][data-turn-id^="request-WEB:"]')).toHaveCount(1);
      }
      if (generation === 'octane') await expect(page.locator('li[id^="pending-"]')).toHaveCount(0);

      const body = page.locator(profile.assistantBody).last();
      await expect(body.locator('h2')).toHaveText('Release checklist');
      await expect(body.locator('ul > li')).toHaveCount(3);
      await expect(body.locator('pre code.language-python')).toContainText('def ready(checks):');
      await expect(body.locator('table th')).toHaveText(['Stage', 'Owner', 'Days']);
      await expect(body.locator('table tbody tr')).toHaveCount(2);
      if (site === 'chatgpt') {
        await expect(body.locator('pre')).toContainText('python');
        await expect(body.locator('pre button')).toHaveCount(1);
      } else {
        await expect(body.locator('pre > code.language-python')).toHaveCount(1);
        await expect(body.locator('p.font-claude-response-body').first()).toBeVisible();
      }
      expect((await mockState(page)).repliesFinished).toBe(1);
      expect(errors).toEqual([]);
    });

    test('text written into the DOM without the editor does not reach the state and does not send', async ({ context }) => {
      const page = await context.newPage();
      await openSite(page, site, { generation });
      await page.locator(profile.composer).evaluate((node) => {
        if (node instanceof HTMLTextAreaElement) node.value = 'smuggled text';
        else node.textContent = 'smuggled text';
        node.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForTimeout(100);
      expect((await mockState(page)).editorText).toBe('');
      await expect(page.locator(profile.send)).toHaveCount(0);
      await page.locator(profile.composer).focus();
      await page.keyboard.press('Enter');
      await page.waitForTimeout(100);
      expect((await mockState(page)).sentMessages).toEqual([]);
    });

    test('text inserted the way an extension may (execCommand / native value setter) lands in the state, paragraphs kept', async ({ context }) => {
      const page = await context.newPage();
      await openSite(page, site, { generation });
      const text = 'Step 1 of 3\nDraft the outline\n\nKeep it short.';
      await page.locator(profile.composer).evaluate((node, value) => {
        if (node instanceof HTMLTextAreaElement) {
          Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(node, value);
          node.dispatchEvent(new Event('input', { bubbles: true }));
          return;
        }
        (node as HTMLElement).focus();
        document.getSelection()!.selectAllChildren(node);
        document.execCommand('insertText', false, value);
      }, text);
      await expect.poll(async () => (await mockState(page)).editorText).toBe(text);
      await expect(page.locator(profile.send)).toBeVisible();
      await page.locator(profile.send).dispatchEvent('click');
      await expect.poll(async () => (await mockState(page)).sentMessages).toEqual([text]);
    });

    test('an existing conversation renders its turns, and sidebar navigation changes conversation without a reload', async ({ context }) => {
      const page = await context.newPage();
      await openSite(page, site, { generation, conversation: true, turns: 3 });
      const first = inventedConversationId(site);
      expect(new URL(page.url()).pathname).toMatch(profile.conversationPath);
      expect(page.url()).toContain(first);
      await expect(page.locator(profile.userText)).toHaveCount(3);
      await expect(page.locator(profile.assistantBody)).toHaveCount(3);
      await expect(page.locator(profile.userText).first()).toContainText(`topic ${first.slice(0, 4)}`);

      await page.evaluate(() => (window as unknown as { marker: number }).marker = 1);
      const next = (await page.evaluate(() => window.__mock.sidebarConversations))[1]!;
      await page.locator(`a[href$="${next}"]`).dispatchEvent('click');
      await expect.poll(() => page.url()).toContain(next);
      await expect(page.locator(profile.userText).first()).toContainText(`topic ${next.slice(0, 4)}`);
      await expect(page.locator(profile.userText)).toHaveCount(3);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

      await page.goBack();
      await expect.poll(() => page.url()).toContain(first);
      await expect(page.locator(profile.userText).first()).toContainText(`topic ${first.slice(0, 4)}`);
    });

    test('the "composer missing" variant has no composer', async ({ context }) => {
      const page = await context.newPage();
      await openSite(page, site, { generation, composer: 'missing', conversation: true });
      await expect(page.locator('[contenteditable="true"], textarea')).toHaveCount(site === 'claude' ? 0 : 0);
      await expect(page.locator(profile.userText)).toHaveCount(2);
    });
  });
}

test('Claude: Enter is ignored while a reply streams; the hidden duplicate composer stays empty', async ({ context }) => {
  const page = await context.newPage();
  await openClaude(page, { generation: 'virtualized', script: { chunks: 10, intervalMs: 100, rowLeadMs: 200 } });
  const composer = page.locator('[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]');
  await typeIntoComposer(page, 'virtualized', 'first question');
  // Focus again before each key: the extension's panel loading in the page must not eat the key.
  await composer.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('button[aria-label="Stop response"]')).toBeVisible();
  await typeIntoComposer(page, 'virtualized', 'second question');
  await composer.focus();
  await page.keyboard.press('Enter');
  expect((await mockState(page)).streaming).toBe(true);
  expect((await mockState(page)).sentMessages).toEqual(['first question']);
  expect((await mockState(page)).editorText).toBe('second question');
  await expect(page.locator('fieldset.opacity-0 [data-testid="chat-input"]')).toHaveText('');
  await waitForReplyFinished(page);
  await composer.focus();
  await page.keyboard.press('Enter');
  await waitForReplyFinished(page, 2);
  expect((await mockState(page)).sentMessages).toEqual(['first question', 'second question']);
});

test('Claude: a long conversation is virtualized (rows exist only near the viewport)', async ({ context }) => {
  const page = await context.newPage();
  await openClaude(page, { generation: 'virtualized', conversation: true, turns: 150 });
  const indexes = async () => page.locator('[role="feed"] > div[data-index]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-index'))));
  const atBottom = await indexes();
  expect(atBottom.length).toBeGreaterThan(0);
  expect(atBottom.length).toBeLessThan(60);
  expect(Math.max(...atBottom)).toBe(299);
  expect(Math.min(...atBottom)).toBeGreaterThan(200);
  await page.locator('[data-autoscroll-container]').evaluate((port) => port.scrollTo(0, 0));
  await expect.poll(async () => Math.min(...(await indexes()))).toBe(0);
  expect(await indexes()).not.toContain(299);
});

test('ChatGPT classic: the layout keeps the thread and composer beside the sidebar, and a 300-turn page renders', async ({ context }) => {
  const page = await context.newPage();
  await openChatGPT(page, { conversation: true, turns: 150 });
  await expect(page.locator('section[data-testid^="conversation-turn-"]')).toHaveCount(300);
  await expect(page.locator('section[data-testid="conversation-turn-300"][data-turn="assistant"]')).toBeAttached();
  const sidebar = (await page.locator('#stage-slideover-sidebar').boundingBox())!;
  const composer = (await page.locator('#prompt-textarea').boundingBox())!;
  const scrollRoot = (await page.locator('[data-scroll-root]').boundingBox())!;
  expect(sidebar.width).toBe(260);
  expect(composer.x).toBeGreaterThanOrEqual(sidebar.x + sidebar.width);
  expect(scrollRoot.x).toBe(sidebar.x + sidebar.width);
  expect(scrollRoot.width).toBeGreaterThan(400);
});

test('delayed hydration: the server-rendered composer placeholder is replaced by the real editor', async ({ context, mockSites }) => {
  const page = await context.newPage();
  mockSites.set('chatgpt', { generation: 'classic', hydrateDelayMs: 800 });
  mockSites.set('claude', { hydrateDelayMs: 800 });
  await page.goto('https://chatgpt.com/');
  await expect(page.locator('form[data-type="unified-composer"] textarea[name="prompt-textarea"]')).toBeAttached();
  await expect(page.locator('#prompt-textarea')).toHaveCount(0);
  await page.waitForFunction(() => window.__mock?.ready === true);
  await expect(page.locator('textarea[name="prompt-textarea"]')).toHaveCount(0);
  await expect(page.locator('#prompt-textarea[contenteditable="true"]')).toBeVisible();

  await page.goto('https://claude.ai/new');
  await expect(page.locator('textarea[data-testid="chat-input-ssr"]')).toBeVisible();
  await page.waitForFunction(() => window.__mock?.ready === true);
  await expect(page.locator('textarea[data-testid="chat-input-ssr"]')).toHaveCount(0);
  await typeIntoComposer(page, 'virtualized', 'after hydration');
  expect((await mockState(page)).editorText).toBe('after hydration');
});

test('a thinking part renders apart from the answer', async ({ context }) => {
  const page = await context.newPage();
  await openClaude(page, { generation: 'virtualized', script: { thinking: true, rowLeadMs: 50 } });
  await typeIntoComposer(page, 'virtualized', 'think first');
  await page.locator('button[aria-label="Send message"]').dispatchEvent('click');
  await waitForReplyFinished(page);
  await expect(page.locator('[data-is-streaming="false"] [data-timeline-text] .standard-markdown')).toHaveText('Considering what the person asked for.');
  await expect(page.locator('[data-is-streaming="false"] .font-claude-response > .standard-markdown h2')).toHaveText('Release checklist');

  // The flat list of 2026: a "Thought for 2s" block (expanded here) comes before the answer in the same response.
  await openClaude(page, { generation: 'flat', script: { thinking: true, rowLeadMs: 50 } });
  await typeIntoComposer(page, 'flat', 'think first');
  await page.locator('button[aria-label="Send message"]').dispatchEvent('click');
  await waitForReplyFinished(page);
  const response = page.locator('[data-is-streaming="false"] .font-claude-response');
  await expect(response.locator('.row-start-1 button')).toHaveText('Thought for 2s');
  await expect(response.locator('.row-start-1 .standard-markdown')).toHaveText('Considering what the person asked for.');
  await expect(response.locator('.standard-markdown').last().locator('h2')).toHaveText('Release checklist');

  await openChatGPT(page, { script: { thinking: true } });
  await typeIntoComposer(page, 'classic', 'think first');
  await page.locator('button[data-testid="send-button"]').dispatchEvent('click');
  await waitForReplyFinished(page);
  const authors = page.locator('section[data-turn="assistant"] [data-message-author-role="assistant"]');
  await expect(authors).toHaveCount(2);
  await expect(authors.first()).toHaveText('Thought for 2s');
  await expect(authors.last().locator('.markdown h2')).toHaveText('Release checklist');
});
