/**
 * The panel's stylesheets, put in by its entry so that the early paint (./first-paint.ts) need not
 * wait for the whole stylesheet: the built `panel.html` preloads it rather than linking it
 * (scripts/panel-early-paint.ts), since a stylesheet in the page's head blocks every paint until it
 * has loaded.
 */

/** The early paint's own rules (./first-paint.css), in a `<style>` at once; removed by the returned function. */
export function addEarlyPaintRules(css: string): () => void {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  return () => style.remove();
}

/**
 * Links each stylesheet `panel.html` preloads (`<link rel="preload" as="style">`; a linked stylesheet
 * added by a script does not block rendering). Resolves once each has loaded or failed: React renders
 * only then, so nothing shows unstyled. None (a dev server, where Vite adds the styles itself): at once.
 */
export function applyPreloadedStylesheets(): Promise<void> {
  const preloads = [...document.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="style"]')];
  return Promise.all(
    preloads.map(
      (preload) =>
        new Promise<void>((resolve) => {
          const link = document.createElement('link');
          link.rel = 'stylesheet';
          // The same request as the preload's (its credentials mode too), so the preloaded response is used, not fetched again.
          const credentials = preload.getAttribute('crossorigin');
          if (credentials !== null) link.setAttribute('crossorigin', credentials);
          link.addEventListener('load', () => resolve(), { once: true });
          // A packaged file that fails to load: the panel still renders, styled or not, rather than never.
          link.addEventListener('error', () => resolve(), { once: true });
          link.href = preload.href;
          preload.after(link);
        }),
    ),
  ).then(() => undefined);
}
