import { liveQuery, type Subscription } from 'dexie';
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { getDb, getSettings, getTask, getWorkflow, hasBriefingFor, listNotes, readTaskAtCurrentStep, recordTaskEvent } from '@/lib/db';
import { sendMessage, type InsertResult } from '@/lib/messaging/protocol';
import type { HostState } from '@/lib/messaging/schemas';
import type { HostSite } from '@/lib/hosts/types';
import { recordedPerson, SYSTEM_ACTOR } from '@/lib/workflow/actors';
import { renderBriefing, renderHandoffBriefing } from '@/lib/workflow/briefing';
import { isDriving, isRunning, siteSwitchFor } from '@/lib/workflow/engine';
import { awaitingBriefing } from '@/lib/workflow/moment';
import type { Actor, Task } from '@/lib/workflow/records';
import { resolveTask } from './page-task';
import { expectSend } from './reply-starts';
import { continueOn, tabOfTaskOn } from './site-switch';
import { listTabs, readTab, watchEveryTab, writeBinding, type TabRecord } from './tab-state';

/**
 * The one conductor (DESIGN.md, "One conductor"): what happens after an advance — the AI's completion
 * line, a person's Complete or decision, a reopen — is decided here, once per advance, and not by
 * whichever panel happens to render it. The briefing goes into exactly one tab: the tab of the task's
 * conversation the person used last (else another tab showing it; else, when none is open or ready,
 * the next time one is). It is sent when auto-send is on, and recorded as ConvOps's act
 * (`SYSTEM_ACTOR`): nobody typed or clicked it.
 *
 * Idempotent per advance: the advance is the arrival event of the current step, and it is owed a
 * briefing only while nothing went in or was said on the step since (`awaitingBriefing`). Work for a
 * task runs one at a time (`serially`), so two triggers — a task change and a tab becoming ready, two
 * tabs, two panels — deliver once. After a service-worker restart the first look at the tasks finds
 * what is still owed; an attempt cut short by a restart is never made twice (`attemptsItem`).
 *
 * The same path delivers what a person asked for in the panel (Insert, Send, Start and send step 1, a
 * handoff to a new chat), recorded as that person's act.
 */

export interface Delivery {
  kind: 'step' | 'handoff';
  send: boolean;
  actor: Actor;
}

export type DeliveryResult = InsertResult & { tabId: number | null };

/** When the person last used each of a task's tabs (sent a message, acted in its panel, brought it to the front). */
const useItem = storage.defineItem<Record<string, { tabId: number; at: number }>>('session:convops.tab-use', { fallback: {} });
/** "Start and send step 1" asked in a tab whose prompt box is not there yet: delivered when it is. */
const firstSendItem = storage.defineItem<Record<string, { taskId: string; actor: Actor }>>('session:convops.first-send', { fallback: {} });

/**
 * The advance each task's briefing was last attempted for, kept across service-worker restarts: a
 * worker stopped between putting the text in and recording it must neither send it twice nor lose
 * it. Each attempt has an id the page remembers (a page asked twice for one attempt puts it in
 * once), so a new life that finds an attempt `pending` asks that very page what became of it: taken
 * (recorded now, as it would have been), or never arrived (delivered now, if still owed). Only when
 * the page cannot say — reloaded, closed, not answering — is it recorded as put in by ConvOps,
 * marked `interrupted` and not known as sent (if it was sent, the page's `message.sent` follows; if
 * not, the panel says the briefing waits for Send). A `failed` attempt (the text did not take, so
 * nothing went in) is tried again a second later, up to `MAX_TRIES`; then it is left to the person,
 * whose panel offers the step's Send.
 */
type Attempt = {
  advance: number;
  state: 'pending' | 'failed';
  tries: number;
  /** What a new life needs to ask the page about it and put it on the record (kept while pending). */
  sent?: { id: string; tabId: number; page: string; stepId: string | null; text: string; send: boolean; site: HostSite; conversationId: string | null };
};
/** A text that did not take is tried again a second later, this many times in all (nothing went in, so nothing doubles). */
const MAX_TRIES = 3;
const attemptsItem = storage.defineItem<Record<string, Attempt>>('session:convops.conductor-attempts', { fallback: {} });

