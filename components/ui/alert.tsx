import type { HTMLAttributes } from 'react';

export type AlertTone = 'info' | 'warning' | 'error' | 'success';

const tones: Record<AlertTone, string> = {
  info: 'border-blue-300 bg-blue-50 text-blue-950 dark:border-blue-700 dark:bg-blue-950/50 dark:text-blue-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-100',
  error: 'border-red-300 bg-red-50 text-red-950 dark:border-red-700 dark:bg-red-950/50 dark:text-red-100',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950/50 dark:text-emerald-100',
};

/** A message box; errors are announced (`role=alert`), the rest politely (`role=status`). */
export function Alert({ tone = 'info', className = '', ...rest }: HTMLAttributes<HTMLDivElement> & { tone?: AlertTone }) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={`rounded-md border px-2.5 py-2 text-xs ${tones[tone]} ${className}`}
      {...rest}
    />
  );
}
