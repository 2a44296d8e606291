// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { PanelMount } from '@/lib/content/panel-mount';
import { parseUiSettings } from '@/lib/messaging/ui-settings';
import { chatgptAdapter, claudeAdapter } from '@/lib/hosts';

const panelUrl = 'chrome-extension://abc/panel.html';
afterEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('PanelMount', () => {
  it('mounts the panel iframe fixed on the chosen side with the site layout style', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 });
    panel.mount();
    const frame = panel.frameElement!;
    expect(frame.src).toBe(panelUrl);
    const host = document.getElementById('convops-panel-host')!;
    expect(host.style.position).toBe('fixed');
    expect(host.style.right).toBe('0px');
    expect(host.style.width).toBe('400px');
    expect(document.getElementById('convops-layout')?.textContent).toBe(chatgptAdapter.layoutCss({ side: 'right', width: 400 }));
    panel.unmount();
  });

  it('held (before the settings are read): the frame is in and loading, yet nothing shows and the site makes no room; mounting again shows it, the same frame', async () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 });
    panel.mount(true);
    const frame = panel.frameElement!;
    expect(frame.isConnected).toBe(true);
    expect(frame.src).toBe(panelUrl);
    const host = document.getElementById('convops-panel-host')!;
    expect(host.style.display).toBe('none');
    expect(document.getElementById('convops-layout')).toBeNull();
    expect(document.getElementById('convops-panel-toggle')!.style.display).toBe('none');
    // A page that restyles the held host gets it put back hidden, not shown.
    host.setAttribute('style', 'display:block !important');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.style.display).toBe('none');
    expect(panel.tampered).toBe(1);
    panel.mount();
    expect(panel.frameElement).toBe(frame);
    expect(host.style.display).toBe('block');
    expect(document.getElementById('convops-layout')?.textContent).toBe(chatgptAdapter.layoutCss({ side: 'right', width: 400 }));
    panel.unmount();
  });

  it('collapsing removes the layout rules and shows the floating button; expanding restores both', () => {
    const panel = new PanelMount(document, claudeAdapter, panelUrl, { side: 'left', width: 320 });
    panel.mount();
    panel.setCollapsed(true);
    expect(panel.isCollapsed).toBe(true);
    expect(document.getElementById('convops-layout')).toBeNull();
    expect(document.getElementById('convops-panel-host')!.style.display).toBe('none');
    const toggle = document.getElementById('convops-panel-toggle')!;
    expect(toggle.style.display).toBe('block');
    panel.setCollapsed(false);
    expect(panel.isCollapsed).toBe(false);
    expect(document.getElementById('convops-layout')?.textContent).toContain('margin-left: 320px');
    expect(toggle.style.display).toBe('none');
    panel.unmount();
  });

  it('re-mounts idempotently after the site removed its nodes, keeping one of each', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 });
    panel.mount();
    const frame = panel.frameElement;
    document.body.replaceChildren();
    document.head.replaceChildren();
    panel.ensure();
    panel.ensure();
    expect(document.querySelectorAll('#convops-panel-host')).toHaveLength(1);
    expect(document.querySelectorAll('#convops-layout')).toHaveLength(1);
    expect(panel.frameElement).toBe(frame);
    expect(frame!.isConnected).toBe(true);
    panel.unmount();
    expect(document.getElementById('convops-panel-host')).toBeNull();
    expect(document.getElementById('convops-layout')).toBeNull();
    expect(document.getElementById('convops-panel-toggle')).toBeNull();
  });

  it('applies a new width to the layout rules', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 });
    panel.mount();
    panel.setLayout({ side: 'right', width: 500 });
    expect(document.getElementById('convops-layout')?.textContent).toContain('calc(100% - 500px)');
    expect(document.getElementById('convops-panel-host')!.style.width).toBe('500px');
    panel.unmount();
  });
});

