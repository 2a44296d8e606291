import { SITE_LABELS } from './labels';
import type { Actor, Site } from './records';

/**
 * Who the audit trail names, decided here and nowhere else.
 *
 * - **A person** is whoever the settings name (`displayName`, one per browser profile). What a person
 *   does to a task — starting it, completing or reopening a step, notes, a handoff, and above all a
 *   gate decision — needs that name: without one it is refused with `NoActorError`, and the panel,
 *   the review window and the options task page ask for the name first. A task's record is what a
 *   manager trusts, so it never says "someone".
 * - **Configuration** (workflows, settings, imports, restores) and what the page reports on its own
 *   (a message sent with the site's own Send, which has already happened) are recorded under the
 *   name when there is one, else as `UNNAMED_PERSON`: refusing them would lose what happened.
 * - **The AI** is named after its site ("ChatGPT", "Claude"); the engine lets it complete the current
 *   step and nothing else.
 * - **ConvOps itself** (built-ins installed, a chat getting its address, migrations, imports) is the system actor.
 */

export const SYSTEM_ACTOR: Actor = { kind: 'system', name: 'ConvOps' };

export const UNNAMED_PERSON = 'Unnamed person';

export function aiActorOf(site: Site): Actor {
  return { kind: 'ai', name: SITE_LABELS[site] };
}

export class NoActorError extends Error {
  override readonly name = 'NoActorError';
  constructor() {
    super('Enter your name first: the audit trail records who did what.');
  }
}

/** The person acting on a task; refused without a name. */
export function taskPerson(displayName: string): Actor {
  const name = displayName.trim();
  if (!name) throw new NoActorError();
  return { kind: 'human', name };
}

/** The person behind a configuration change or a page event: the name, else `UNNAMED_PERSON`. */
export function recordedPerson(displayName: string): Actor {
  return { kind: 'human', name: displayName.trim() || UNNAMED_PERSON };
}
