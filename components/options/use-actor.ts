import { useLiveQuery } from 'dexie-react-hooks';
import { getSettings } from '@/lib/db/settings-repo';
import type { Actor, Settings } from '@/lib/workflow/records';

/** The fallback name when the person has not set one: still a human, still recorded. */
export const UNNAMED_OPERATOR = 'Options page user';

export function useSettings(): Settings | undefined {
  return useLiveQuery(() => getSettings(), []);
}

/** The person acting on this page, as the audit trail records them. */
export function useActor(): Actor {
  const settings = useSettings();
  return { kind: 'human', name: settings?.displayName.trim() || UNNAMED_OPERATOR };
}
