// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { PanelMount } from '../../../lib/content/panel-mount';
import { parseUiSettings } from '../../../lib/content/settings';
import { chatgptAdapter, claudeAdapter } from '../../../lib/hosts';

const panelUrl = 'chrome-extension://abc/panel.html';
afterEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('PanelMount', () => {
  it('mounts the panel iframe fixed on the chosen side with the site layout style', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 400 });
    panel.mount();
    const frame = document.querySelector<HTMLIFrameElement>('#convops-panel-host iframe')!;
    expect(frame.src).toBe(panelUrl);
    const host = document.getElementById('convops-panel-host')!;
    expect(host.style.position).toBe('fixed');
    expect(host.style.right).toBe('0px');
    expect(host.style.width).toBe('400px');
    expect(document.getElementById('convops-layout')?.textContent).toBe(chatgptAdapter.layoutCss({ side: 'right', width: 400 }));
    panel.unmount();
  });

  it('collapsing removes the layout rules and shows the floating button; expanding restores both', () => {
    const panel = new PanelMount(document, claudeAdapter, panelUrl, { side: 'left', width: 320 });
    panel.mount();
    document.querySelector<HTMLButtonElement>('#convops-panel-host button')!.click();
    expect(panel.isCollapsed).toBe(true);
    expect(document.getElementById('convops-layout')).toBeNull();
    expect(document.getElementById('convops-panel-host')!.style.display).toBe('none');
    const toggle = document.getElementById('convops-panel-toggle')!;
    expect(toggle.style.display).toBe('block');
    toggle.click();
    expect(panel.isCollapsed).toBe(false);
    expect(document.getElementById('convops-layout')?.textContent).toContain('margin-left: 320px');
    expect(toggle.style.display).toBe('none');
    panel.unmount();
  });

  it('re-mounts idempotently after the site removed its nodes, keeping one of each', () => {
    const panel = new PanelMount(document, chatgptAdapter, panelUrl, { side: 'right', width: 380 });
    panel.mount();
    const frame = document.querySelector('iframe');
    document.body.replaceChildren();
    document.head.replaceChildren();
    panel.ensure();
    panel.ensure();
    expect(document.querySelectorAll('#convops-panel-host')).toHaveLength(1);
    expect(document.querySelectorAll('#convops-layout')).toHaveLength(1);
    expect(document.querySelector('iframe')).toBe(frame);
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

describe('parseUiSettings', () => {
  it('reads the options mirror and clamps what it does not trust', () => {
    expect(parseUiSettings({ panelSide: 'left', panelWidth: 9999, sites: { chatgpt: false, claude: true } })).toEqual({ panelSide: 'left', panelWidth: 720, sites: { chatgpt: false, claude: true } });
    expect(parseUiSettings(undefined)).toEqual({ panelSide: 'right', panelWidth: 380, sites: { chatgpt: true, claude: true } });
    expect(parseUiSettings({ panelSide: 'top', panelWidth: 'wide' })).toMatchObject({ panelSide: 'right', panelWidth: 380 });
  });
});
