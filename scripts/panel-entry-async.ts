import type { Plugin } from 'vite';

/**
 * The panel's entry script as `<script type="module" async>` (Vite writes a plain module script, which
 * runs only after the page's stylesheet has loaded and the page is parsed): the entry asks the
 * background for the first screen as soon as it has loaded, and paints once the page is parsed
 * (entrypoints/panel/main.tsx). The stylesheet still blocks rendering, so nothing shows unstyled
 * (DESIGN.md budget: panel ready ≤ 150 ms after navigation).
 */
export function panelEntryAsync(): Plugin {
  return {
    name: 'convops:panel-entry-async',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html, { path }) => {
        if (!path.endsWith('/panel/index.html') && !path.endsWith('/panel.html')) return html;
        const entry = '<script type="module" crossorigin src=';
        // Fails the build rather than ship the panel's entry waiting for its stylesheet unnoticed.
        if (!html.includes(entry)) throw new Error(`panel-entry-async: no "${entry}" in ${path}`);
        return html.replace(entry, '<script type="module" async crossorigin src=');
      },
    },
  };
}
