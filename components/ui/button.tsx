import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

/*
 * Disabled is a look of its own, not the enabled look made transparent: at 60 % opacity a dark-mode
 * button on a dark card looked just like an enabled one. Disabled buttons go grey with muted text
 * (bordered ones get a dashed border, a cue that does not depend on colour) and do not react to hover.
 */
const variants: Record<ButtonVariant, string> = {
  primary:
    'bg-emerald-700 text-white enabled:hover:bg-emerald-800 disabled:bg-zinc-300 disabled:text-zinc-700 dark:bg-emerald-700 dark:enabled:hover:bg-emerald-800 dark:disabled:bg-zinc-700 dark:disabled:text-zinc-300',
  secondary:
    'border border-zinc-300 bg-white text-zinc-900 enabled:hover:bg-zinc-100 disabled:border-dashed disabled:bg-zinc-100 disabled:text-zinc-600 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100 dark:enabled:hover:bg-zinc-700 dark:disabled:border-zinc-600 dark:disabled:bg-transparent dark:disabled:text-zinc-400',
  danger:
    'bg-red-700 text-white enabled:hover:bg-red-800 disabled:bg-zinc-300 disabled:text-zinc-700 dark:bg-red-700 dark:enabled:hover:bg-red-800 dark:disabled:bg-zinc-700 dark:disabled:text-zinc-300',
  ghost: 'text-zinc-700 enabled:hover:bg-zinc-100 disabled:text-zinc-500 dark:text-zinc-200 dark:enabled:hover:bg-zinc-800 dark:disabled:text-zinc-500',
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
}

export function Button({ variant = 'secondary', size = 'md', className = '', type = 'button', ...rest }: ButtonProps) {
  const sizing = size === 'sm' ? 'px-2 py-1 text-xs' : 'px-3 py-1.5 text-sm';
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed ${sizing} ${variants[variant]} ${className}`}
      {...rest}
    />
  );
}
