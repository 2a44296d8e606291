import type { Plugin } from 'vite';

const ENTRY = '<script type="module" crossorigin src=';
const STYLESHEET = /<link rel="stylesheet" crossorigin href="([^"]+\.css)">/g;

/**
 * The built `panel.html`, so that the current step can be painted before the rest has loaded
 * (DESIGN.md budget: panel ready ≤ 150 ms after navigation; entrypoints/panel/main.tsx):
 * - the entry script is `async` (Vite writes a plain module script, which runs only after the page's
 *   stylesheet has loaded and the page is parsed): it asks the background for the first screen as soon
 *   as it has loaded;
 * - the stylesheet is preloaded, not linked: a parser-inserted stylesheet blocks rendering until it has
 *   loaded and applied (the early paint came 40–150 ms after it was drawn, 27–97 ms without it). The
 *   entry applies it (`applyPreloadedStylesheets`), and React renders only once it has, so nothing
 *   shows unstyled; the early paint brings its own few rules (components/panel/first-paint.css).
 */
export function panelEarlyPaint(): Plugin {
  return {
    name: 'convops:panel-early-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html, { path }) => transformPanelHtml(html, path),
    },
  };
}

/** The change to `panel.html` (other pages as they are); fails the build rather than ship a panel whose early paint waits unnoticed. */
export function transformPanelHtml(html: string, path: string): string {
  if (!path.endsWith('/panel/index.html') && !path.endsWith('/panel.html')) return html;
  if (!html.includes(ENTRY)) throw new Error(`panel-early-paint: no "${ENTRY}" in ${path}`);
  const asyncEntry = html.replace(ENTRY, '<script type="module" async crossorigin src=');
  const preloaded = asyncEntry.replace(STYLESHEET, '<link rel="preload" as="style" crossorigin href="$1">');
  if (preloaded === asyncEntry) throw new Error(`panel-early-paint: no stylesheet link in ${path}`);
  return preloaded;
}
