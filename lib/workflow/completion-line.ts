/**
 * The completion line: the one line of text an AI in a chat can use to say "this step is done". A
 * person reads it too, so it names the step as the panel does, by number and title:
 * `ConvOps: step 2 complete — Draft SOP`. Pure and dependency-free, so the background can run it on
 * every captured reply and tests can run it on a table of variants.
 *
 * Tolerant of what chat UIs and models do to a line (bold, italics, inline code, an emoji or a
 * checkmark in front, other case, extra spaces, quotes around the title, a trailing full stop),
 * strict about where it stands: only the reply's last non-empty line counts, and never inside a quote
 * or a fenced block — models echo their instructions ("I will end with `ConvOps: step 2 complete —
 * Draft SOP` when we are done"). The title must be the step's own: words after it ("… — over to you")
 * make it another line, not a completion.
 *
 * The earlier form, `ConvOps: step complete (<step-id>)`, is still read: tasks that started before
 * the change were briefed with it, and their chats still end steps that way.
 */

export const COMPLETION_PREFIX = 'ConvOps: step';

/** What the line needs to know of a step: its id (what the caller compares) and its title (what the line says). */
export interface CompletionStep {
  id: string;
  title: string;
}

/** The literal line a briefing asks for: the step's number (1-based) and title, on one line. */
export function completionLine(step: Pick<CompletionStep, 'title'>, number: number): string {
  return `${COMPLETION_PREFIX} ${number} complete — ${step.title.replace(/\s+/g, ' ').trim()}`;
}

export interface CompletionMatch {
  /** The id of the step the line names (lowercased for the earlier form). */
  stepId: string;
  /** The reply without the line (and the blank lines before it): the step's result. */
  body: string;
}

const ID_LINE = /^convops\s*:\s*step\s+complete\s*\(\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\)$/i;
const TITLE_LINE = /^convops\s*:\s*step\s+(\d{1,3})\s+complete\s*(?:[—–:-]+|\bfor\b)?\s*(.+)$/i;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Undo Markdown's backslash escapes (turndown escapes `(`, `-`, `*`, `_` … in plain text). */
function unescape(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!>~|:])/g, '$1');
}

/** The bare text of a candidate line, or null when the line is a quote. */
function normalize(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed.startsWith('>')) return null;
  const text = unescape(trimmed)
    // Emphasis, inline code and strike-through markers anywhere in the line.
    .replace(/[*_`~]+/g, '')
    // Emoji, checkmarks, bullets, heading marks before it; stops, emoji after the closing bracket.
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/[^\p{L}\p{N})]+$/u, '')
    .replace(/\s+/g, ' ');
  return text;
}

/**
 * A title as the comparison sees it: letters and digits only, lowercased — quotes, dashes, emphasis
 * and a closing bracket a model adds or drops do not make it another step, other words do.
 */
function titleKey(title: string): string {
  // Upper then lower: a model that writes the title in capitals turns ß into SS.
  return title.normalize('NFKC').toUpperCase().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Whether line `index` sits inside a fenced code block (an opening fence before it is not closed). */
function insideFence(lines: string[], index: number): boolean {
  let open: string | null = null;
  for (let i = 0; i < index; i++) {
    const fence = FENCE.exec(lines[i]!)?.[1];
    if (!fence) continue;
    if (open === null) open = fence[0]!;
    else if (fence[0] === open) open = null;
  }
  return open !== null;
}

/** The step a line of the titled form names, or null: the number must be a step and the title that step's. */
function stepByNumberAndTitle(text: string, steps: readonly CompletionStep[]): CompletionStep | null {
  const match = TITLE_LINE.exec(text);
  if (!match) return null;
  const step = steps[Number(match[1]) - 1];
  if (!step) return null;
  const named = titleKey(match[2]!);
  return named !== '' && named === titleKey(step.title) ? step : null;
}

/**
 * Finds the completion line in the Markdown of an assistant reply. Returns null when the reply's last
 * non-empty line is not a standalone completion line. `steps` (the task's workflow steps, in order)
 * resolves the titled form to a step id; without them only the earlier id form is read.
 */
export function detectCompletionLine(markdown: string, steps: readonly CompletionStep[] = []): CompletionMatch | null {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let index = lines.length - 1;
  while (index >= 0 && lines[index]!.trim() === '') index--;
  if (index < 0) return null;
  const last = lines[index]!;
  if (FENCE.test(last) || insideFence(lines, index)) return null;
  const text = normalize(last);
  if (text === null) return null;
  const body = () => lines.slice(0, index).join('\n').trim();
  const byId = ID_LINE.exec(text);
  if (byId) return { stepId: byId[1]!.toLowerCase(), body: body() };
  const step = stepByNumberAndTitle(text, steps);
  return step ? { stepId: step.id, body: body() } : null;
}

/**
 * Whether the reply ends with what looks like a completion line of either form, before the steps
 * are known (a cheap test before reading a task's workflow).
 */
export function mayBeCompletionLine(markdown: string): boolean {
  const lastLine = markdown.replace(/\r\n?/g, '\n').trimEnd().split('\n').at(-1) ?? '';
  const text = normalize(lastLine);
  return text !== null && (ID_LINE.test(text) || TITLE_LINE.test(text));
}
