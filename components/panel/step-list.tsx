import type { StepState } from '@/lib/workflow/engine';
import type { Step } from '@/lib/workflow/schema';
import { GATE_TYPE_LABELS, STEP_STATE_LABELS } from '@/lib/workflow/labels';
import { Badge } from '@/components/ui';


const markers: Record<StepState, string> = {
  done: 'bg-emerald-600 text-white',
  current: 'bg-blue-600 text-white',
  'awaiting-approval': 'bg-amber-500 text-black',
  todo: 'border border-zinc-400 text-zinc-700 dark:text-zinc-300',
};

export function StepList({ states }: { states: Array<{ step: Step; index: number; state: StepState }> }) {
  const done = states.filter((s) => s.state === 'done').length;
  return (
    <section aria-labelledby="convops-steps-heading" className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between">
        <h2 id="convops-steps-heading" className="text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">
          Steps
        </h2>
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="progress">
          {done} of {states.length} done
        </span>
      </div>
      <div
        className="h-1 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700"
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={states.length}
        aria-valuenow={done}
      >
        <div className="h-full bg-emerald-600 transition-[width]" style={{ width: `${(done / Math.max(states.length, 1)) * 100}%` }} />
      </div>
      <ol data-testid="step-list" className="flex flex-col">
        {states.map(({ step, index, state }) => (
          <li
            key={step.id}
            data-step-id={step.id}
            data-state={state}
            aria-current={state === 'current' || state === 'awaiting-approval' ? 'step' : undefined}
            className={`flex items-center gap-2 rounded px-1 py-0.5 text-xs ${
              state === 'current' || state === 'awaiting-approval' ? 'bg-zinc-100 font-medium dark:bg-zinc-800' : ''
            }`}
          >
            <span aria-hidden className={`grid size-4 shrink-0 place-items-center rounded-full text-[10px] ${markers[state]}`}>
              {state === 'done' ? '✓' : index + 1}
            </span>
            <span className="min-w-0 flex-1 truncate">{step.title}</span>
            <span className="sr-only">, {STEP_STATE_LABELS[state]}</span>
            {step.gate ? (
              <Badge tone={state === 'awaiting-approval' ? 'warning' : 'neutral'} title={`Gate: ${GATE_TYPE_LABELS[step.gate.type]}`}>
                {GATE_TYPE_LABELS[step.gate.type]}
              </Badge>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
