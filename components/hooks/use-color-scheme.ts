import { useEffect, useState } from 'react';
import type { HostTheme } from '@/lib/hosts/theme';
import { applyColorScheme, systemDark } from '@/components/color-scheme';

/**
 * Puts the page in light or dark mode (the `dark` class the Tailwind `dark:` variant keys on): the host
 * site's own choice when it states one — ChatGPT and Claude have a theme setting apart from the
 * system's — otherwise the system's, following changes to either.
 */
export function useColorScheme(hostTheme: HostTheme | null = null): HostTheme {
  const [system, setSystem] = useState<HostTheme>(() => (systemDark().matches ? 'dark' : 'light'));
  useEffect(() => {
    const query = systemDark();
    const onChange = () => setSystem(query.matches ? 'dark' : 'light');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  const scheme = hostTheme ?? system;
  useEffect(() => applyColorScheme(scheme), [scheme]);
  return scheme;
}
