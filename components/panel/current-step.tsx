import { useId, useState } from 'react';
import { GATE_TYPE_LABELS } from '../../lib/workflow/labels';
import type { Step } from '../../lib/workflow/schema';
import { LazyMarkdown } from '../lazy-markdown';
import { Alert, Badge, Button, Card } from '../ui';
import { copyText } from './clipboard';

export type InsertState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; sent: boolean }
  | { kind: 'failed'; message: string; text: string };

export function CurrentStep({
  step,
  number,
  count,
  briefing,
  rejection,
  insertState,
  canComplete,
  busy,
  onInsert,
  onComplete,
}: {
  step: Step;
  number: number;
  count: number;
  briefing: string;
  rejection: { comment: string; by: string } | null;
  insertState: InsertState;
  canComplete: boolean;
  busy: boolean;
  onInsert: () => void;
  onComplete: () => void;
}) {
  const [showBriefing, setShowBriefing] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const briefingId = useId();
  return (
    <Card data-testid="current-step" data-step-id={step.id} className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          Step {number} of {count}
        </span>
        {step.role ? <Badge tone="info">{step.role}</Badge> : null}
        {step.gate ? <Badge tone="warning">Gate: {GATE_TYPE_LABELS[step.gate.type]}</Badge> : null}
      </div>
      {/* `elementtiming`: the bench reads when the step was first painted (Element Timing API). */}
      <h2 className="text-sm font-semibold" elementtiming="current-step">
        {step.title}
      </h2>
      {rejection ? (
        <Alert tone="warning" data-testid="rejection">
          Sent back by {rejection.by}: “{rejection.comment}”. The next briefing carries this comment.
        </Alert>
      ) : null}
      <div>
        <Button size="sm" variant="ghost" aria-expanded={showBriefing} aria-controls={briefingId} onClick={() => setShowBriefing((x) => !x)}>
          {showBriefing ? '▾ Hide briefing' : '▸ Preview briefing'}
        </Button>
        {showBriefing ? (
          <div
            id={briefingId}
            data-testid="briefing-preview"
            role="region"
            aria-label="Briefing preview"
            // Scrollable, so it must be reachable by keyboard.
            tabIndex={0}
            className="mt-1 max-h-64 overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-800">
            <LazyMarkdown source={briefing} />
          </div>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button data-testid="insert-briefing" variant={canComplete ? 'secondary' : 'primary'} disabled={insertState.kind === 'busy'} onClick={onInsert}>
          Insert briefing
        </Button>
        <Button data-testid="complete-step" variant="primary" disabled={busy || !canComplete} onClick={onComplete}>
          {step.gate ? 'Done, ask for approval' : number === count ? 'Complete task' : 'Complete step'}
        </Button>
      </div>
      {/* A fixed-height status line: no jump when the message appears. */}
      <div className="min-h-4 text-xs" aria-live="polite">
        {insertState.kind === 'done' ? (
          <span className="text-emerald-800 dark:text-emerald-300" data-testid="insert-status">
            {insertState.sent ? 'Briefing inserted and sent.' : 'Briefing inserted: review it in the prompt box, then send.'}
          </span>
        ) : null}
      </div>
      {insertState.kind === 'failed' ? (
        <Alert tone="error" data-testid="insert-failed" className="flex flex-col gap-1.5">
          <span>{insertState.message}</span>
          <span>Copy the briefing and paste it into the chat yourself.</span>
          <Button
            size="sm"
            className="self-start"
            data-testid="copy-briefing"
            onClick={async () => setCopied((await copyText(insertState.text)) ? 'ok' : 'failed')}
          >
            Copy to clipboard
          </Button>
          {copied === 'ok' ? <span>Copied.</span> : null}
          {copied === 'failed' ? <span>Copying was blocked: open “Preview briefing” and select the text.</span> : null}
        </Alert>
      ) : null}
    </Card>
  );
}
