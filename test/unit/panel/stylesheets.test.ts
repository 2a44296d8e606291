// @vitest-environment happy-dom
import { addEarlyPaintRules, applyPreloadedStylesheets } from '@/components/panel/stylesheets';

beforeEach(() => {
  document.head.innerHTML = '';
});

describe('the panel stylesheets put in by its entry', () => {
  it('adds the early paint’s rules at once, and removes them when asked', () => {
    const remove = addEarlyPaintRules('.p-3{padding:.75rem}');
    expect(document.head.querySelector('style')!.textContent).toBe('.p-3{padding:.75rem}');
    remove();
    expect(document.head.querySelector('style')).toBeNull();
  });

  // That React waits for the load is shown in a browser (test/e2e/panel-early-paint.spec.ts): this DOM
  // fails every stylesheet load at once, having no server.
  it('links each preloaded stylesheet right after its preload, with the preload’s own request', () => {
    document.head.innerHTML = '<link rel="preload" as="style" crossorigin href="/assets/styles-x.css"><link rel="modulepreload" href="/chunks/a.js">';
    void applyPreloadedStylesheets();
    const link = document.head.querySelector<HTMLLinkElement>('link[rel="stylesheet"]')!;
    expect(link.href).toBe(new URL('/assets/styles-x.css', location.href).href);
    expect(link.getAttribute('crossorigin')).toBe('');
    // Right after its preload, so the cascade keeps the page's order.
    expect(link.previousElementSibling!.getAttribute('rel')).toBe('preload');
    // Only the stylesheet preload: the module preload is not a stylesheet.
    expect(document.head.querySelectorAll('link[rel="stylesheet"]')).toHaveLength(1);
  });

  it('settles when a stylesheet fails to load: the panel renders rather than never', async () => {
    document.head.innerHTML = '<link rel="preload" as="style" href="/assets/missing.css">';
    const applied = applyPreloadedStylesheets();
    document.head.querySelector('link[rel="stylesheet"]')!.dispatchEvent(new Event('error'));
    await expect(applied).resolves.toBeUndefined();
  });

  it('settles at once with nothing preloaded (a dev server adds the styles itself)', async () => {
    await expect(applyPreloadedStylesheets()).resolves.toBeUndefined();
    expect(document.head.querySelector('link')).toBeNull();
  });
});
