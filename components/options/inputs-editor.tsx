import type { ReactNode } from 'react';
import { INPUT_KIND_LABELS, inputVariable } from '@/lib/workflow/inputs';
import { INPUT_KINDS, type InputKind } from '@/lib/workflow/schema';
import { Button, TextArea, TextField } from '@/components/ui';
import { CheckboxField, FieldErrors, SelectField } from './form';
import { addInput, removeInput, setInputLabel, updateInput, type WorkflowDraft } from './workflow-draft';

type SetDraft = React.Dispatch<React.SetStateAction<WorkflowDraft>>;
type ErrorsAt = (path: string) => string[] | undefined;

/**
 * The workflow's inputs: what a person answers in the panel when starting a task. Declared in plain
 * words (label, kind, required, hint, default); the name steps use is made from the label and shown,
 * never typed (steps insert it with "Insert an input").
 */
export function InputsEditor({
  draft,
  setDraft,
  errorsAt,
  ErrorField,
}: {
  draft: WorkflowDraft;
  setDraft: SetDraft;
  errorsAt: ErrorsAt;
  ErrorField: (props: { field: string; errors?: string[]; className?: string; children: ReactNode }) => ReactNode;
}) {
  return (
    <fieldset className="mt-3" data-testid="inputs-editor">
      <legend className="text-sm font-medium">Inputs</legend>
      <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
        What a person fills in when starting a task, so the AI does not have to ask. Use them in a step with “Insert an input”.
      </p>
      <ul className="flex flex-col gap-3">
        {draft.inputs.map((input, index) => {
          const at = (field: string) => errorsAt(`inputs.${index}${field ? `.${field}` : ''}`);
          const name = input.label.trim() ? input.label : `Input ${index + 1}`;
          return (
            <li key={input.key} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-700" data-testid="editor-input" aria-label={name}>
              <div className="grid gap-2 sm:grid-cols-2">
                <ErrorField field={`inputs.${index}.label`} errors={at('label')}>
                  <TextField
                    label="Label (the question a person answers)"
                    value={input.label}
                    onChange={(e) => setDraft((c) => setInputLabel(c, index, e.target.value))}
                    data-testid="input-label"
                  />
                </ErrorField>
                <ErrorField field={`inputs.${index}.kind`} errors={at('kind')}>
                  <SelectField
                    label="Kind"
                    value={input.kind}
                    onChange={(e) => setDraft((c) => updateInput(c, index, { kind: e.target.value as InputKind }))}
                    data-testid="input-kind"
                  >
                    {INPUT_KINDS.map((kind) => (
                      <option key={kind} value={kind}>
                        {INPUT_KIND_LABELS[kind]}
                      </option>
                    ))}
                  </SelectField>
                </ErrorField>
                {input.kind === 'choice' ? (
                  <ErrorField field={`inputs.${index}.choices`} errors={at('choices')} className="sm:col-span-2">
                    <TextArea
                      label="Options, one per line"
                      rows={3}
                      value={input.choices}
                      onChange={(e) => setDraft((c) => updateInput(c, index, { choices: e.target.value }))}
                      data-testid="input-choices"
                    />
                  </ErrorField>
                ) : null}
                <ErrorField field={`inputs.${index}.hint`} errors={at('hint')}>
                  <TextField label="Hint (optional)" value={input.hint} onChange={(e) => setDraft((c) => updateInput(c, index, { hint: e.target.value }))} />
                </ErrorField>
                <ErrorField field={`inputs.${index}.default`} errors={at('default')}>
                  <TextField label="Default (optional)" value={input.default} onChange={(e) => setDraft((c) => updateInput(c, index, { default: e.target.value }))} />
                </ErrorField>
                <CheckboxField
                  label="Required: a task cannot start without it"
                  checked={input.required}
                  onChange={(e) => setDraft((c) => updateInput(c, index, { required: e.target.checked }))}
                  data-testid="input-required"
                />
                <div className="flex items-center justify-end gap-2">
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">
                    In instructions: <code>{inputVariable(input.name)}</code>
                  </span>
                  <Button size="sm" variant="ghost" onClick={() => setDraft((c) => removeInput(c, index))} aria-label={`Remove ${name}`}>
                    Remove
                  </Button>
                </div>
              </div>
              <FieldErrors errors={at('')} />
            </li>
          );
        })}
      </ul>
      <FieldErrors errors={errorsAt('inputs')} />
      <Button size="sm" className="mt-2" onClick={() => setDraft((c) => addInput(c))} data-testid="add-input">
        Add input
      </Button>
    </fieldset>
  );
}
