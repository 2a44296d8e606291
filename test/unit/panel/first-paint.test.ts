// @vitest-environment happy-dom
import { paintCurrentStep } from '@/components/panel/first-paint';
import type { PanelTab, PanelTaskDetail } from '@/lib/messaging/panel-port';

/** The panel's first paint before React (components/panel/first-paint.ts): only where the task view is next. */
function detail(over: Partial<PanelTaskDetail['task']> = {}): PanelTaskDetail {
  return {
    task: {
      id: 't1',
      title: 'Month-end close',
      status: 'active',
      currentStepId: 'draft',
      conversations: [{ site: 'chatgpt', conversationId: 'c1', url: 'https://chatgpt.com/c/c1', boundAt: '2026-01-01T00:00:00.000Z' }],
      ...over,
    } as PanelTaskDetail['task'],
    workflow: {
      name: 'SOP Documentation',
      version: 3,
      steps: [
        { id: 'capture', title: 'Capture the process' },
        { id: 'draft', title: 'Draft the SOP' },
        { id: 'publish', title: 'Publish' },
      ],
    } as PanelTaskDetail['workflow'],
    notes: [],
    events: [],
  };
}

const tab = (over: Partial<PanelTab> = {}): PanelTab => ({
  tabId: 1,
  binding: { taskId: 't1' },
  host: { site: 'chatgpt', conversationId: 'c1' } as PanelTab['host'],
  ...over,
});

let root: HTMLElement;
beforeEach(() => {
  document.body.innerHTML = '<div id="root"></div>';
  root = document.getElementById('root')!;
});

describe('the panel first paint', () => {
  it('paints the bound running task: its title, workflow, and the current step with its number, marked for Element Timing', () => {
    expect(paintCurrentStep(root, detail(), tab(), 'Pat')).toBe(true);
    expect(root.querySelector('h1')!.textContent).toBe('Month-end close');
    expect(root.textContent).toContain('SOP Documentation · v3');
    expect(root.textContent).toContain('Step 2 of 3');
    const title = root.querySelector('[elementtiming="current-step-early"]')!;
    expect(title.textContent).toBe('Draft the SOP');
    // Nothing to click until React has rendered.
    expect(root.querySelectorAll('button, input, a')).toHaveLength(0);
  });

  it('paints nothing where the panel shows something else, or has rendered already', () => {
    expect(paintCurrentStep(root, detail({ status: 'completed' }), tab(), 'Pat')).toBe(false);
    expect(paintCurrentStep(root, detail(), tab(), '')).toBe(false);
    expect(paintCurrentStep(root, detail(), tab({ binding: { taskId: 'other' } }), 'Pat')).toBe(false);
    expect(paintCurrentStep(root, detail(), tab({ host: { site: 'chatgpt', conversationId: 'c2' } as PanelTab['host'] }), 'Pat')).toBe(false);
    expect(paintCurrentStep(root, detail({ currentStepId: null }), tab(), 'Pat')).toBe(false);
    expect(root.childElementCount).toBe(0);
    root.append(document.createElement('main'));
    expect(paintCurrentStep(root, detail(), tab(), 'Pat')).toBe(false);
    expect(root.childElementCount).toBe(1);
  });
});
