import { memo, useState } from 'react';
import { NOTE_SOURCE_LABELS } from '@/lib/workflow/labels';
import type { Note } from '@/lib/workflow/records';
import { stepResultNote } from '@/lib/workflow/results';
import { LazyMarkdown } from '@/components/lazy-markdown';
import { Badge, Button, TextArea } from '@/components/ui';
import { useWindowList } from '@/components/virtual-list';
import { copyText } from './clipboard';

export interface NoteActions {
  onEdit: (noteId: string, body: string) => Promise<void>;
  onDelete: (noteId: string) => Promise<void>;
  onAdd: (body: string) => Promise<void>;
  /** "Use as result": make this note its step's result. */
  onUseAsResult?: (noteId: string) => Promise<void>;
}

/**
 * Notes grouped by step in workflow order, each group's result first, then the conversation in the
 * order it happened. Returns which notes open a group and which are results. On the step still open
 * (`openStepId`), a reply is its result only once it completed the step or a person marked it: the
 * AI's opening questions are not a result.
 */
export function groupNotes(
  notes: readonly Note[],
  stepOrder: readonly string[],
  openStepId: string | null = null,
): { ordered: Note[]; results: Set<string>; firstOfGroup: Set<string> } {
  const visible = notes.filter((n) => !n.deleted);
  const steps = [...stepOrder, ...new Set(visible.map((n) => n.stepId).filter((id) => !stepOrder.includes(id)))];
  const ordered: Note[] = [];
  const results = new Set<string>();
  const firstOfGroup = new Set<string>();
  for (const stepId of steps) {
    const group = visible.filter((n) => n.stepId === stepId).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    if (group.length === 0) continue;
    const result = stepId === openStepId ? stepResultNote(group.filter((n) => n.resultAt !== undefined), stepId) : stepResultNote(group, stepId);
    if (result) results.add(result.id);
    const sorted = result ? [result, ...group.filter((n) => n.id !== result.id)] : group;
    firstOfGroup.add(sorted[0]!.id);
    ordered.push(...sorted);
  }
  return { ordered, results, firstOfGroup };
}

/** Past this many notes the newest is far below: offer a jump to it (and back). */
const JUMP_FROM = 10;

/** Every note, oldest first like the chat itself; only those near the viewport are in the DOM. */
export function NotesSection({
  notes,
  stepOrder = [],
  stepTitles,
  currentStepTitle,
  openStepId = null,
  actions,
  readOnly = false,
  partial = false,
}: {
  notes: Note[];
  /** `notes` holds only some of the task's (the current step's), the rest on their way: no count, no "none yet". */
  partial?: boolean;
  /** The workflow's step ids in order: notes are grouped by step in this order. */
  stepOrder?: readonly string[];
  stepTitles: Record<string, string>;
  currentStepTitle: string | null;
  /** The step still open (its result is only what completed it or a person marked). */
  openStepId?: string | null;
  actions: NoteActions;
  readOnly?: boolean;
}) {
  const { ordered: visible, results, firstOfGroup } = groupNotes(notes, stepOrder, openStepId);
  const { attach, listStyle, rows, rowProps, scrollToIndex } = useWindowList({ count: visible.length, estimateSize: 140, getItemKey: (index) => visible[index]!.id });
  return (
    <section aria-labelledby="convops-notes-heading" className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <h2 id="convops-notes-heading" className="text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">
          Notes <span className="font-normal normal-case">{partial ? '(reading…)' : `(${visible.length})`}</span>
        </h2>
        {visible.length > JUMP_FROM ? (
          <Button size="sm" variant="ghost" className="ml-auto" data-testid="notes-jump-newest" onClick={() => scrollToIndex(visible.length - 1, 'end')}>
            Newest ↓
          </Button>
        ) : null}
      </div>
      {visible.length === 0 && !partial ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">The AI's replies on this task will appear here.</p>
      ) : null}
      <ul ref={attach} style={listStyle} data-testid="notes-list">
        {rows.map((row) => {
          const note = visible[row.index]!;
          return (
            <li
              key={row.key}
              {...rowProps(row)}
              data-testid="note"
              data-note-id={note.id}
              data-step-id={note.stepId}
              data-source={note.source}
              className="pb-2"
            >
              {firstOfGroup.has(note.id) ? (
                <h3 className="pt-1 pb-1 text-xs font-semibold" data-testid="note-group" data-step-id={note.stepId}>
                  {stepTitles[note.stepId] ?? note.stepId}
                </h3>
              ) : null}
              <NoteItem
                note={note}
                stepTitle={stepTitles[note.stepId] ?? note.stepId}
                isResult={results.has(note.id)}
                actions={actions}
                readOnly={readOnly}
              />
            </li>
          );
        })}
      </ul>
      {visible.length > JUMP_FROM ? (
        <Button size="sm" variant="ghost" className="self-start" onClick={() => scrollToIndex(0, 'start')}>
          Oldest ↑
        </Button>
      ) : null}
      {!readOnly && currentStepTitle ? <AddNote stepTitle={currentStepTitle} onAdd={actions.onAdd} /> : null}
    </section>
  );
}

