import { SITE_LABELS } from './labels';
import { SITES, type Actor, type AuditEvent, type ConversationRef, type Note, type Site, type Task } from './records';
import { stepResultNote } from './results';
import type { Workflow } from './schema';

/**
 * One task across both sites, as its record shows it (DESIGN.md): the conversations it ran in, the
 * sites each step ran on, and who wrote each step's result — the model, named after its site, or a
 * person. Pure: the task page, the dashboard and the reports read it the same way.
 */

/**
 * Each conversation the task ran in, once, in the order the task first went there: a task that goes
 * back to a chat (a rejection back to the draft on ChatGPT) lists it again in `conversations`.
 */
export function taskConversations(task: Pick<Task, 'conversations'>): ConversationRef[] {
  const seen = new Map<string, ConversationRef>();
  for (const conversation of task.conversations) {
    // A new chat that never got its address is its own conversation.
    const key = conversation.conversationId === null ? `${conversation.site} new ${conversation.boundAt}` : `${conversation.site} ${conversation.conversationId}`;
    if (!seen.has(key)) seen.set(key, conversation);
  }
  return [...seen.values()];
}

/** Each site the task ran on, with the address of its latest conversation there; `current` is where it runs now. */
export function taskSites(task: Pick<Task, 'conversations'>): Array<{ site: Site; url: string; current: boolean }> {
  const last = task.conversations.at(-1);
  const sites: Site[] = [...new Set(task.conversations.map((c) => c.site))];
  return sites.map((site) => ({
    site,
    url: task.conversations.findLast((c) => c.site === site)!.url,
    current: last?.site === site,
  }));
}

export interface StepSites {
  /** The sites the step's briefings went to and its replies came from, first one first. */
  sites: Site[];
  /**
   * Who wrote the step's result: the model (`ai`, named after its site) or a person; `edited` when a
   * person changed a kept reply afterwards. Absent without a result.
   */
  resultBy?: Actor & { edited?: true };
}

const isSite = (value: unknown): value is Site => typeof value === 'string' && (SITES as readonly string[]).includes(value);

/**
 * Where each step ran (by step id): the sites its briefings were put into (`briefing.inserted`) and
 * its replies were kept from (captured notes), and who wrote its result.
 */
export function stepSites(workflow: Pick<Workflow, 'steps'>, notes: readonly Note[], events: readonly AuditEvent[]): Map<string, StepSites> {
  const live = notes.filter((n) => !n.deleted);
  // One pass over the events (in order), then the kept replies (a restored task may have notes without them).
  const sites = new Map<string, Site[]>(workflow.steps.map((step) => [step.id, []]));
  const add = (stepId: string | undefined, site: unknown) => {
    const list = stepId === undefined ? undefined : sites.get(stepId);
    if (list && isSite(site) && !list.includes(site)) list.push(site);
  };
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (event.type === 'briefing.inserted' || event.type === 'response.captured') add(event.stepId, event.data['site']);
  }
  for (const note of live) add(note.stepId, note.capture?.site);
  const map = new Map<string, StepSites>();
  for (const step of workflow.steps) {
    const result = stepResultNote(live, step.id);
    const resultBy: StepSites['resultBy'] = !result
      ? undefined
      : result.source === 'captured' && result.capture
        ? { kind: 'ai', name: SITE_LABELS[result.capture.site], ...(result.updatedAt !== result.createdAt ? { edited: true as const } : {}) }
        : result.createdBy;
    map.set(step.id, { sites: sites.get(step.id)!, ...(resultBy ? { resultBy } : {}) });
  }
  return map;
}

/** Who wrote a result, in words: "ChatGPT", "ChatGPT (edited by a person)", "Dana". */
export function resultByInWords(by: StepSites['resultBy']): string {
  if (!by) return '—';
  return by.edited ? `${by.name} (edited by a person)` : by.name;
}

/** A step's sites in words: "ChatGPT", "ChatGPT and Claude", or "—" when nothing went anywhere yet. */
export function sitesInWords(sites: readonly Site[]): string {
  return sites.length === 0 ? '—' : sites.map((site) => SITE_LABELS[site]).join(' and ');
}
