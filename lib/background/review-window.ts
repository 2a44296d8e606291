import { liveQuery, type Subscription } from 'dexie';
import { browser, type Browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { getSettings, getTask, getTaskDetail, runAction } from '@/lib/db';
import { reviewPortRequestSchema, type ReviewPortRequest } from '@/lib/messaging/schemas';
import { wireErrorOf } from '@/lib/messaging/wire-error';
import { taskPerson } from '@/lib/workflow/actors';
import type { AuditEvent } from '@/lib/workflow/records';
import { stepResultNote } from '@/lib/workflow/results';
import { REVIEW_PORT, type ReviewPortReply, type ReviewView } from '@/lib/messaging/review-protocol';

export { REVIEW_PORT };

/**
 * Gate decisions are taken in a small window of the extension, never in the framed panel.
 *
 * Why: the panel is an iframe inside chatgpt.com / claude.ai, and the host page decides what is drawn
 * over it, under it and around it — it can make the panel transparent above a decoy, cover it with a
 * `pointer-events: none` picture, or frame `panel.html` itself under the cursor. A real click is then
 * not a real decision. A browser popup window (`windows.create`, no extra permission) is a top-level
 * extension page that no web page can draw into, so the click that decides happens where the person
 * sees what they decide.
 *
 * Trust: the review port is served only to our `review.html` as the top frame of a window this module
 * opened, and that window is bound here to one gate (task + step): the page never says which task it
 * decides, and the actor is the person named in the settings. Decisions are ordinary `approve` /
 * `reject` task actions through the repositories, so everything that reacts to a decision behaves
 * the same whichever page made it.
 */

const REVIEW_PATH = '/review.html';

const gateRefSchema = z.object({ taskId: z.string(), stepId: z.string() });
type GateRef = z.infer<typeof gateRefSchema>;
/** windowId → gate, as pairs. */
const windowsItem = storage.defineItem<unknown>('session:convops.review-windows', { fallback: [] });
const storedWindowsSchema = z.array(z.tuple([z.number().int(), gateRefSchema]));


/** windowId → gate. Kept in storage.session too: the service worker may restart while a window is open. */
const windows = new Map<number, GateRef>();
let restored: Promise<void> | null = null;
/** Windows being created: a page may connect before `windows.create` resolves. */
const creating = new Set<Promise<unknown>>();

function restore(): Promise<void> {
  restored ??= windowsItem
    .getValue()
    .then((stored) => {
      const parsed = storedWindowsSchema.safeParse(stored);
      if (parsed.success) for (const [id, ref] of parsed.data) windows.set(id, ref);
    })
    .catch(() => undefined);
  return restored;
}

async function persist(): Promise<void> {
  await windowsItem.setValue([...windows.entries()]).catch(() => undefined);
}

function windowOfGate(ref: GateRef): number | null {
  for (const [id, open] of windows) if (open.taskId === ref.taskId && open.stepId === ref.stepId) return id;
  return null;
}

/**
 * Requests to open a window, one after another. Why: two panels of one task (or a page clicking its
 * panel twice) ask together; each would find no window for the gate yet, both would create one. In a
 * chain, the second request sees the first one's window and focuses it.
 */
let opening: Promise<unknown> = Promise.resolve();

/**
 * Opens the review window of the task's waiting gate, or focuses it when it is open already: one window
 * per gate, however many panels (or a page that clicks the panel many times) ask.
 */
export function openReviewWindow(taskId: string): Promise<{ opened: boolean; windowId: number | null }> {
  const run = opening.then(() => openOrFocus(taskId));
  opening = run.catch(() => undefined);
  return run;
}

async function openOrFocus(taskId: string): Promise<{ opened: boolean; windowId: number | null }> {
  await restore();
  const task = await getTask(taskId);
  if (!task || task.status !== 'awaiting-approval' || !task.pendingGate) return { opened: false, windowId: null };
  const ref: GateRef = { taskId: task.id, stepId: task.pendingGate.stepId };
  const existing = windowOfGate(ref);
  if (existing !== null) {
    try {
      await browser.windows.update(existing, { focused: true, drawAttention: true });
      return { opened: false, windowId: existing };
    } catch {
      windows.delete(existing); // closed while the worker slept
    }
  }
  const creation = browser.windows.create({ url: browser.runtime.getURL(REVIEW_PATH), type: 'popup', width: 520, height: 720, focused: true });
  creating.add(creation);
  try {
    const created = await creation;
    if (created?.id === undefined) return { opened: false, windowId: null };
    windows.set(created.id, ref);
    await persist();
    return { opened: true, windowId: created.id };
  } finally {
    creating.delete(creation);
  }
}

function lastGateEvent(events: AuditEvent[], stepId: string): AuditEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.stepId === stepId && (e.type === 'gate.approved' || e.type === 'gate.rejected' || e.type === 'gate.requested')) return e;
    if (e.type === 'task.cancelled') return e;
  }
  return undefined;
}

