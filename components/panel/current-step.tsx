import { useId, useState } from 'react';
import { GATE_TYPE_LABELS, SITE_LABELS } from '@/lib/workflow/labels';
import type { Site } from '@/lib/workflow/records';
import type { Moment } from '@/lib/workflow/moment';
import type { PillWord } from '@/lib/messaging/schemas';
import type { Step } from '@/lib/workflow/schema';
import { LazyMarkdown } from '@/components/lazy-markdown';
import { Alert, Badge, Button, Card } from '@/components/ui';
import { copyText } from './clipboard';

export type InsertState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; sent: boolean }
  | { kind: 'failed'; message: string };

export interface SentBriefing {
  seq: number;
  at: string;
  text: string | null;
  sent: boolean;
  by: string;
}

type HeadlineMoment = 'fresh' | 'inserted' | 'answering' | 'your-turn' | 'suggested' | 'gate' | 'finished' | 'elsewhere';

function headlineMoment(moment: Moment['kind'], streaming: boolean, elsewhere: Site | null = null): HeadlineMoment {
  if (elsewhere && moment !== 'gate' && moment !== 'finished') return 'elsewhere';
  if (moment === 'working') return streaming ? 'answering' : 'your-turn';
  return moment;
}

/** The headline in one word, for the pill on the page while the panel is collapsed. */
export function pillWord(moment: Moment['kind'], streaming: boolean, elsewhere: Site | null = null): PillWord {
  const words: Record<HeadlineMoment, PillWord> = {
    fresh: 'Send',
    inserted: 'Send',
    answering: 'Answering',
    'your-turn': 'Your turn',
    suggested: 'Continue?',
    gate: 'Decide',
    finished: 'Done',
    elsewhere: 'Other site',
  };
  return words[headlineMoment(moment, streaming, elsewhere)];
}

/** The headline's words: never says the AI works while the next move is the person's. */
export function headline(
  moment: Moment['kind'],
  streaming: boolean,
  { number, title, siteName, elsewhere = null }: { number: number; title: string; siteName: string; elsewhere?: Site | null },
): string {
  switch (headlineMoment(moment, streaming, elsewhere)) {
    case 'elsewhere':
      return `Step ${number}, ${title}, runs on ${elsewhere ? SITE_LABELS[elsewhere] : 'the other site'}.`;
    case 'fresh':
      return `Step ${number}, ${title}, is ready: send its briefing to ${siteName}.`;
    case 'inserted':
      return `Step ${number}’s briefing is in the prompt box — press Send.`;
    case 'answering':
      return `${siteName} is answering…`;
    case 'your-turn':
      return `Your turn: answer ${siteName} in the chat. It will say when ${title} is done.`;
    case 'suggested':
      return `The AI says ${title} is done — continue when you agree.`;
    case 'gate':
      return 'Waiting for your decision.';
    case 'finished':
      return 'Done.';
  }
}

/**
 * The current step with one primary action for the moment it is in: send the briefing, let the AI
 * work (answer it in the chat), or continue on the AI's word when drive mode is off. Inserting
 * without sending, completing by hand and the briefing history stay available, quieter.
 */
