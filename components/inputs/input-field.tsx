import { useId } from 'react';
import type { InputField } from '@/lib/workflow/schema';

const control =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 aria-invalid:border-red-600 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400';

/**
 * One workflow input as a form field, the same in the panel's start form and wherever a value is
 * changed later: its label (with "required"), the control its kind calls for, its hint, and the
 * sentence saying what is wrong, right beside it. Hooks: `task-input` (with `data-name`) and
 * `task-input-error` (DESIGN.md, Test contract).
 */
export function InputFieldControl({
  input,
  value,
  problem,
  onChange,
  autoFocus,
}: {
  input: InputField;
  value: string;
  problem?: string | undefined;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}) {
  const id = useId();
  const hintId = input.hint ? `${id}-hint` : undefined;
  const errorId = problem ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': problem ? true : undefined,
    'aria-required': input.required || undefined,
    autoFocus,
    className: control,
  };
  let field;
  switch (input.kind) {
    case 'long-text':
      field = <textarea {...common} className={`${control} min-h-20 resize-y`} value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'choice':
      field = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {(input.choices ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    default:
      field = (
        <input
          {...common}
          type={input.kind === 'date' ? 'date' : input.kind === 'number' ? 'text' : input.kind === 'link' ? 'url' : 'text'}
          inputMode={input.kind === 'number' ? 'decimal' : undefined}
          placeholder={input.kind === 'link' ? 'https://…' : undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className="flex flex-col gap-1" data-testid="task-input" data-name={input.name}>
      <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {input.label}
        {input.required ? <span className="font-normal text-zinc-600 dark:text-zinc-400"> (required)</span> : null}
      </label>
      {field}
      {input.hint ? (
        <p id={hintId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {input.hint}
        </p>
      ) : null}
      {problem ? (
        <p id={errorId} className="text-xs text-red-700 dark:text-red-400" data-testid="task-input-error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
