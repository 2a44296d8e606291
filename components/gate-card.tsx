import { useState, type MouseEvent } from 'react';
import { GATE_TYPE_LABELS, REJECT_NEEDS_COMMENT } from '@/lib/workflow/labels';
import type { Gate } from '@/lib/workflow/schema';
import { Alert, Badge, Button, Card, TextArea } from './ui';

/** The comment of a gate decision (required to reject; it goes into the next briefing). The review window uses it too. */
export function DecisionComment({ label, value, onChange, rows, autoFocus }: { label: string; value: string; onChange: (value: string) => void; rows: number; autoFocus?: boolean }) {
  return <TextArea label={label} data-testid="gate-comment" value={value} onChange={(e) => onChange(e.target.value)} maxLength={5000} rows={rows} autoFocus={autoFocus} />;
}

export interface GateDecision {
  decision: 'approve' | 'reject';
  comment: string;
}

const gateTitles: Record<Gate['type'], string> = {
  approval: 'Approval needed',
  review: 'Review needed',
  'sign-off': 'Sign-off needed',
  handoff: 'Handoff check',
};

/**
 * The human decision. Only a real click counts: `isTrusted` is false for events a script dispatches.
 *
 * Two ways to use it. In a page of its own (the options page's task page, the review window) the card
 * decides (`onDecide`). In the panel, which the host page can cover, restyle or imitate, the buttons
 * only open the review window (`onReview`): a click on a decoy drawn over the panel must never approve.
 */
export function GateCard({
  gate,
  stepTitle,
  rejectTo,
  busy,
  onDecide,
  onReview,
}: {
  gate: Gate;
  stepTitle: string;
  rejectTo: string;
  busy: boolean;
  onDecide?: (decision: GateDecision) => Promise<void>;
  onReview?: (intent: GateDecision['decision']) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const decide = (decision: GateDecision['decision']) => async (event: MouseEvent<HTMLButtonElement>) => {
    if (!event.isTrusted) return;
    if (onReview) {
      await onReview(decision);
      return;
    }
    if (!onDecide) return;
    if (decision === 'reject' && !comment.trim()) {
      setProblem(REJECT_NEEDS_COMMENT);
      return;
    }
    setProblem(null);
    await onDecide({ decision, comment: comment.trim() });
    setComment('');
  };

  return (
    <Card data-testid="gate-card" data-gate-type={gate.type} className="flex flex-col gap-2 border-amber-400 dark:border-amber-600">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-semibold">{gateTitles[gate.type]}</h3>
        <Badge tone="warning">{GATE_TYPE_LABELS[gate.type]}</Badge>
      </div>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        {onReview
          ? `“${stepTitle}” waits for your decision. Approve or Reject opens a ConvOps review window: you decide there, where this page cannot draw. Nothing said in the chat counts.`
          : `“${stepTitle}” waits for your decision. Nothing moves on until you approve here; nothing said in the chat counts.`}
      </p>
      <div className="rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-950 dark:bg-amber-950/40 dark:text-amber-100">
        <span className="font-medium">Check: </span>
        {gate.ask}
      </div>
      {onReview ? null : <DecisionComment label="Comment (required to reject)" value={comment} onChange={setComment} rows={3} />}
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button data-testid="approve-gate" variant="primary" disabled={busy} onClick={decide('approve')}>
          {onReview ? 'Approve…' : 'Approve'}
        </Button>
        <Button data-testid="reject-gate" variant="danger" disabled={busy} onClick={decide('reject')}>
          Reject → {rejectTo}
          {onReview ? '…' : ''}
        </Button>
      </div>
    </Card>
  );
}
