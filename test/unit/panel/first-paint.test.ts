// @vitest-environment happy-dom
import { paintCurrentStep } from '@/components/panel/first-paint';
import type { PanelFirstScreen } from '@/lib/messaging/panel-port';

/** The panel's first paint before React (components/panel/first-paint.ts), from the background's `first-screen` answer. */
const screen: PanelFirstScreen = {
  taskId: 't1',
  taskTitle: 'Month-end close',
  workflowName: 'SOP Documentation',
  workflowVersion: 3,
  stepId: 'draft',
  stepTitle: 'Draft the SOP',
  stepNumber: 2,
  stepCount: 3,
  theme: 'dark',
};

let root: HTMLElement;
beforeEach(() => {
  document.body.innerHTML = '<div id="root"></div>';
  root = document.getElementById('root')!;
});

describe('the panel first paint', () => {
  it('paints the task: its title, workflow, and the current step with its number, marked for Element Timing', () => {
    expect(paintCurrentStep(root, screen)).toBe(true);
    expect(root.querySelector('h1')!.textContent).toBe('Month-end close');
    expect(root.textContent).toContain('SOP Documentation · v3');
    expect(root.textContent).toContain('Step 2 of 3');
    const title = root.querySelector('[elementtiming="current-step-early"]')!;
    expect(title.textContent).toBe('Draft the SOP');
    // Nothing to click until React has rendered.
    expect(root.querySelectorAll('button, input, a')).toHaveLength(0);
  });

  it('paints in the page\'s scheme, and nothing once React has rendered', () => {
    root.append(document.createElement('main'));
    expect(paintCurrentStep(root, screen)).toBe(false);
    expect(root.childElementCount).toBe(1);
    root.replaceChildren();
    expect(paintCurrentStep(root, { ...screen, theme: 'light' })).toBe(true);
    expect(document.documentElement.classList.contains('dark')).toBe(false);
    root.replaceChildren();
    expect(paintCurrentStep(root, screen)).toBe(true);
    expect(document.documentElement.classList.contains('dark')).toBe(true);
  });
});