export function CurrentStep({
  step,
  number,
  count,
  siteName,
  moment,
  elsewhere,
  onContinueOn,
  streaming,
  briefing,
  history,
  rejection,
  insertState,
  canComplete,
  hasWork,
  busy,
  onSend,
  onPressSend,
  onInsert,
  onComplete,
}: {
  step: Step;
  number: number;
  count: number;
  /** "ChatGPT" or "Claude"; "the AI" when the page is not known. */
  siteName: string;
  moment: Moment['kind'];
  /** The step runs on the other site: its one action is "Continue on …". */
  elsewhere: Site | null;
  onContinueOn: () => void;
  /** Whether the AI's reply streams in the chat right now (the page says so). */
  streaming: boolean;
  /** The step's briefing as it stands; null while the task's notes are still arriving. */
  briefing: string | null;
  history: SentBriefing[];
  rejection: { comment: string; by: string } | null;
  insertState: InsertState;
  canComplete: boolean;
  /** Whether anything was kept on this step since it became current (else completing asks first). */
  hasWork: boolean;
  busy: boolean;
  onSend: () => void;
  onPressSend: () => void;
  onInsert: () => void;
  onComplete: () => void;
}) {
  const [showBriefing, setShowBriefing] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const briefingId = useId();
  const historyId = useId();
  const completeLabel = step.gate ? 'Done, ask for approval' : number === count ? 'Complete task' : 'Complete step';
  const complete = () => {
    if (!hasWork && !confirmEmpty) return setConfirmEmpty(true);
    setConfirmEmpty(false);
    onComplete();
  };
  return (
    <Card data-testid="current-step" data-step-id={step.id} data-moment={moment} data-has-work={String(hasWork)} className="flex flex-col gap-2">
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
          Sent back by {rejection.by}: “{rejection.comment}” — the next briefing carries this comment.
        </Alert>
      ) : null}

      {/* One headline per moment: what is true now, and the person's next action. */}
      {canComplete ? (
        <div
          data-testid="headline"
          data-moment={headlineMoment(moment, streaming, elsewhere)}
          role="status"
          className="flex flex-col gap-1.5 rounded-md bg-blue-50 px-2 py-1.5 text-xs text-blue-950 dark:bg-blue-950/40 dark:text-blue-100">
          <span>{headline(moment, streaming, { number, title: step.title, siteName, elsewhere })}</span>
          {elsewhere ? (
            <Button data-testid="continue-on" data-site={elsewhere} variant="primary" className="self-start" disabled={busy} onClick={onContinueOn}>
              Continue on {SITE_LABELS[elsewhere]}
            </Button>
          ) : null}
          {moment === 'fresh' && !elsewhere ? (
            <Button data-testid="send-step" variant="primary" className="self-start" disabled={busy || insertState.kind === 'busy'} onClick={onSend}>
              Send step {number} to {siteName}
            </Button>
          ) : null}
          {moment === 'inserted' && !elsewhere ? (
            <Button data-testid="press-send" variant="primary" className="self-start" disabled={busy || insertState.kind === 'busy'} onClick={onPressSend}>
              Send
            </Button>
          ) : null}
          {moment === 'suggested' ? (
            <Button size="sm" variant="primary" className="self-start" data-testid="accept-suggestion" disabled={busy} onClick={onComplete}>
              Continue
            </Button>
          ) : null}
        </div>
      ) : null}

      <div className="flex flex-wrap gap-2">
        {canComplete && !elsewhere ? (
          <Button data-testid="insert-briefing" size="sm" variant="ghost" disabled={insertState.kind === 'busy'} onClick={onInsert}>
            {moment === 'fresh' ? 'Insert without sending' : 'Insert the briefing again'}
          </Button>
        ) : null}
        <Button size="sm" variant="ghost" aria-expanded={showBriefing} aria-controls={briefingId} onClick={() => setShowBriefing((x) => !x)}>
          {showBriefing ? '▾ Hide briefing' : '▸ Preview briefing'}
        </Button>
        {history.length > 0 ? (
          <Button size="sm" variant="ghost" data-testid="briefing-history-toggle" aria-expanded={showHistory} aria-controls={historyId} onClick={() => setShowHistory((x) => !x)}>
            {showHistory ? '▾' : '▸'} Briefings on this step ({history.length})
          </Button>
        ) : null}
      </div>
      {showBriefing ? (
        <div
          id={briefingId}
          data-testid="briefing-preview"
          role="region"
          aria-label="Briefing preview"
          // Scrollable, so it must be reachable by keyboard.
          tabIndex={0}
          className="max-h-64 overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-800">
          {briefing === null ? <p className="text-zinc-600 dark:text-zinc-400">Reading the task’s notes…</p> : <LazyMarkdown source={briefing} />}
        </div>
      ) : null}
      {showHistory ? (
        <ol id={historyId} data-testid="briefing-history" className="flex flex-col gap-1 text-xs">
          {history.map((h) => (
            <li key={h.seq} className="rounded-md border border-zinc-200 p-1.5 dark:border-zinc-700">
              <div className="text-zinc-600 dark:text-zinc-400">
                {new Date(h.at).toLocaleString()} · {h.sent ? 'sent' : 'put in the prompt box, not sent'} · by {h.by}
                {h.text ? ` · ${h.text.length.toLocaleString()} characters` : ''}
              </div>
              {h.text ? (
                <details>
                  <summary className="cursor-pointer">Show the text</summary>
                  <pre className="max-h-48 overflow-auto text-[11px] whitespace-pre-wrap">{h.text}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}

      {confirmEmpty ? (
        <div role="group" aria-label="Confirm completing a step with nothing kept" className="flex flex-wrap items-center gap-2 text-xs" data-testid="confirm-empty">
          <span>Nothing was kept for {step.title}. Complete anyway?</span>
          <Button size="sm" variant="primary" data-testid="confirm-complete" disabled={busy} onClick={complete}>
            Complete anyway
          </Button>
          <Button size="sm" onClick={() => setConfirmEmpty(false)}>
            Not yet
          </Button>
        </div>
      ) : (
        <Button data-testid="complete-step" size="sm" className="self-start" disabled={busy || !canComplete} onClick={complete}>
          {completeLabel}
        </Button>
      )}
      {insertState.kind === 'failed' ? (
        <Alert tone="error" data-testid="insert-failed" className="flex flex-col gap-1.5">
          <span>{insertState.message}</span>
          <span>Copy the briefing and paste it into the chat yourself.</span>
          <Button
            size="sm"
            className="self-start"
            data-testid="copy-briefing"
            disabled={briefing === null}
            onClick={async () => setCopied(briefing !== null && (await copyText(briefing)) ? 'ok' : 'failed')}
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
