import type { Page } from '@playwright/test';
import { ensureName, panelOf, startWorkflow } from './panel-support';
import { collectExtensionErrors, hostStateFromPanel, insertFromPanel, overlaps, panelFrame, recordReplyReports } from './support/extension-probes';
import { panelElement } from './support/closed-panel';
import { generations, type GenerationProfile } from './support/mock-generations';
import { expect, inventedConversationId, mockState, openChatGPT, openClaude, test, waitForReplyFinished, type OpenOptions } from './support/mock-sites';

// The content script and adapters on every DOM generation of the mock chatgpt.com and claude.ai.

function openSite(page: Page, profile: GenerationProfile, options: OpenOptions) {
  return profile.site === 'chatgpt' ? openChatGPT(page, { generation: profile.generation, ...options }) : openClaude(page, { generation: profile.generation, ...options });
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const briefing = 'ConvOps briefing: step 2 of 4\nDraft the outline.\n\nStandards:\n- Plain words\n- Cite the source';

for (const profile of generations) {
  const { site, generation } = profile;

  test.describe(`${site} ${generation}`, () => {
    test('the panel sits beside the chat; a briefing lands in the editor state and sends; each reply is reported once', async ({ context, serviceWorker }) => {
      const page = await context.newPage();
      const errors = collectExtensionErrors(page);
      const replies = await recordReplyReports(serviceWorker);
      await openSite(page, profile, { conversation: true, turns: 2, urlDelayMs: 300 });
      const frame = await panelFrame(page);
      await expect(frame.getByTestId('convops-panel')).toBeVisible();

      // Beside, not over: the composer box, its send control and every message stay clear of the panel.
      const panelBox = (await panelElement(page).boundingBox())!;
      expect(panelBox.width).toBeGreaterThan(200);
      const composerBox = (await page.locator(profile.composerBox).boundingBox())!;
      expect(overlaps(panelBox, composerBox), `composer ${JSON.stringify(composerBox)} vs panel ${JSON.stringify(panelBox)}`).toBe(false);
      for (const message of await page.locator(`${profile.userText}, ${profile.assistantBody}`).all()) {
        const box = (await message.boundingBox())!;
        expect(overlaps(panelBox, box), `message ${JSON.stringify(box)} vs panel ${JSON.stringify(panelBox)}`).toBe(false);
      }

      // Inserted, not sent: the editor STATE holds the text, paragraphs kept.
      const inserted = await insertFromPanel(frame, briefing);
      expect(inserted).toMatchObject({ ok: true, verified: true, sent: false });
      expect((await mockState(page)).editorText).toBe(briefing);
      await expect(page.locator(profile.send)).toBeVisible();
      // The send control a person would click is not under the panel.
      const sendBox = (await page.locator(profile.send).boundingBox())!;
      expect(overlaps(panelBox, sendBox)).toBe(false);

      // Inserted and sent.
      const second = `${briefing}\n\nReply with the outline only.`;
      expect(await insertFromPanel(frame, second, true)).toMatchObject({ ok: true, verified: true, sent: true });
      await expect.poll(async () => (await mockState(page)).sentMessages).toEqual([second]);
      await waitForReplyFinished(page);
      await expect.poll(async () => (await replies()).length).toBe(1);

      // A second reply in the same conversation: one more report, with its own key.
      expect(await insertFromPanel(frame, 'And a summary, please.', true)).toMatchObject({ ok: true, sent: true });
      await waitForReplyFinished(page, 2);
      await expect.poll(async () => (await replies()).length).toBe(2);
      await page.waitForTimeout(1500); // quiet period: nothing reported twice
      const reports = await replies();
      expect(reports).toHaveLength(2);
      const conversationId = new URL(page.url()).pathname.split('/').pop();
      for (const report of reports) {
        expect(report.site).toBe(site);
        expect(report.conversationId).toBe(conversationId);
        expect(report.messageKey).not.toMatch(/^(request-WEB:|pending-)/);
        expect(report.html).toContain('language-python');
        expect(report.html).toContain('<table');
        expect(report.html).toContain('Reply when the freeze is done.');
      }
      expect(new Set(reports.map((r) => r.messageKey)).size).toBe(2);
      expect(errors).toEqual([]);
    });

    test('a workflow step: the briefing goes in, the site\'s Send sends it, the reply becomes exactly one note; the health line is clean', async ({ context }) => {
      const page = await context.newPage();
      const errors = collectExtensionErrors(page);
      await openSite(page, profile, { urlDelayMs: 100, script: { chunks: 6, intervalMs: 20, firstChunkDelayMs: 40, rowLeadMs: 60, thinking: true } });
      const panel = panelOf(page);
      await expect(panel.getByTestId('site-health')).toHaveAttribute('data-host', site);
      await expect(panel.getByTestId('site-health')).toHaveAttribute('data-composer', 'found');
      await ensureName(panel, 'Gen Tester');
      await startWorkflow(panel, 'sop-documentation', `Generation ${generation}`);
      await panel.getByTestId('insert-briefing').click();
      await expect.poll(async () => (await mockState(page)).editorText).toContain('Step 1 of');
      await page.locator(profile.send).click();
      await waitForReplyFinished(page);
      await expect(panel.getByTestId('note')).toHaveCount(1);
      await expect(panel.getByTestId('note').first()).toContainText('Release checklist');
      await expect(panel.getByTestId('note').first()).not.toContainText('Thought for');
      await expect(panel.getByTestId('note').first()).not.toContainText('Considering what the person asked for');
      await page.waitForTimeout(1200); // later mutations (action bar, URL change) add nothing
      await expect(panel.getByTestId('note')).toHaveCount(1);
      await expect(panel.getByTestId('site-health')).toHaveAttribute('data-conversation', uuidPattern);
      await expect(panel.getByTestId('site-health-problem')).toHaveCount(0);
      expect(errors).toEqual([]);
    });

    test('a new chat: the reply is reported once under the final conversation id; navigation and a missing composer are reported', async ({ context, serviceWorker, mockSites }) => {
      const page = await context.newPage();
      const errors = collectExtensionErrors(page);
      const replies = await recordReplyReports(serviceWorker);
      await openSite(page, profile, { urlDelayMs: 300, script: { chunks: 10, intervalMs: 60 } });
      const frame = await panelFrame(page);
      await expect.poll(async () => (await hostStateFromPanel(frame))?.health.composer).toBe('found');
      expect((await hostStateFromPanel(frame))?.conversationId).toBeNull();

      expect(await insertFromPanel(frame, 'Start the task.', true)).toMatchObject({ ok: true, verified: true, sent: true });
      await waitForReplyFinished(page);
      await expect.poll(() => new URL(page.url()).pathname).toMatch(profile.conversationPath);
      const newId = uuidPattern.exec(page.url())![0];
      await expect.poll(async () => (await hostStateFromPanel(frame))?.conversationId).toBe(newId);
      await expect.poll(async () => (await replies()).length).toBe(1);
      expect((await replies())[0]!.conversationId).toBe(newId);

      // Client-side navigation to another conversation.
      const other = (await page.evaluate(() => window.__mock.sidebarConversations))[0]!;
      await page.locator(`a[href$="${other}"]`).dispatchEvent('click');
      await expect.poll(async () => (await hostStateFromPanel(frame))?.conversationId).toBe(other);
      await page.goBack();
      await expect.poll(async () => (await hostStateFromPanel(frame))?.conversationId).toBe(newId);
      await page.waitForTimeout(500);
      expect(await replies()).toHaveLength(1);

      // The same site without a composer.
      mockSites.set(site, { generation, composer: 'missing' });
      await page.goto(`${new URL(page.url()).origin}${site === 'chatgpt' ? '/c/' : '/chat/'}${inventedConversationId(site)}`);
      const brokenFrame = await panelFrame(page);
      await expect.poll(async () => (await hostStateFromPanel(brokenFrame))?.health.composer).toBe('missing');
      await expect(brokenFrame.locator('[data-testid="site-health"][data-composer="missing"]')).toBeVisible();

      // The health line says what is missing and copies a report with the page's structure, none of its text.
      const problem = brokenFrame.getByTestId('site-health-problem');
      await expect(problem).toContainText('prompt box');
      await brokenFrame.getByTestId('copy-site-report').click();
      await expect(brokenFrame.getByTestId('site-report-status')).toContainText('Copied');
      await context.grantPermissions(['clipboard-read'], { origin: new URL(page.url()).origin });
      const report = await page.evaluate(() => navigator.clipboard.readText());
      expect(report).toContain(`site: ${site}`);
      expect(report).toContain('composer: missing');
      expect(report).toContain(`generation: ${generation}`);
      expect(report).toMatch(/turn 2 of the last two/);
      const pageText = await page.locator('main, [data-app-shell-main-surface]').first().innerText();
      for (const word of ['Question', 'Answer', 'topic', 'first point', inventedConversationId(site)]) {
        expect(pageText + inventedConversationId(site)).toContain(word);
        expect(report).not.toContain(word);
      }
      expect(errors).toEqual([]);
    });
  });
}

for (const site of ['chatgpt', 'claude'] as const) {
  test(`${site}: the panel does not take focus from the page while a person types`, async ({ context }) => {
    const page = await context.newPage();
    await (site === 'chatgpt' ? openChatGPT(page) : openClaude(page));
    const composer = site === 'chatgpt' ? '#prompt-textarea' : '[data-chat-input-container] fieldset:not(.opacity-0) [data-testid="chat-input"]';
    await page.locator(composer).focus();
    await page.keyboard.type('typing while the panel loads');
    const frame = await panelFrame(page);
    await expect(frame.getByTestId('convops-panel')).toBeVisible();
    await page.waitForTimeout(1000);
    await page.keyboard.type(', still typing');
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('IFRAME');
    expect((await mockState(page)).editorText).toBe('typing while the panel loads, still typing');
  });
}

for (const site of ['chatgpt', 'claude'] as const) {
  test(`${site}: a composer that hydrates after the content script started is found; a thinking part is not captured`, async ({ context, serviceWorker }) => {
    const page = await context.newPage();
    const errors = collectExtensionErrors(page);
    const replies = await recordReplyReports(serviceWorker);
    const options: OpenOptions = { hydrateDelayMs: 2500, conversation: true, script: { thinking: true, rowLeadMs: 100 } };
    await (site === 'chatgpt' ? openChatGPT(page, options) : openClaude(page, options));
    const frame = await panelFrame(page);
    await expect.poll(async () => (await hostStateFromPanel(frame))?.health.composer, { timeout: 15_000 }).toBe('found');
    await expect(frame.locator('[data-testid="site-health"][data-composer="found"]')).toBeVisible();

    expect(await insertFromPanel(frame, 'Go on.', true)).toMatchObject({ ok: true, verified: true, sent: true });
    await waitForReplyFinished(page);
    await expect.poll(async () => (await replies()).length).toBe(1);
    const [report] = await replies();
    expect(report!.html).toContain('Release checklist');
    expect(report!.html).not.toContain('Considering what the person asked for');
    expect(report!.html).not.toContain('Thought for 2s');
    expect(errors).toEqual([]);
  });
}
