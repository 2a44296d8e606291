import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromiumArgsWithExtension, chromiumPath, extensionPath } from '../test/e2e/support/extension';
import { routeMockSites } from '../test/e2e/support/mock-sites';

const usage = `npm start [-- options]
  --demo        serve the project's own mock chatgpt.com and claude.ai (default)
  --live        use the real sites (needs network and a signed-in account)
  --claude      start on Claude instead of ChatGPT
  --headless    no window; saves a screenshot instead (default when there is no display)
  --no-build    skip the build`;

/** Opens Chromium with the built extension on a chat and keeps it open until the window closes or Ctrl+C. */
export async function launchBrowser(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(usage);
    return;
  }
  const live = args.includes('--live');
  const site = args.includes('--claude') ? 'claude' : 'chatgpt';
  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const headless = args.includes('--headless') || !hasDisplay;
  // A profile kept between runs, so workflows and tasks are still there next time.
  const profile = path.resolve(extensionPath, '..', 'chromium-profile');
  mkdirSync(profile, { recursive: true });

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless,
    viewport: headless ? { width: 1400, height: 900 } : null,
    args: chromiumArgsWithExtension(extensionPath),
  });
  // The offline demo's scripted assistant follows the ConvOps protocol: it interviews, then ends each
  // step with the completion line, so a whole workflow runs as it would with a real model.
  const protocol = { script: { protocol: true } };
  if (!live) await routeMockSites(context, { chatgpt: protocol, claude: protocol });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(site === 'claude' ? 'https://claude.ai/new' : 'https://chatgpt.com/');

  const where = live ? 'the real site' : 'the mock site (offline demo; --live for the real one)';
  console.log(`\nConvOps is running in Chromium on ${site === 'claude' ? 'claude.ai' : 'chatgpt.com'}, ${where}.`);
  console.log('The panel is on the right: name yourself once, pick a workflow, start a task.');
  console.log('The ConvOps toolbar button (pin it from the puzzle-piece menu) shows or hides the panel; elsewhere it lists');
  console.log('tasks waiting for your decision and opens the dashboard. Shortcuts: Alt+Shift+K panel, Alt+Shift+S send the step.');
  if (headless) {
    // The panel's iframe is in a closed shadow root; its host element is what the page can see.
    await page.waitForSelector('#convops-panel-host', { timeout: 15_000 }).catch(() => undefined);
    await page.waitForTimeout(1_500);
    const shot = path.resolve(extensionPath, '..', 'start.png');
    await page.screenshot({ path: shot });
    console.log(`No display here, so Chromium runs headless; screenshot: ${shot}`);
  }
  console.log('Press Ctrl+C to stop.\n');
  const closed = new Promise<void>((resolve) => {
    context.on('close', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await closed;
  await context.close().catch(() => undefined);
}
