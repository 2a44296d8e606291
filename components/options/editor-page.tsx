// Long on purpose: the workflow editor is one form (the workflow's fields, then each step's), whose draft, validation and save guard are shared by every field; the step card is its own component below.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { inputVariable } from '@/lib/workflow/inputs';
import { StaleWorkflowError } from '@/lib/db/errors';
import { getWorkflow, getWorkflowHead, listWorkflows, saveWorkflow } from '@/lib/db/workflows-repo';
import { previewTask, renderBriefing } from '@/lib/workflow/briefing';
import type { Note } from '@/lib/workflow/records';
import { GATE_DECIDER_LABELS, GATE_TYPE_LABELS } from '@/lib/workflow/labels';
import { GATE_DECIDERS, GATE_TYPES, workflowSchema, type GateDecider, type Workflow } from '@/lib/workflow/schema';
import { validateWorkflow, type ValidationIssue } from '@/lib/workflow/validate';
import { Markdown } from '@/components/markdown';
import { Alert, Button, Card, TextArea, TextField } from '@/components/ui';
import { CheckboxField, FieldErrors, PageHeader, SelectField, withoutPath } from './form';
import { InputsEditor } from './inputs-editor';
import { hrefFor, navigate } from './router';
import { useActor } from './use-actor';
import {
  addStep,
  draftFromWorkflow,
  duplicateDraft,
  emptyDraft,
  issuesByPath,
  moveStep,
  reindexTouched,
  insertAt,
  removeStep,
  renameStep,
  setStepTitle,
  setWorkflowName,
  toWorkflowInput,
  updateStep,
  touchedBySave,
  visibleIssues,
  withoutDerivedIdIssues,
  type StepDraft,
  type WorkflowDraft,
} from './workflow-draft';

const GATE_LABELS: Record<(typeof GATE_TYPES)[number] | 'none', string> = { none: 'No gate', ...GATE_TYPE_LABELS };

type Source = { kind: 'new' } | { kind: 'duplicate'; from: string } | { kind: 'edit'; id: string };

/** Loads what the editor starts from once; later live changes do not overwrite the person's typing. */
function useInitialDraft(source: Source) {
  const sourceKey = JSON.stringify(source);
  const [state, setState] = useState<
    { key: string; draft: WorkflowDraft; base: Workflow | undefined; builtin: boolean } | { key: string; missing: true } | undefined
  >();
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      let next: typeof state;
      if (source.kind === 'new') next = { key: sourceKey, draft: emptyDraft(), base: undefined, builtin: false };
      else if (source.kind === 'duplicate') {
        const [workflow, heads] = await Promise.all([getWorkflow(source.from), listWorkflows({ includeDeleted: true })]);
        next = workflow
          ? { key: sourceKey, draft: duplicateDraft(workflow, heads.map((head) => head.id)), base: undefined, builtin: false }
          : { key: sourceKey, missing: true };
      } else {
        const [workflow, head] = await Promise.all([getWorkflow(source.id), getWorkflowHead(source.id)]);
        next = workflow
          ? { key: sourceKey, draft: draftFromWorkflow(workflow), base: workflow, builtin: head?.origin === 'builtin' }
          : { key: sourceKey, missing: true };
      }
      if (!cancelled) setState(next);
    })();
    return () => {
      cancelled = true;
    };
  }, [sourceKey]); // eslint-disable-line react-hooks/exhaustive-deps
  return [state?.key === sourceKey ? state : undefined, setState] as const;
}

type Status = { tone: 'success' | 'error' | 'info'; text: string } | undefined;

export function EditorPage({ source }: { source: Source }) {
  const [loaded, setLoaded] = useInitialDraft(source);
  // Lives here, not in the editor: saving remounts the editor on the new version and the message must stay.
  const [status, setStatus] = useState<Status>();
  if (!loaded) return <p>Loading…</p>;
  if ('missing' in loaded) {
    return (
      <Alert tone="error">
        This workflow does not exist or was deleted. <a href={hrefFor({ name: 'library' })} className="underline">Back to the library</a>
      </Alert>
    );
  }
  return (
    <WorkflowEditor
      key={loaded.key + (loaded.base?.version ?? '')}
      initial={loaded.draft}
      base={loaded.base}
      builtin={loaded.builtin}
      status={status}
      setStatus={setStatus}
      onSaved={(workflow) => {
        if (source.kind === 'edit') setLoaded({ key: loaded.key, draft: draftFromWorkflow(workflow), base: workflow, builtin: false });
        else navigate({ name: 'edit-workflow', id: workflow.id });
      }}
    />
  );
}

