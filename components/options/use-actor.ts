import { useLiveQuery } from 'dexie-react-hooks';
import { getSettings } from '@/lib/db/settings-repo';
import { recordedPerson } from '@/lib/workflow/actors';
import type { Actor, Settings } from '@/lib/workflow/records';

export function useSettings(): Settings | undefined {
  return useLiveQuery(() => getSettings(), []);
}

/**
 * The person behind a configuration change on this page (workflows, settings, imports, restores),
 * as the actor policy records them (lib/workflow/actors.ts): their name, or an unnamed person.
 * Decisions on a task need the name itself (task-gate.tsx asks for it).
 */
export function useActor(): Actor {
  return recordedPerson(useSettings()?.displayName ?? '');
}
