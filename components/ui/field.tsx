import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type TextareaHTMLAttributes } from 'react';

const control =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400';

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  /** Visually hide the label but keep it for screen readers. */
  hideLabel?: boolean;
}

/** The label, the control (given its id and the id of the hint that describes it) and the hint, stacked. */
function FieldFrame({
  label,
  hint,
  hideLabel,
  className,
  control: renderControl,
}: FieldProps & { className: string; control: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'text-xs font-medium text-zinc-700 dark:text-zinc-300'}>
        {label}
      </label>
      {renderControl(id, hintId)}
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, hint, hideLabel, className = '', ...rest }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <FieldFrame label={label} hint={hint} hideLabel={hideLabel} className={className} control={(id, describedBy) => <input id={id} aria-describedby={describedBy} className={control} {...rest} />} />;
}

/** `ref` reaches the textarea (React 19 passes it as a prop), for inserting at the caret. */
export function TextArea({ label, hint, hideLabel, className = '', ...rest }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      hideLabel={hideLabel}
      className={className}
      control={(id, describedBy) => <textarea id={id} aria-describedby={describedBy} className={`${control} min-h-16 resize-y`} {...rest} />}
    />
  );
}
