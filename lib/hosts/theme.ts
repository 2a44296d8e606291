/**
 * The host page's own light/dark choice. Both sites have an in-app theme setting that can differ from
 * the system's, and they mark it on the root element; the panel follows it. Kept as data, like the
 * selectors: when a site renames its marker, this list is the one place to change.
 */
export type HostTheme = 'light' | 'dark';

export const THEME_MARKERS: Record<HostTheme, readonly string[]> = {
  // ChatGPT: `html.dark` / `html.light` (+ `style="color-scheme: …"`); Claude: `data-mode` / `data-theme`.
  dark: ['.dark', '[data-theme="dark"]', '[data-mode="dark"]', '[style*="color-scheme: dark"]'],
  light: ['.light', '[data-theme="light"]', '[data-mode="light"]', '[style*="color-scheme: light"]'],
};

/** Null when the page does not say (then the panel follows the system). */
export function hostTheme(doc: Document): HostTheme | null {
  const root = doc.documentElement;
  for (const theme of ['dark', 'light'] as const) {
    if (THEME_MARKERS[theme].some((marker) => root.matches(marker))) return theme;
  }
  return null;
}

/** The root attributes that carry the theme, for an attribute-only observer. */
export const THEME_ATTRIBUTES = ['class', 'style', 'data-theme', 'data-mode'];
