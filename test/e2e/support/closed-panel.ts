import { selectors, type BrowserContext, type Locator, type Page } from '@playwright/test';

/**
 * The panel iframe lives in a closed shadow root (so the host page cannot find it), and Playwright's
 * selectors, like page scripts, do not enter closed roots. Tests still need a live locator for it
 * (`frameLocator` re-resolves after the page re-mounts the panel), so the harness looks it up through
 * the DevTools protocol, which sees every shadow root, and hands the element to a small selector
 * engine in the page. Test harness only: nothing of it ships in the extension.
 *
 * `panelElement(page)` is the iframe (a Locator), `panelElement(page).contentFrame()` the panel.
 */

export const PANEL_ENGINE = 'convops-panel';
const STASH = '__convopsE2EPanelFrame';
const REVEAL = '__convopsE2ERevealPanel';

// Runs in the page's main world; synchronous, so it asks the harness to look and answers on a retry.
const engine = `({
  queryAll(root) {
    if (root.nodeType !== 9 && root !== document.documentElement) return [];
    const frame = window.${STASH};
    if (frame && frame.isConnected) return [frame];
    const now = Date.now();
    if (typeof window.${REVEAL} === 'function' && !(window.__convopsE2ERevealAt > now - 100)) {
      window.__convopsE2ERevealAt = now;
      window.${REVEAL}().catch(() => undefined);
    }
    return [];
  },
  query(root) {
    return this.queryAll(root)[0] ?? null;
  },
})`;

let registered: Promise<void> | null = null;
export function registerPanelEngine(): Promise<void> {
  registered ??= selectors.register(PANEL_ENGINE, { content: engine }).catch((error: unknown) => {
    if (!String(error).includes('already registered')) throw error;
  });
  return registered;
}

interface DomNode {
  nodeId: number;
  backendNodeId: number;
  nodeName: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  shadowRootType?: string;
}

function attr(node: DomNode, name: string): string | undefined {
  const a = node.attributes ?? [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

/** The extension's panel iframe: inside `#convops-panel-host` (in its closed shadow root). */
function findPanel(node: DomNode, inHost = false): DomNode | null {
  if (inHost && node.nodeName === 'IFRAME' && /\/panel\.html(?:[?#]|$)/.test(attr(node, 'src') ?? '')) return node;
  const host = node.nodeName === 'DIV' && attr(node, 'id') === 'convops-panel-host';
  for (const root of node.shadowRoots ?? []) {
    const found = findPanel(root, inHost || host);
    if (found) return found;
  }
  for (const child of node.children ?? []) {
    const found = findPanel(child, inHost || host);
    if (found) return found;
  }
  return null;
}

async function reveal(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const frame = findPanel(root);
    if (!frame) return;
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: frame.backendNodeId });
    if (!object.objectId) return;
    await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: `function () { window.${STASH} = this; }` });
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export async function installPanelReveal(context: BrowserContext): Promise<void> {
  await context.exposeBinding(REVEAL, ({ page }) => reveal(page));
}

export function panelElement(page: Page): Locator {
  return page.locator(`${PANEL_ENGINE}=panel`);
}
