import { transformPanelHtml } from '@/scripts/panel-early-paint';

// panel.html as Vite writes it (WXT 0.21, Vite 8): the entry, its preloads, the stylesheet.
const built = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>ConvOps panel</title>
    <script type="module" crossorigin src="/chunks/panel-BubLgLty.js"></script>
    <link rel="modulepreload" crossorigin href="/chunks/boot-Bnfsq844.js">
    <link rel="stylesheet" crossorigin href="/assets/styles-CtUGi76P.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>`;

describe('the build step that lets the panel paint its step early', () => {
  it('makes the entry async and preloads the stylesheet instead of linking it (a linked one blocks every paint)', () => {
    const out = transformPanelHtml(built, '/repo/entrypoints/panel/index.html');
    expect(out).toContain('<script type="module" async crossorigin src="/chunks/panel-BubLgLty.js"></script>');
    expect(out).toContain('<link rel="preload" as="style" crossorigin href="/assets/styles-CtUGi76P.css">');
    expect(out).not.toMatch(/rel="stylesheet"/);
    // The rest as it was.
    expect(out).toContain('<link rel="modulepreload" crossorigin href="/chunks/boot-Bnfsq844.js">');
    expect(out.replace(' async', '').replace('rel="preload" as="style"', 'rel="stylesheet"')).toBe(built);
  });

  it('gives the same result however often it runs (no state kept between pages)', () => {
    const first = transformPanelHtml(built, '/repo/entrypoints/panel/index.html');
    expect(transformPanelHtml(built, '/repo/entrypoints/panel/index.html')).toBe(first);
  });

  it('fails the build when Vite writes the page differently, rather than shipping an early paint that waits', () => {
    expect(() => transformPanelHtml(built.replace(' crossorigin src=', ' src='), '/repo/entrypoints/panel/index.html')).toThrow(/no "<script type="module"/);
    expect(() => transformPanelHtml(built.replace(/<link rel="stylesheet"[^>]*>/, ''), '/repo/entrypoints/panel/index.html')).toThrow(/no stylesheet link/);
  });

  it('leaves the other pages alone: their stylesheet blocks rendering, so they never show unstyled', () => {
    expect(transformPanelHtml(built, '/repo/entrypoints/options/index.html')).toBe(built);
    expect(transformPanelHtml(built, '/repo/entrypoints/review/index.html')).toBe(built);
  });
});