describe('PanelMount against a hostile page', () => {
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('hides the frame from page scripts: no iframe, no src, nothing inside the host to query', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 });
    panel.mount();
    expect(document.querySelectorAll('iframe')).toHaveLength(0);
    const host = document.getElementById('convops-panel-host')!;
    expect(host.shadowRoot).toBeNull();
    expect(host.querySelector('iframe')).toBeNull();
    expect(document.documentElement.outerHTML).not.toContain('panel.html');
    panel.unmount();
  });

  it('puts back the host style, the frame src and the layout rules when the page changes them, and reports repeated tampering', async () => {
    const reports: number[] = [];
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 }, (n) => reports.push(n));
    panel.mount();
    const host = document.getElementById('convops-panel-host')!;
    host.style.opacity = '0';
    await flush();
    expect(host.style.opacity).toBe('1');
    panel.frameElement!.src = 'data:text/html,<button>Approve</button>';
    await flush();
    expect(panel.frameElement!.getAttribute('src')).toBe(panelUrl);
    document.getElementById('convops-layout')!.textContent = '';
    await flush();
    expect(document.getElementById('convops-layout')!.textContent).toBe(chatgptAdapter.layoutCss({ side: 'right', width: 380 }));
    host.setAttribute('hidden', '');
    await flush();
    expect(host.hasAttribute('hidden')).toBe(false);
    expect(panel.tampered).toBe(4);
    expect(reports).toEqual([3, 4]);
    panel.unmount();
  });

  it('does not count its own changes (layout, collapse, re-mount) as tampering', async () => {
    const reports: number[] = [];
    const panel = new PanelMount(document, claudeAdapter, panelUrl, { side: 'left', width: 320 }, (n) => reports.push(n));
    panel.mount();
    panel.setLayout({ side: 'right', width: 500 });
    panel.setCollapsed(true);
    panel.setCollapsed(false);
    document.body.replaceChildren();
    panel.ensure();
    await flush();
    expect(panel.tampered).toBe(0);
    expect(reports).toEqual([]);
    panel.unmount();
  });

  it("the pill's word changes nothing on the page while the panel is open, shows once it is collapsed, and is not tampering", async () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 });
    panel.mount();
    await flush();
    const seen: MutationRecord[] = [];
    const observer = new MutationObserver((records) => seen.push(...records));
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    panel.setAttention('Send');
    await flush();
    expect(seen).toEqual([]);
    const toggle = document.getElementById('convops-panel-toggle')!;
    panel.setCollapsed(true);
    expect(toggle.textContent).toBe('● ConvOps · Send');
    panel.setAttention('Decide');
    expect(toggle.textContent).toBe('● ConvOps · Decide');
    panel.setAttention(null);
    expect(toggle.textContent).toBe('ConvOps');
    await flush();
    expect(panel.tampered).toBe(0);
    observer.disconnect();
    panel.unmount();
  });

  it('reports each collapse and opening, and an opened panel forgets its word (none comes while it is open)', () => {
    let reports = 0;
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 }, undefined, () => reports++);
    panel.mount();
    expect(reports).toBe(0);
    panel.setCollapsed(true);
    expect(reports).toBe(1);
    panel.setAttention('Send');
    const toggle = document.getElementById('convops-panel-toggle')!;
    expect(toggle.textContent).toBe('● ConvOps · Send');
    panel.setCollapsed(false);
    expect(reports).toBe(2);
    // Collapsed again: no stale word until the panel, told of the collapse, sends the word of the moment.
    panel.setCollapsed(true);
    expect(reports).toBe(3);
    expect(toggle.textContent).toBe('ConvOps');
    panel.unmount();
  });

  it('a change the page made just before a new word is still repaired and counted', async () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 });
    panel.mount();
    panel.setCollapsed(true);
    const toggle = document.getElementById('convops-panel-toggle')!;
    toggle.setAttribute('hidden', '');
    panel.setAttention('Send');
    await flush();
    expect(toggle.hasAttribute('hidden')).toBe(false);
    expect(toggle.textContent).toBe('● ConvOps · Send');
    expect(panel.tampered).toBe(1);
    panel.unmount();
  });

  it('every inline declaration is !important, so a page stylesheet cannot override it', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 });
    panel.mount();
    const host = document.getElementById('convops-panel-host')!;
    expect(host.style.getPropertyPriority('opacity')).toBe('important');
    expect(host.style.getPropertyPriority('width')).toBe('important');
    panel.unmount();
  });
});

describe('parseUiSettings', () => {
  it('reads the options mirror and clamps what it does not trust', () => {
    expect(parseUiSettings({ panelSide: 'left', panelWidth: 9999, sites: { chatgpt: false, claude: true } })).toEqual({ panelSide: 'left', panelWidth: 720, sites: { chatgpt: false, claude: true } });
    expect(parseUiSettings(undefined)).toEqual({ panelSide: 'right', panelWidth: 380, sites: { chatgpt: true, claude: true } });
    expect(parseUiSettings({ panelSide: 'top', panelWidth: 'wide' })).toMatchObject({ panelSide: 'right', panelWidth: 380 });
  });
});