const NoteItem = memo(function NoteItem({
  note,
  stepTitle,
  isResult,
  actions,
  readOnly,
}: {
  note: Note;
  stepTitle: string;
  isResult: boolean;
  actions: NoteActions;
  readOnly: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(note.body);
  const [expanded, setExpanded] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const long = note.body.length > 600;
  return (
    <div
      className={`rounded-md border p-2 text-xs ${isResult ? 'border-emerald-500 dark:border-emerald-600' : 'border-zinc-200 dark:border-zinc-700'}`}
      {...(isResult ? { 'data-testid': 'step-result', 'data-step-id': note.stepId } : {})}
    >
      <div className="mb-1 flex flex-wrap items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
        {isResult ? <Badge tone="success">result</Badge> : null}
        <Badge tone={note.source === 'captured' ? 'info' : 'neutral'}>{NOTE_SOURCE_LABELS[note.source]}</Badge>
        <span className="min-w-0 truncate">{stepTitle}</span>
        <span className="ml-auto">{new Date(note.createdAt).toLocaleString()}</span>
      </div>
      {editing ? (
        <form
          className="flex flex-col gap-1.5"
          onSubmit={async (e) => {
            e.preventDefault();
            await actions.onEdit(note.id, draft);
            setEditing(false);
          }}
        >
          <TextArea label="Edit note" hideLabel value={draft} onChange={(e) => setDraft(e.target.value)} rows={6} autoFocus />
          <div className="flex gap-1.5">
            <Button size="sm" variant="primary" type="submit" disabled={!draft.trim()}>
              Save
            </Button>
            <Button size="sm" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          <div className={long && !expanded ? 'relative max-h-40 overflow-hidden' : ''}>
            <LazyMarkdown source={note.body} />
          </div>
          <div className="mt-1 flex flex-wrap gap-1.5">
            {long ? (
              <Button size="sm" variant="ghost" aria-expanded={expanded} onClick={() => setExpanded((x) => !x)}>
                {expanded ? 'Collapse' : 'Expand'}
              </Button>
            ) : null}
            {/* The full text, whatever its length: what a handoff too long to paste a result into points to. */}
            <Button size="sm" variant="ghost" data-testid="copy-note" onClick={async () => setCopied((await copyText(note.body)) ? 'ok' : 'failed')}>
              {copied === 'ok' ? 'Copied' : 'Copy'}
            </Button>
            {copied === 'failed' ? <span className="self-center">Copying was blocked; select the text instead.</span> : null}
            {readOnly ? null : confirmDelete ? (
              <>
                <span className="self-center">Delete this note? (recorded)</span>
                <Button size="sm" variant="danger" onClick={() => void actions.onDelete(note.id)}>
                  Delete
                </Button>
                <Button size="sm" onClick={() => setConfirmDelete(false)}>
                  Keep
                </Button>
              </>
            ) : (
              <>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    setDraft(note.body);
                    setEditing(true);
                  }}
                >
                  {isResult ? 'Edit result' : 'Edit'}
                </Button>
                {!isResult && actions.onUseAsResult ? (
                  <Button size="sm" variant="ghost" data-testid="use-as-result" onClick={() => void actions.onUseAsResult?.(note.id)}>
                    Use as result
                  </Button>
                ) : null}
                <Button size="sm" variant="ghost" onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              </>
            )}
          </div>
        </>
      )}
    </div>
  );
});

function AddNote({ stepTitle, onAdd }: { stepTitle: string; onAdd: (body: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState('');
  if (!open) {
    return (
      <Button size="sm" variant="ghost" className="self-start" onClick={() => setOpen(true)}>
        + Add a note to “{stepTitle}”
      </Button>
    );
  }
  return (
    <form
      className="flex flex-col gap-1.5"
      onSubmit={async (e) => {
        e.preventDefault();
        await onAdd(body.trim());
        setBody('');
        setOpen(false);
      }}
    >
      <TextArea label={`New note for “${stepTitle}” (Markdown)`} value={body} onChange={(e) => setBody(e.target.value)} rows={4} autoFocus />
      <div className="flex gap-1.5">
        <Button size="sm" variant="primary" type="submit" disabled={!body.trim()}>
          Add note
        </Button>
        <Button size="sm" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
