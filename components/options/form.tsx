import { useId, type ReactNode, type SelectHTMLAttributes, type InputHTMLAttributes } from 'react';

/**
 * Form controls the shared `components/ui` set does not have (select, checkbox, inline errors). Same
 * look as its fields: visible focus ring, labels always tied to their control.
 */

const control =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100';

export function SelectField({
  label,
  hint,
  errors,
  className = '',
  children,
  ...rest
}: { label: ReactNode; hint?: ReactNode; errors?: readonly string[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const errorId = `${id}-errors`;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      <select
        id={id}
        className={control}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        {...rest}
      >
        {children}
      </select>
      {hint ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function CheckboxField({ label, className = '', ...rest }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`flex items-center gap-2 ${className}`}>
      <input
        id={id}
        type="checkbox"
        className="size-4 rounded border-zinc-400 accent-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        {...rest}
      />
      <label htmlFor={id} className="text-sm text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
    </div>
  );
}

/** Inline validation messages under a field, in plain words. */
export function FieldErrors({ id, errors }: { id?: string; errors?: readonly string[] }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="text-xs text-red-700 dark:text-red-300" data-testid="field-error">
      {errors.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** Drops the leading "steps[2].title: " a validation message starts with, when shown next to that field. */
export function withoutPath(message: string): string {
  const match = /^[\w.[\]]+: (.*)$/s.exec(message);
  const rest = match?.[1];
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : message;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold">{title}</h1>
      {children ? <div className="flex flex-wrap items-center gap-2">{children}</div> : null}
    </div>
  );
}

