import type { PanelFirstScreen } from '@/lib/messaging/panel-port';
import { applyColorScheme, systemDark } from '@/components/color-scheme';

/**
 * The current step painted from the background's first answer (`first-screen`), before React and the
 * panel have loaded (DESIGN.md budget: panel ready ≤ 150 ms after navigation): the task's title and
 * workflow, the step's number and title, with the classes the task view draws them with. Nothing in it
 * can be clicked; React's first render replaces it (a root's first render clears its container) with
 * the whole task view.
 *
 * The background answers only where the panel is about to show that very task (lib/background/first-screen.ts);
 * here it is painted only while nothing else is in the root (React has not rendered).
 */
export function paintCurrentStep(root: HTMLElement, screen: PanelFirstScreen): boolean {
  if (root.firstChild) return false;
  applyColorScheme(screen.theme ?? (systemDark().matches ? 'dark' : 'light'));
  const el = (tag: string, className: string, text?: string, ...children: HTMLElement[]) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    node.append(...children);
    return node;
  };
  const title = el('h2', 'text-sm font-semibold', screen.stepTitle);
  // The bench reads when the step was first painted (Element Timing), this paint and React's apart.
  title.setAttribute('elementtiming', 'current-step-early');
  const main = el(
    'main',
    'flex min-h-screen flex-col bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100',
    undefined,
    el(
      'div',
      'flex flex-col gap-3 p-3',
      undefined,
      el(
        'header',
        'flex flex-col gap-0.5',
        undefined,
        el('h1', 'min-w-0 flex-1 truncate text-sm font-semibold', screen.taskTitle),
        el('p', 'text-xs text-zinc-600 dark:text-zinc-400', `${screen.workflowName} · v${screen.workflowVersion}`),
      ),
      el(
        'section',
        'flex flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-700 dark:bg-zinc-900',
        undefined,
        el('span', 'text-xs text-zinc-600 dark:text-zinc-400', `Step ${screen.stepNumber} of ${screen.stepCount}`),
        title,
      ),
    ),
  );
  main.setAttribute('aria-busy', 'true');
  main.dataset['firstPaint'] = screen.taskId;
  root.append(main);
  performance.mark('convops:first-paint');
  return true;
}