/** The review window's view of a gate, read in one go (the port runs it as a live query). Exported for tests. */
export async function reviewViewOf(ref: GateRef): Promise<ReviewView | null> {
  const [detail, settings] = await Promise.all([getTaskDetail(ref.taskId), getSettings()]);
  if (!detail) return null;
  const { task, workflow, notes, events } = detail;
  const index = workflow.steps.findIndex((s) => s.id === ref.stepId);
  const step = workflow.steps[index];
  if (!step?.gate) return null;
  const waiting = task.status === 'awaiting-approval' && task.pendingGate?.stepId === ref.stepId;
  let decided: ReviewView['decided'] = null;
  if (!waiting) {
    const last = lastGateEvent(events, ref.stepId);
    const type = last?.type === 'gate.approved' || last?.type === 'gate.rejected' ? last.type : 'other';
    const comment = typeof last?.data.comment === 'string' && last.data.comment ? last.data.comment : null;
    decided = { type, by: last && type !== 'other' ? last.actor.name : null, comment };
  }
  // A second opinion's gate judges the reviewed step's result, with the review beside it.
  const result = stepResultNote(notes, step.reviews ?? step.id);
  const review = step.reviews ? stepResultNote(notes, step.id) : undefined;
  const asView = (note: NonNullable<typeof result>) => ({ body: note.body, source: note.source, by: note.createdBy.name, at: note.createdAt });
  return {
    taskId: task.id,
    taskTitle: task.title,
    workflowName: workflow.name,
    stepId: step.id,
    stepTitle: step.title,
    stepNumber: index + 1,
    stepCount: workflow.steps.length,
    gate: step.gate,
    rejectTo: workflow.steps.find((s) => s.id === (step.gate?.onReject ?? step.id))?.title ?? step.title,
    rev: task.rev,
    resultTitle: workflow.steps.find((s) => s.id === (step.reviews ?? step.id))?.title ?? step.title,
    result: result ? asView(result) : null,
    secondOpinion: step.reviews ? (review ? asView(review) : null) : undefined,
    actorName: settings.displayName,
    decided,
  };
}

/** Records the decision taken in the review window of `ref`. Exported for tests. */
export async function decideFromReview(ref: GateRef, request: Extract<ReviewPortRequest, { kind: 'decide' }>): Promise<void> {
  const comment = request.comment.trim();
  await runAction(
    ref.taskId,
    request.rev,
    request.decision === 'approve' ? { type: 'approve', stepId: ref.stepId, ...(comment ? { comment } : {}) } : { type: 'reject', stepId: ref.stepId, comment },
    taskPerson((await getSettings()).displayName),
  );
}

type Sender = Browser.runtime.MessageSender;

/** Our review page, top frame of a window this module opened. */
export function reviewWindowOf(sender: Sender | undefined): number | null {
  if (!sender || sender.id !== browser.runtime.id || sender.frameId !== 0 || sender.tab?.windowId === undefined) return null;
  if (!sender.url) return null;
  let path: string;
  try {
    const url = new URL(sender.url);
    if (url.origin !== new URL(browser.runtime.getURL('/')).origin) return null;
    path = url.pathname;
  } catch {
    return null;
  }
  if (path !== REVIEW_PATH) return null;
  return windows.has(sender.tab.windowId) ? sender.tab.windowId : null;
}

function serve(port: Browser.runtime.Port, windowId: number, ref: GateRef): void {
  const post = (reply: ReviewPortReply) => {
    try {
      port.postMessage(reply);
    } catch {
      // The window closed.
    }
  };
  const subscription: Subscription = liveQuery(() => reviewViewOf(ref)).subscribe({
    next: (value) => post({ kind: 'view', value }),
    error: (error) => post({ kind: 'error', error: wireErrorOf(error) }),
  });
  let deciding = false;
  port.onMessage.addListener((message: unknown) => {
    const parsed = reviewPortRequestSchema.safeParse(message);
    if (!parsed.success) return;
    const request = parsed.data;
    if (request.kind === 'close') {
      void browser.windows.remove(windowId).catch(() => undefined);
      return;
    }
    if (deciding) return;
    deciding = true;
    decideFromReview(ref, request).then(
      () => {
        post({ kind: 'decided' });
        // The decision is recorded; the window has done its job.
        void browser.windows.remove(windowId).catch(() => undefined);
      },
      (error: unknown) => {
        deciding = false;
        post({ kind: 'error', error: wireErrorOf(error) });
      },
    );
  });
  port.onDisconnect.addListener(() => subscription.unsubscribe());
}

/** Serves the review windows' ports: only to our review page, top frame of a window opened for one gate. */
export function setupReviewWindows(): () => void {
  const onConnect = (port: Browser.runtime.Port) => {
    if (port.name !== REVIEW_PORT) return;
    void (async () => {
      await restore();
      await Promise.allSettled(creating);
      const windowId = reviewWindowOf(port.sender);
      const ref = windowId === null ? undefined : windows.get(windowId);
      if (windowId === null || !ref) {
        port.disconnect();
        return;
      }
      serve(port, windowId, ref);
    })();
  };
  const onRemoved = (windowId: number) => {
    if (windows.delete(windowId)) void persist();
  };
  browser.runtime.onConnect.addListener(onConnect);
  browser.windows.onRemoved.addListener(onRemoved);
  return () => {
    browser.runtime.onConnect.removeListener(onConnect);
    browser.windows.onRemoved.removeListener(onRemoved);
  };
}