async function readAttempt(taskId: string): Promise<Attempt | undefined> {
  return (await attemptsItem.getValue().catch((): Record<string, Attempt> => ({})))[taskId];
}

async function writeAttempt(taskId: string, attempt: Attempt | null): Promise<void> {
  const attempts = await attemptsItem.getValue().catch((): Record<string, Attempt> => ({}));
  if (attempt) attempts[taskId] = attempt;
  else delete attempts[taskId];
  await attemptsItem.setValue(attempts).catch(() => undefined);
}

let used: Record<string, { tabId: number; at: number }> | null = null;
async function usedTabs(): Promise<Record<string, { tabId: number; at: number }>> {
  used ??= await useItem.getValue().catch(() => ({}));
  return used;
}

/** The person used this tab for this task just now. */
export async function noteTabUse(taskId: string, tabId: number): Promise<void> {
  const map = await usedTabs();
  map[taskId] = { tabId, at: Date.now() };
  await useItem.setValue(map).catch(() => undefined);
}

const queues = new Map<string, Promise<unknown>>();
/** Runs `work` after the task's earlier work: one delivery decision at a time per task. */
function serially<T>(taskId: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(taskId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(taskId, settled);
  void settled.then(() => {
    if (queues.get(taskId) === settled) queues.delete(taskId);
  });
  return next;
}

const ready = (host: HostState | null): host is HostState => !!host && host.health.composer === 'found' && !host.streaming;

/** Whether a tab shows the task's current conversation (a new chat without an id yet: the tab bound to it). */
function showsTask(task: Task, record: TabRecord): boolean {
  const last = task.conversations.at(-1);
  const host = record.host;
  if (!last || !host || host.site !== last.site) return false;
  if (last.conversationId === null) return record.binding?.taskId === task.id && host.conversationId === null;
  return host.conversationId === last.conversationId;
}

/** The task's tabs, the one the person used last first. */
async function tabsOf(task: Task): Promise<Array<[number, TabRecord]>> {
  const all = (await listTabs()).filter(([, record]) => showsTask(task, record));
  const last = (await usedTabs())[task.id];
  return all.sort(([a], [b]) => Number(b === last?.tabId) - Number(a === last?.tabId));
}

/** The text for a delivery; a handoff names the site of the chat it goes into. */
async function briefingText(task: Task, kind: Delivery['kind'], site: HostSite): Promise<string | null> {
  const workflow = await getWorkflow(task.workflowId, task.workflowVersion);
  if (!workflow) return null;
  const notes = (await listNotes(task.id)).filter((n) => !n.deleted);
  const input = { workflow, task, notes, operator: (await getSettings()).displayName, now: new Date().toISOString() };
  return kind === 'handoff' ? renderHandoffBriefing({ ...input, site }) : renderBriefing(input);
}

/** What a tab's content script answers to an insert or a send; a page that cannot answer says so as an `InsertResult`. */
export function askPage(asked: Promise<InsertResult>): Promise<InsertResult> {
  return asked.catch((error: unknown) => ({
    ok: false,
    verified: false,
    sent: false,
    reason: 'composer-missing' as const,
    detail: `the page is not ready (${error instanceof Error ? error.message : 'no content script'})`,
  }));
}

async function insertInto(tabId: number, text: string, send: boolean, actor: Actor, attempt?: string): Promise<InsertResult> {
  // The send the content script reports next is this one: recorded under who asked for it.
  if (send) await expectSend(tabId, actor);
  return askPage(sendMessage('content.insert', { text, send, ...(attempt ? { attempt } : {}) }, { tabId, frameId: 0 }));
}

/** Puts the task's current briefing into one tab and records it; the caller holds the task's turn. */
async function deliver(
  task: Task,
  tabId: number,
  host: HostState,
  delivery: Delivery,
  extra: Record<string, number> = {},
  rendered?: string | null,
  attempt?: string,
): Promise<InsertResult> {
  const text = rendered === undefined ? await briefingText(task, delivery.kind, host.site) : rendered;
  if (!text) return { ok: false, verified: false, sent: false, reason: 'composer-missing', detail: 'the task’s workflow version is missing' };
  const result = await insertInto(tabId, text, delivery.send, delivery.actor, attempt);
  if (!result.ok) return result;
  await recordInserted(task.id, task.currentStepId, delivery, text, result, host, extra);
  return result;
}

function recordInserted(
  taskId: string,
  stepId: string | null,
  delivery: Delivery,
  text: string,
  result: InsertResult,
  host: Pick<HostState, 'site' | 'conversationId'>,
  extra: Record<string, number | boolean>,
): Promise<unknown> {
  return recordTaskEvent(taskId, {
    type: 'briefing.inserted',
    actor: delivery.actor,
    at: new Date().toISOString(),
    ...(stepId ? { stepId } : {}),
    data: {
      kind: delivery.kind,
      sent: result.sent,
      verified: result.verified,
      chars: text.length,
      // "What was sent", per step, on the record.
      text,
      site: host.site,
      conversationId: host.conversationId,
      ...extra,
    },
  });
}

/**
 * What became of an attempt an earlier life began, asked of the very page it went to: its answer
 * (taken, or not), `null` when it never arrived there, `undefined` when the page cannot say (another
 * load of the tab, the tab gone, no answer).
 */
async function askAboutAttempt(sent: NonNullable<Attempt['sent']>): Promise<InsertResult | null | undefined> {
  const { host } = await readTab(sent.tabId);
  if (!host || host.page !== sent.page) return undefined;
  return sendMessage('content.attempt', sent.id, { tabId: sent.tabId, frameId: 0 }).catch(() => undefined);
}

/**
 * An attempt an earlier life of the worker began and never recorded (the caller holds the task's
 * turn): asked of its page and recorded as it went, or, when it never arrived, forgotten so that
 * the advance, if still owed, is delivered now; when the page cannot say, recorded once as not known
 * to be sent. Returns the task's attempt as it stands after (the caller reads it once, here), and
 * whether anything was recorded or forgotten (then the task is read again).
 */
async function settleCutShort(task: Task): Promise<{ attempt: Attempt | undefined; settled: boolean }> {
  const attempt = await readAttempt(task.id);
  if (attempt?.state !== 'pending') return { attempt, settled: false };
  const settle = async (after: Attempt | null, settled = true) => {
    await writeAttempt(task.id, after);
    return { attempt: after ?? undefined, settled };
  };
  // Recorded before the worker stopped (only forgetting the attempt was left undone).
  if (await hasBriefingFor(task.id, attempt.advance)) return settle(null, false);
  const sent = attempt.sent;
  const answer = sent?.page ? await askAboutAttempt(sent) : undefined;
  if (answer === null) {
    trace(task.id, attempt.advance, 'an attempt cut short never reached its page: delivered again if still owed');
    return settle({ advance: attempt.advance, state: 'failed', tries: attempt.tries });
  }
  if (answer && sent) {
    trace(task.id, attempt.advance, `an attempt cut short is recorded as its page took it (${answer.ok ? 'in' : answer.reason})`);
    const after = await settle({ advance: attempt.advance, state: 'failed', tries: answer.ok ? MAX_TRIES : attempt.tries });
    const delivery = { kind: 'step' as const, send: sent.send, actor: SYSTEM_ACTOR };
    if (answer.ok) await recordInserted(task.id, sent.stepId, delivery, sent.text, answer, sent, { advance: attempt.advance, resumed: true });
    return after;
  }
  trace(task.id, attempt.advance, 'an attempt cut short is recorded as interrupted (its page cannot say)');
  const after = await settle({ advance: attempt.advance, state: 'failed', tries: MAX_TRIES + attempt.tries });
  await recordTaskEvent(task.id, {
    type: 'briefing.inserted',
    actor: SYSTEM_ACTOR,
    at: new Date().toISOString(),
    ...(sent ? (sent.stepId ? { stepId: sent.stepId } : {}) : task.currentStepId ? { stepId: task.currentStepId } : {}),
    data: { kind: 'step', sent: false, verified: false, interrupted: true, wouldSend: sent?.send ?? true, advance: attempt.advance },
  });
  return after;
}

/** Delivers what the task is owed after its last advance, if anything, into one of its ready tabs. */
export function conduct(taskId: string): Promise<DeliveryResult | null> {
  return serially(taskId, async () => {
    // The task and its step's events from one moment (read apart, a new advance in between paired
    // the old step's briefing with the new step's arrival, and sent it again).
    let now = await readTaskAtCurrentStep(taskId);
    const cutShort = now ? await settleCutShort(now.task) : undefined;
    if (cutShort?.settled) now = await readTaskAtCurrentStep(taskId);
    if (!now || !isRunning(now.task)) return null;
    const { task } = now;
    const advance = awaitingBriefing(task, now.stepEvents);
    if (advance === null) return null;
    // The step runs on the other site: nothing goes into this site's tabs. Where a tab there already
    // shows the task's chat, drive mode takes the task back to it (the next look delivers there);
    // otherwise the panel offers "Continue on …" (a new chat is the person's call).
    const workflow = await getWorkflow(task.workflowId, task.workflowVersion);
    const elsewhere = workflow ? siteSwitchFor(task, workflow) : null;
    if (elsewhere) {
      if (await tabOfTaskOn(task, elsewhere)) await continueOn(task.id, task.rev, elsewhere, SYSTEM_ACTOR);
      return null;
    }
    const tabs = await tabsOf(task);
    const last = (await usedTabs())[task.id];
    // A handoff on its way to a new chat carries the current step itself.
    if ((await listTabs()).some(([, r]) => r.binding?.taskId === taskId && r.binding.pendingHandoff)) return null;
    const settings = await getSettings();
    const earlier = cutShort?.attempt;
    const sameAdvance = earlier?.advance === advance ? earlier : undefined;
    if (sameAdvance && sameAdvance.tries >= MAX_TRIES) return trace(taskId, advance, 'left to the person after three tries');
    // The tab the person used last, its page not yet saying its reply ended (the capture that advanced
    // the task can come first): it gets the briefing once it does (`onTab`), not another tab that
    // merely shows the same chat. Only a prompt box that is gone lets another tab take it.
    const usedLast = tabs.find(([tabId]) => tabId === last?.tabId)?.[1].host;
    if (usedLast?.streaming && usedLast.health.composer === 'found') return trace(taskId, advance, `waits: tab ${last!.tabId}, used last, is ending its reply`);
    const readyTabs = tabs.filter(([, record]) => ready(record.host));
    if (readyTabs.length === 0) return trace(taskId, advance, tabs.length ? `waits: ${tabs.length} tab(s), none ready` : 'waits: no tab shows the task');
    const tries = (sameAdvance?.tries ?? 0) + 1;
    // Rendered before the attempt is kept: a render that fails has put nothing in, and must not read as cut short.
    const text = await briefingText(task, 'step', readyTabs[0]![1].host!.site);
    if (!text) return trace(taskId, advance, 'the task’s workflow version is missing');
    for (const [tabId, record] of readyTabs) {
      const host = record.host!;
      const id = `${taskId}:${advance}:${tries}:${tabId}`;
      const sent = { id, tabId, page: host.page ?? '', stepId: task.currentStepId, text, send: settings.autoSend, site: host.site, conversationId: host.conversationId };
      await writeAttempt(taskId, { advance, state: 'pending', tries, sent });
      const result = await deliver(task, tabId, host, { kind: 'step', send: settings.autoSend, actor: SYSTEM_ACTOR }, { advance }, text, id);
      // Only a tab whose prompt box is gone lets the next one try: text that went in stays the one delivery.
      if (result.ok) {
        await writeAttempt(taskId, null);
        return { ...result, tabId };
      }
      trace(taskId, advance, `tab ${tabId}: ${result.reason}${result.detail ? ` (${result.detail})` : ''}`);
      if (result.reason !== 'composer-missing') {
        await writeAttempt(taskId, { advance, state: 'failed', tries });
        if (tries < MAX_TRIES) setTimeout(() => void conduct(taskId).catch(logged), 1_000);
        return { ...result, tabId };
      }
    }
    // No prompt box took it: the next tab of the task that becomes ready may.
    await writeAttempt(taskId, null);
    return null;
  });
}

/** A person's Insert or Send in a tab's panel: the current step's briefing, into that tab, as their act. */
export function deliverToTab(taskId: string, tabId: number, delivery: Delivery): Promise<DeliveryResult> {
  return serially(taskId, async () => {
    const task = await getTask(taskId);
    const { host } = await readTab(tabId);
    if (!task || !isRunning(task)) return { ok: false, verified: false, sent: false, reason: 'composer-missing', detail: 'the task is not running', tabId };
    if (!host) return { ok: false, verified: false, sent: false, reason: 'composer-missing', detail: 'the chat page has not reported yet', tabId };
    await noteTabUse(taskId, tabId);
    return { ...(await deliver(task, tabId, host, delivery)), tabId };
  });
}

/** "Start and send step 1": delivered now if the tab's prompt box is there, else as soon as it is. */
export async function requestFirstSend(taskId: string, tabId: number, actor: Actor): Promise<void> {
  await noteTabUse(taskId, tabId);
  const pending = await firstSendItem.getValue();
  pending[String(tabId)] = { taskId, actor };
  await firstSendItem.setValue(pending);
  await onTab(tabId, await readTab(tabId));
}

async function takeFirstSend(tabId: number): Promise<{ taskId: string; actor: Actor } | null> {
  const pending = await firstSendItem.getValue();
  const first = pending[String(tabId)];
  if (!first) return null;
  delete pending[String(tabId)];
  await firstSendItem.setValue(pending);
  return first;
}

/** A tab changed: when its prompt box is ready, whatever is owed to it goes in (a first send, a handoff, an advance). */
async function onTab(tabId: number, record: TabRecord): Promise<void> {
  const host = record.host;
  if (!ready(host)) return;
  const binding = record.binding;
  if (binding?.pendingHandoff && host.conversationId === null) {
    await serially(binding.taskId, async () => {
      // Taken once: the flag goes before the text goes in, so a second report does not insert it again.
      if (!(await readTab(tabId)).binding?.pendingHandoff) return;
      await writeBinding(tabId, { taskId: binding.taskId });
      const task = await getTask(binding.taskId);
      if (!task || !isRunning(task)) return;
      const settings = await getSettings();
      // Sent by itself only where drive mode would send the step's briefing too.
      await deliver(task, tabId, host, { kind: 'handoff', send: settings.autoSend && isDriving(task), actor: recordedPerson(settings.displayName) });
    });
    return;
  }
  const first = await takeFirstSend(tabId);
  if (first) {
    await serially(first.taskId, async () => {
      const task = await getTask(first.taskId);
      if (task && isRunning(task)) await deliver(task, tabId, host, { kind: 'step', send: true, actor: first.actor });
    });
    return;
  }
  const task = await resolveTask(host.site, host.conversationId, tabId);
  if (task) await conduct(task.id);
}

function logged(error: unknown): void {
  console.error('ConvOps conductor:', error);
}

/** Why an owed briefing did not go in yet, for whoever reads the worker's console (and the e2e logs on a failure). */
function trace(taskId: string, advance: number, why: string): null {
  console.debug(`ConvOps conductor: task ${taskId}, advance ${advance}: ${why}`);
  return null;
}

/**
 * Watches the tasks (every advance bumps a task's `rev`, wherever it was taken: here, the review
 * window, the options page) and the tabs (one becoming ready may be owed a briefing), and the tab the
 * person brings to the front, for "used last".
 */
export function setupConductor(): () => void {
  const seen = new Map<string, number>();
  const subscription: Subscription = liveQuery(() => getDb().tasks.orderBy('updatedAt').reverse().limit(50).toArray()).subscribe({
    next: (rows) => {
      for (const row of rows) {
        if (seen.get(row.id) === row.rev) continue;
        seen.set(row.id, row.rev);
        if (row.status === 'active') void conduct(row.id).catch(logged);
      }
    },
    error: logged,
  });
  const stopTabs = watchEveryTab((tabId, record) => void onTab(tabId, record).catch(logged));
  const onActivated = ({ tabId }: { tabId: number }) =>
    void (async () => {
      const { host } = await readTab(tabId);
      const task = host ? await resolveTask(host.site, host.conversationId, tabId) : null;
      if (task) await noteTabUse(task.id, tabId);
    })().catch(logged);
  browser.tabs.onActivated.addListener(onActivated);
  return () => {
    subscription.unsubscribe();
    stopTabs();
    browser.tabs.onActivated.removeListener(onActivated);
  };
}

/** For tests: forget what an earlier life of the service worker knew in memory. */
export function forgetConductorForTests(): void {
  used = null;
  queues.clear();
}