function WorkflowEditor({
  initial,
  base,
  builtin,
  status,
  setStatus,
  onSaved,
}: {
  initial: WorkflowDraft;
  base: Workflow | undefined;
  builtin: boolean;
  status: Status;
  setStatus: (status: Status) => void;
  onSaved: (workflow: Workflow) => void;
}) {
  const actor = useActor();
  const [draft, setDraft] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [previewStep, setPreviewStep] = useState(0);
  // Fields the person has left (by issue path) and whether they tried to save: before either, no errors show.
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const issuesRef = useRef<HTMLDivElement>(null);
  const isNew = base === undefined;
  const takenIds = useLiveQuery(async () => (await listWorkflows({ includeDeleted: true })).map((head) => head.id), []);

  const input = useMemo(() => toWorkflowInput(draft, base?.version ?? 1), [draft, base]);
  const validation = useMemo(() => validateWorkflow(input), [input]);
  const issues = useMemo(() => {
    const list = validation.ok ? [] : withoutDerivedIdIssues(validation.issues, draft);
    if (isNew && draft.id && takenIds?.includes(draft.id)) {
      const sentence = `Another workflow already uses the id "${draft.id}"; choose another.`;
      list.push({ path: 'id', message: `id: ${sentence}`, sentence });
    }
    return list;
  }, [validation, isNew, draft, takenIds]);
  const shown = useMemo(() => visibleIssues(issues, touched), [issues, touched]);
  const byPath = useMemo(() => issuesByPath(shown.map((found) => ({ path: found.path, message: sentenceOf(found) }))), [shown]);
  const errorsAt = (path: string) => byPath.get(path);
  const touch = (field: string | null | undefined) => {
    if (field) setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  };
  const idProblem = shown.some((found) => /^id$|^steps\[\d+\]\.id$/.test(found.path));
  const unchanged = !isNew && validation.ok && JSON.stringify(validation.workflow) === JSON.stringify(base);

  const preview = useMemo(() => {
    const candidate = validation.ok ? validation.workflow : workflowSchema.safeParse(input).data;
    if (!candidate) return undefined;
    const step = candidate.steps[Math.min(previewStep, candidate.steps.length - 1)];
    if (!step) return undefined;
    try {
      const task = previewTask(candidate, step.id);
      // Stand-in notes show where the notes of the steps this one reads will go.
      const notes: Note[] = step.reads.map((read) => ({
        id: `preview-${read}`,
        taskId: task.id,
        stepId: read,
        source: 'captured',
        body: `_(The notes kept on “${candidate.steps.find((other) => other.id === read)?.title ?? read}” appear here.)_`,
        createdAt: task.createdAt,
        createdBy: task.createdBy,
        updatedAt: task.createdAt,
        deleted: false,
      }));
      return renderBriefing({
        workflow: candidate,
        task,
        notes,
        operator: actor.name,
        now: new Date().toISOString(),
        stepId: step.id,
      });
    } catch {
      return undefined;
    }
  }, [validation, input, previewStep, actor.name]);
  // While something is wrong the preview keeps showing the last version that rendered, marked as such.
  const [lastPreview, setLastPreview] = useState<string | undefined>();
  // Adjusted during render (React's pattern for state derived from a changing value), not in an effect.
  if (preview !== undefined && preview !== lastPreview) setLastPreview(preview);
  const previewShown = preview ?? lastPreview;

  const save = async () => {
    if (saving) return;
    if (issues.length > 0) {
      // Trying to save is the moment to see every problem, with where it is.
      setAttempted(true);
      setTouched((current) => touchedBySave(current, issues));
      requestAnimationFrame(() => issuesRef.current?.focus());
      return;
    }
    setSaving(true);
    try {
      // The version this editor opened (none for a new workflow): a save from an out-of-date view is refused.
      const result = await saveWorkflow(input, actor, { expectedVersion: base ? base.version : null });
      if (result.status === 'unchanged') setStatus({ tone: 'info', text: 'Nothing changed, so no new version was saved.' });
      else {
        setStatus({
          tone: 'success',
          text: base
            ? `Saved version ${result.workflow.version}. Running tasks keep the version they started with; new tasks use version ${result.workflow.version}.`
            : `Created "${result.workflow.name}" (version ${result.workflow.version}).`,
        });
        onSaved(result.workflow);
      }
    } catch (error) {
      setStatus({
        tone: 'error',
        text: error instanceof StaleWorkflowError ? error.message : `Could not save: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setSaving(false);
    }
  };

  const setName = (name: string) => setDraft((current) => setWorkflowName(current, name, takenIds ?? [], isNew));

  return (
    <form
      data-testid="workflow-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      onBlur={(event) => touch((event.target as HTMLElement).closest('[data-field]')?.getAttribute('data-field'))}
      noValidate
    >
      <PageHeader title={isNew ? 'New workflow' : `Edit “${base?.name}”`}>
        <a href={hrefFor({ name: 'library' })} className="text-sm underline">
          Back to the library
        </a>
      </PageHeader>
      {builtin ? (
        <Alert tone="info" className="mb-3" data-testid="builtin-note">
          <strong>Built-in: duplicate it to make your own.</strong> Built-ins come with the extension and are updated with it, so this page
          only shows it.{' '}
          <a href={hrefFor({ name: 'new-workflow', from: base?.id })} className="font-medium underline" data-testid="duplicate-builtin">
            Duplicate “{base?.name}”
          </a>
        </Alert>
      ) : base ? (
        <Alert tone="info" className="mb-3" data-testid="version-note">
          Running tasks keep version {base.version}; new tasks use version {base.version + 1} once you save.
        </Alert>
      ) : null}
      <fieldset disabled={builtin} className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex flex-col gap-4">
          <Card>
            <h2 className="mb-2 text-base font-semibold">About</h2>
            <div className="grid gap-3 sm:grid-cols-2">
              <ErrorField field="name" errors={errorsAt('name')}>
                <TextField label="Name" value={draft.name} onChange={(e) => setName(e.target.value)} data-testid="workflow-name" />
              </ErrorField>
              <ErrorField field="category" errors={errorsAt('category')}>
                <TextField label="Category" value={draft.category} onChange={(e) => setDraft((c) => ({ ...c, category: e.target.value }))} />
              </ErrorField>
              <ErrorField field="description" errors={errorsAt('description')} className="sm:col-span-2">
                <TextArea label="Description" value={draft.description} onChange={(e) => setDraft((c) => ({ ...c, description: e.target.value }))} />
              </ErrorField>
            </div>
            <StandardsEditor draft={draft} setDraft={setDraft} errorsAt={errorsAt} />
            <InputsEditor draft={draft} setDraft={setDraft} errorsAt={errorsAt} ErrorField={ErrorField} />
            <Advanced open={idProblem}>
              <ErrorField field="id" errors={errorsAt('id')}>
                <TextField
                  label="Workflow id"
                  hint={
                    isNew
                      ? 'Made from the name; files and tasks refer to the workflow by it. Lowercase letters, digits and dashes.'
                      : 'The id cannot change once saved.'
                  }
                  value={draft.id}
                  readOnly={!isNew}
                  onChange={(e) => setDraft((current) => ({ ...current, id: e.target.value, idTouched: true }))}
                  data-testid="workflow-id"
                />
              </ErrorField>
            </Advanced>
          </Card>

          <section aria-labelledby="steps-heading" className="flex flex-col gap-3">
            <div className="flex items-center justify-between">
              <h2 id="steps-heading" className="text-base font-semibold">
                Steps ({draft.steps.length})
              </h2>
              <Button size="sm" onClick={() => setDraft((current) => addStep(current))} data-testid="add-step">
                Add step
              </Button>
            </div>
            <FieldErrors errors={errorsAt('steps')} />
            <ol className="flex flex-col gap-3" data-testid="editor-steps">
              {draft.steps.map((step, index) => (
                <li key={step.key}>
                  <StepEditor
                    step={step}
                    index={index}
                    draft={draft}
                    setDraft={setDraft}
                    errorsAt={errorsAt}
                    idProblem={shown.some((found) => found.path === `steps[${index}].id`)}
                    reindex={(order) => setTouched((current) => reindexTouched(current, order))}
                    onPreview={() => setPreviewStep(index)}
                  />
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside className="flex flex-col gap-3 lg:sticky lg:top-4 lg:self-start">
          <Card>
            <h2 className="mb-2 text-base font-semibold">Briefing preview</h2>
            <SelectField label="Preview for step" value={String(Math.min(previewStep, draft.steps.length - 1))} onChange={(e) => setPreviewStep(Number(e.target.value))}>
              {draft.steps.map((step, index) => (
                <option key={step.key} value={index}>
                  Step {index + 1}: {step.title.trim() || 'no title yet'}
                </option>
              ))}
            </SelectField>
            {previewShown !== undefined && preview === undefined ? (
              <p className="mt-2 text-xs text-amber-800 dark:text-amber-200" data-testid="preview-stale">
                Showing the last version that worked; it updates once the problems are fixed.
              </p>
            ) : null}
            {previewShown !== undefined ? (
              // Rendered as the AI reads it: the Markdown of the briefing, never raw HTML (see components/markdown.tsx).
              <div
                className="mt-2 max-h-[60vh] overflow-auto rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700"
                data-testid="briefing-preview"
                data-stale={String(preview === undefined)}
                tabIndex={0}
                role="region"
                aria-label="Briefing for a sample task"
              >
                <Markdown source={previewShown} headingLevel={3} />
              </div>
            ) : (
              <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">The preview appears once the workflow has a name and its steps have titles.</p>
            )}
            <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">For a sample task called “Sample task”; this is what goes into the chat's prompt box.</p>
          </Card>
          <Card>
            {/* What the last save found (and fields touched since), not problems of a field nobody has reached yet. */}
            {attempted && shown.length > 0 ? (
              <div role="status" data-testid="editor-issues" ref={issuesRef} tabIndex={-1} className="focus:outline-none">
                <p className="mb-1 text-sm font-medium text-red-800 dark:text-red-300">
                  Fix {shown.length === 1 ? 'this problem' : `these ${shown.length} problems`} to save:
                </p>
                <ul className="mb-2 list-disc pl-5 text-xs text-red-800 dark:text-red-300">
                  {shown.slice(0, 20).map((found) => (
                    <li key={`${found.path}:${found.message}`} data-path={found.path}>
                      {found.where ? `${found.where}: ` : ''}
                      {sentenceOf(found)}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {status ? (
              <Alert tone={status.tone} className="mb-2" data-testid="save-status">
                {status.text}
              </Alert>
            ) : null}
            <Button type="submit" variant="primary" disabled={saving || unchanged || builtin} data-testid="save-workflow">
              {saving ? 'Saving…' : isNew ? 'Create workflow' : `Save as version ${(base?.version ?? 0) + 1}`}
            </Button>
          </Card>
        </aside>
      </fieldset>
    </form>
  );
}

/** The problem in words without its path, for a message shown where the problem is. */
function sentenceOf(found: ValidationIssue): string {
  return found.sentence ?? withoutPath(found.message);
}

/** Ids are made from titles; the few who care can see and change them here. Opens itself when an id has a problem. */
function Advanced({ open, children }: { open: boolean; children: React.ReactNode }) {
  return (
    <details className="mt-3" open={open || undefined}>
      <summary className="cursor-pointer text-xs font-medium text-zinc-700 dark:text-zinc-300">Advanced</summary>
      <div className="mt-2">{children}</div>
    </details>
  );
}

/** A field with its messages; `field` is the issue path it answers for, so leaving it marks it touched. */
function ErrorField({ field, errors, className = '', children }: { field: string; errors?: string[]; className?: string; children: React.ReactNode }) {
  return (
    <div className={className} data-field={field}>
      {children}
      <FieldErrors errors={errors} />
    </div>
  );
}

type SetDraft = React.Dispatch<React.SetStateAction<WorkflowDraft>>;
type ErrorsAt = (path: string) => string[] | undefined;

function StandardsEditor({ draft, setDraft, errorsAt }: { draft: WorkflowDraft; setDraft: SetDraft; errorsAt: ErrorsAt }) {
  const set = (standards: string[]) => setDraft((current) => ({ ...current, standards }));
  return (
    <fieldset className="mt-3">
      <legend className="text-sm font-medium">Standards</legend>
      <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">Rules added to every step's briefing.</p>
      <ul className="flex flex-col gap-2">
        {draft.standards.map((standard, index) => (
          <li key={index} className="flex items-end gap-2">
            <ErrorField field={`standards.${index}`} errors={errorsAt(`standards.${index}`)} className="flex-1">
              <TextField label={`Standard ${index + 1}`} value={standard} onChange={(e) => set(draft.standards.map((s, i) => (i === index ? e.target.value : s)))} />
            </ErrorField>
            <Button size="sm" variant="ghost" onClick={() => set(draft.standards.filter((_, i) => i !== index))} aria-label={`Remove standard ${index + 1}`}>
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <FieldErrors errors={errorsAt('standards')} />
      <Button size="sm" className="mt-2" onClick={() => set([...draft.standards, ''])} data-testid="add-standard">
        Add standard
      </Button>
    </fieldset>
  );
}

function StepEditor({
  step,
  index,
  draft,
  setDraft,
  errorsAt,
  idProblem,
  reindex,
  onPreview,
}: {
  step: StepDraft;
  index: number;
  draft: WorkflowDraft;
  setDraft: SetDraft;
  errorsAt: ErrorsAt;
  idProblem: boolean;
  /** Tells the editor where each step went, so touched fields follow their step. */
  reindex: (order: number[]) => void;
  onPreview: () => void;
}) {
  const at = (field: string) => errorsAt(`steps.${index}${field ? `.${field}` : ''}`);
  const instructionsRef = useRef<HTMLTextAreaElement>(null);
  const earlier = draft.steps.slice(0, index);
  const label = step.title || `Step ${index + 1}`;
  const patch = (value: Partial<StepDraft>) => setDraft((current) => updateStep(current, index, value));
  const move = (delta: -1 | 1) => {
    setDraft((c) => moveStep(c, index, delta));
    const order = draft.steps.map((_, i) => i);
    [order[index], order[index + delta]] = [order[index + delta]!, order[index]!];
    reindex(order);
  };
  return (
    <Card data-testid="editor-step" aria-label={`Step ${index + 1}: ${label}`} onFocus={onPreview}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">
          Step {index + 1}
          {step.title ? `: ${step.title}` : ''}
        </h3>
        <div className="flex gap-1">
          <Button size="sm" variant="ghost" disabled={index === 0} onClick={() => move(-1)} aria-label={`Move ${label} up`}>
            ↑ Up
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={index === draft.steps.length - 1}
            onClick={() => move(1)}
            aria-label={`Move ${label} down`}
          >
            ↓ Down
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={draft.steps.length === 1}
            onClick={() => {
              setDraft((c) => removeStep(c, index));
              reindex(draft.steps.map((_, i) => i).filter((i) => i !== index));
            }}
            aria-label={`Remove ${label}`}
            data-testid="remove-step"
          >
            Remove
          </Button>
        </div>
      </div>
      <FieldErrors errors={at('')} />
      <div className="grid gap-3 sm:grid-cols-2">
        <ErrorField field={`steps.${index}.title`} errors={at('title')}>
          <TextField label="Title" value={step.title} onChange={(e) => setDraft((c) => setStepTitle(c, index, e.target.value))} data-testid="step-title" />
        </ErrorField>
        <ErrorField field={`steps.${index}.instructions`} errors={at('instructions')} className="sm:col-span-2">
          <TextArea
            ref={instructionsRef}
            label="Instructions (Markdown)"
            hint="You can use {{task.title}}, {{date}}, {{operator}}, {{step.title}}, {{step.number}}, {{step.count}}, {{workflow.name}} and the workflow's inputs."
            rows={5}
            value={step.instructions}
            onChange={(e) => patch({ instructions: e.target.value })}
            data-testid="step-instructions"
          />
          {draft.inputs.length > 0 ? (
            <SelectField
              label="Insert an input"
              className="mt-1 max-w-xs"
              value=""
              data-testid="insert-input"
              onChange={(e) => {
                const name = e.target.value;
                if (!name) return;
                // At the caret, so a person places a value without typing its code name.
                const area = instructionsRef.current;
                const { text, caret } = insertAt(step.instructions, inputVariable(name), area?.selectionStart ?? step.instructions.length, area?.selectionEnd ?? step.instructions.length);
                patch({ instructions: text });
                requestAnimationFrame(() => {
                  area?.focus();
                  area?.setSelectionRange(caret, caret);
                });
              }}
            >
              <option value="">Choose an input…</option>
              {draft.inputs.map((input) => (
                <option key={input.key} value={input.name}>
                  {input.label.trim() || input.name}
                </option>
              ))}
            </SelectField>
          ) : null}
        </ErrorField>
        <ErrorField field={`steps.${index}.role`} errors={at('role')}>
          <TextField label="Role (optional)" placeholder="e.g. planner, reviewer" value={step.role} onChange={(e) => patch({ role: e.target.value })} />
        </ErrorField>
        <CheckboxField
          label="Keep the AI's replies on this step as notes"
          checked={step.capture}
          onChange={(e) => patch({ capture: e.target.checked })}
          className="self-end pb-2"
        />
        <SelectField
          label="Which assistant does this step"
          value={step.assistant}
          onChange={(e) => patch({ assistant: e.target.value as StepDraft['assistant'] })}
          errors={at('assistant')}
          data-field={`steps.${index}.assistant`}
          data-testid="step-assistant"
        >
          <option value="any">Either (where the task is)</option>
          <option value="chatgpt">ChatGPT</option>
          <option value="claude">Claude</option>
        </SelectField>
        <SelectField
          label="A second opinion of"
          value={step.reviews}
          onChange={(e) => patch({ reviews: e.target.value })}
          errors={at('reviews')}
          data-field={`steps.${index}.reviews`}
          data-testid="step-reviews"
        >
          <option value="">No: its own work</option>
          {earlier.map((other) => (
            <option key={other.key} value={other.id}>
              {other.title || other.id}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className="mt-3" data-field={`steps.${index}.reads`}>
        <legend className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Reads the result of</legend>
        {earlier.length === 0 ? (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">No earlier steps.</p>
        ) : (
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {earlier.map((other) => (
              <CheckboxField
                key={other.key}
                label={other.title || `Step ${draft.steps.indexOf(other) + 1}`}
                checked={step.reads.includes(other.id)}
                onChange={(e) =>
                  patch({ reads: e.target.checked ? [...step.reads, other.id] : step.reads.filter((read) => read !== other.id) })
                }
              />
            ))}
          </div>
        )}
        <FieldErrors errors={[...(at('reads') ?? []), ...step.reads.flatMap((_, i) => at(`reads.${i}`) ?? [])]} />
      </fieldset>
      <div className="mt-3 grid gap-3 sm:grid-cols-2">
        <SelectField
          label="Gate"
          value={step.gateType}
          onChange={(e) => patch({ gateType: e.target.value as StepDraft['gateType'] })}
          errors={at('gate')}
          data-field={`steps.${index}.gate.type`}
          data-testid="step-gate"
        >
          {(['none', ...GATE_TYPES] as const).map((type) => (
            <option key={type} value={type}>
              {GATE_LABELS[type]}
            </option>
          ))}
        </SelectField>
        {step.gateType === 'none' ? null : (
          <>
            <SelectField
              label="On rejection, return to"
              value={step.onReject}
              onChange={(e) => patch({ onReject: e.target.value })}
              errors={at('gate.onReject')}
              data-field={`steps.${index}.gate.onReject`}
              data-testid="step-on-reject"
            >
              <option value="">This step ({label})</option>
              {earlier.map((other) => (
                <option key={other.key} value={other.id}>
                  {other.title || `Step ${draft.steps.indexOf(other) + 1}`}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Who may decide"
              value={step.gateDecidedBy}
              onChange={(e) => patch({ gateDecidedBy: e.target.value as GateDecider })}
              errors={at('gate.decidedBy')}
              data-field={`steps.${index}.gate.decidedBy`}
              data-testid="step-gate-decided-by"
            >
              {GATE_DECIDERS.map((rule) => (
                <option key={rule} value={rule}>
                  {GATE_DECIDER_LABELS[rule]}
                </option>
              ))}
            </SelectField>
            <ErrorField field={`steps.${index}.gate.ask`} errors={at('gate.ask')} className="sm:col-span-2">
              <TextArea
                label="What the person must check"
                rows={2}
                value={step.gateAsk}
                onChange={(e) => patch({ gateAsk: e.target.value })}
                data-testid="step-gate-ask"
              />
            </ErrorField>
          </>
        )}
      </div>
      <Advanced open={idProblem}>
        <ErrorField field={`steps.${index}.id`} errors={at('id')}>
          <TextField
            label="Step id"
            hint="Made from the title; the completion line and files refer to the step by it."
            value={step.id}
            onChange={(e) => setDraft((c) => renameStep(c, index, e.target.value))}
            data-testid="step-id"
          />
        </ErrorField>
      </Advanced>
    </Card>
  );
}
