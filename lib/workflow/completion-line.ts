/**
 * The completion line: the one line of text an AI in a chat can use to say "this step is done"
 * (`ConvOps: step complete (<step-id>)`). Pure and dependency-free, so the background can run it on
 * every captured reply and tests can run it on a table of variants.
 *
 * Tolerant of what chat UIs and models do to a line (bold, italics, inline code, an emoji or a
 * checkmark in front, other case, extra spaces, a trailing full stop), strict about where it stands:
 * only the reply's last non-empty line counts, and never inside a quote or a fenced block — models
 * echo their instructions ("I will end with `ConvOps: step complete (…)` when we are done").
 */

export const COMPLETION_PREFIX = 'ConvOps: step complete';

/** The literal line a briefing asks for. */
export function completionLine(stepId: string): string {
  return `${COMPLETION_PREFIX} (${stepId})`;
}

export interface CompletionMatch {
  /** The step id the line names (lowercased). */
  stepId: string;
  /** The reply without the line (and the blank lines before it): the step's result. */
  body: string;
}

const LINE_PATTERN = /^convops\s*:\s*step\s+complete\s*\(\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\)$/i;
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

/**
 * Finds the completion line in the Markdown of an assistant reply. Returns null when the reply's last
 * non-empty line is not a standalone completion line.
 */
export function detectCompletionLine(markdown: string): CompletionMatch | null {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let index = lines.length - 1;
  while (index >= 0 && lines[index]!.trim() === '') index--;
  if (index < 0) return null;
  const last = lines[index]!;
  if (FENCE.test(last) || insideFence(lines, index)) return null;
  const text = normalize(last);
  if (text === null) return null;
  const match = LINE_PATTERN.exec(text);
  if (!match) return null;
  const body = lines.slice(0, index).join('\n').trim();
  return { stepId: match[1]!.toLowerCase(), body };
}
