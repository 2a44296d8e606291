import type { HostTheme } from '@/lib/hosts/theme';

/** The system's light or dark preference. */
export const systemDark = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

/**
 * Puts the page in `scheme` (the `dark` class the Tailwind `dark:` variant keys on). Without React,
 * so that the panel's first paint (components/panel/first-paint.ts) is in the right scheme too.
 */
export function applyColorScheme(scheme: HostTheme): void {
  const root = document.documentElement;
  root.classList.toggle('dark', scheme === 'dark');
  root.style.colorScheme = scheme;
}
