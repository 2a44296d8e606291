import type { HostAdapter, PanelLayout } from '../hosts/adapter';

const HOST_ID = 'convops-panel-host';
const STYLE_ID = 'convops-layout';
const TOGGLE_ID = 'convops-panel-toggle';

/**
 * The panel: an iframe of the extension's panel page, fixed beside the chat, plus the `<style>`
 * that makes the site leave room for it. Elements are built with DOM APIs and inline styles only.
 * React on the host page may drop foreign nodes on navigation; `ensure()` puts them back.
 */
export class PanelMount {
  private host: HTMLDivElement | null = null;
  private frame: HTMLIFrameElement | null = null;
  private handle: HTMLButtonElement | null = null;
  private toggle: HTMLButtonElement | null = null;
  private style: HTMLStyleElement | null = null;
  private layout: PanelLayout;
  private collapsed = false;

  constructor(
    private readonly doc: Document,
    private readonly adapter: HostAdapter,
    private readonly panelUrl: string,
    layout: PanelLayout,
  ) {
    this.layout = layout;
  }

  get isCollapsed(): boolean {
    return this.collapsed;
  }

  mount(): void {
    const doc = this.doc;
    if (!this.host) {
      this.host = doc.createElement('div');
      this.host.id = HOST_ID;
      this.frame = doc.createElement('iframe');
      this.frame.src = this.panelUrl;
      this.frame.title = 'ConvOps panel';
      this.frame.setAttribute('allow', 'clipboard-write');
      this.frame.style.cssText = 'border:0;width:100%;height:100%;display:block;background:transparent;color-scheme:normal;';
      this.handle = this.button('Collapse the ConvOps panel', () => this.setCollapsed(true));
      this.host.append(this.frame, this.handle);
      this.toggle = this.button('Open the ConvOps panel', () => this.setCollapsed(false));
      this.toggle.id = TOGGLE_ID;
      this.toggle.textContent = 'ConvOps';
    }
    this.applyStyles();
    this.ensure();
  }

  /** Puts back whatever the page removed; cheap enough to call after every settled mutation burst. */
  ensure(): void {
    if (!this.host || !this.toggle) return;
    const root = this.doc.body ?? this.doc.documentElement;
    if (!this.host.isConnected) root.append(this.host);
    if (!this.toggle.isConnected) root.append(this.toggle);
    const wantStyle = !this.collapsed;
    if (wantStyle && !this.style?.isConnected) {
      this.style ??= this.doc.createElement('style');
      this.style.id = STYLE_ID;
      this.style.textContent = this.adapter.layoutCss(this.layout);
      (this.doc.head ?? this.doc.documentElement).append(this.style);
    } else if (!wantStyle) this.style?.remove();
  }

  setLayout(layout: PanelLayout): void {
    this.layout = layout;
    if (this.style) this.style.textContent = this.adapter.layoutCss(layout);
    this.applyStyles();
  }

  setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
    this.applyStyles();
    this.ensure();
  }

  unmount(): void {
    this.host?.remove();
    this.toggle?.remove();
    this.style?.remove();
    this.host = this.frame = this.handle = this.toggle = this.style = null;
  }

  private button(label: string, onClick: () => void): HTMLButtonElement {
    const b = this.doc.createElement('button');
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.title = label;
    b.addEventListener('click', (event) => {
      event.stopPropagation();
      onClick();
    });
    return b;
  }

  private applyStyles(): void {
    const { side, width } = this.layout;
    const edge = side === 'right' ? 'right' : 'left';
    if (this.host) {
      this.host.style.cssText = `all:initial;position:fixed;top:0;bottom:0;${edge}:0;width:${width}px;z-index:2147483646;display:${this.collapsed ? 'none' : 'block'};box-shadow:0 0 0 1px rgba(0,0,0,.12);background:#fff;`;
    }
    if (this.handle) {
      this.handle.textContent = side === 'right' ? '›' : '‹';
      this.handle.style.cssText = `all:initial;position:absolute;top:50%;${side === 'right' ? 'left' : 'right'}:-18px;width:18px;height:48px;margin-top:-24px;cursor:pointer;background:#f4f4f5;border:1px solid #d4d4d8;border-radius:6px;font:14px/46px system-ui,sans-serif;text-align:center;color:#3f3f46;`;
    }
    if (this.toggle) {
      this.toggle.style.cssText = `all:initial;position:fixed;bottom:96px;${edge}:12px;z-index:2147483646;display:${this.collapsed ? 'block' : 'none'};cursor:pointer;padding:8px 12px;border-radius:999px;background:#18181b;color:#fff;font:600 12px/16px system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.25);`;
    }
  }
}
