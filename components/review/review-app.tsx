import { useEffect, useState, type MouseEvent } from 'react';
import type { ReviewView } from '@/lib/background/review-protocol';
import { REJECT_NEEDS_COMMENT } from '@/lib/workflow/labels';
import { DecisionComment } from '@/components/gate-card';
import { useColorScheme } from '@/components/hooks/use-color-scheme';
import { Markdown } from '@/components/markdown';
import { Alert, Badge, Button, Card } from '@/components/ui';
import { useReviewPort } from './use-review-port';

const gateTitles: Record<ReviewView['gate']['type'], string> = {
  approval: 'Approval',
  review: 'Review',
  'sign-off': 'Sign-off',
  handoff: 'Handoff check',
};

function DecidedElsewhere({ view, onClose }: { view: ReviewView; onClose: () => void }) {
  const decided = view.decided!;
  const what = decided.type === 'gate.approved' ? 'approved' : decided.type === 'gate.rejected' ? 'rejected' : 'no longer waiting';
  return (
    <Alert tone="info" data-testid="review-decided-elsewhere" className="flex flex-col gap-2 text-sm">
      <p>
        “{view.stepTitle}” was {what}
        {decided.by ? ` by ${decided.by}` : ''} elsewhere while this window was open. Nothing was recorded here.
      </p>
      {decided.comment ? <p className="text-xs">Comment: {decided.comment}</p> : null}
      <div>
        <Button size="sm" onClick={onClose} data-testid="review-close">
          Close
        </Button>
      </div>
    </Alert>
  );
}

/**
 * The review window: the one place outside the options page where a gate is decided. It is a
 * top-level extension window, so no web page can draw over it; what the person sees here is what they
 * decide. Enter in the comment makes a new line (focus starts there, so a stray Enter cannot approve);
 * Escape closes the window without deciding.
 */
export function ReviewApp() {
  useColorScheme();
  const { state, error, decided, pending: sending, send } = useReviewPort();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && event.isTrusted) send({ kind: 'close' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [send]);

  const view = state.kind === 'ready' ? state.view : null;
  useEffect(() => {
    if (view) document.title = `Review: ${view.stepTitle} — ${view.taskTitle}`;
  }, [view]);

  if (state.kind === 'loading') return <main className="p-4 text-sm" data-testid="review-window" data-state="loading" />;
  if (!view) {
    return (
      <main className="p-4" data-testid="review-window" data-state="unbound">
        <Alert tone="warning">This window is not open for a waiting gate. Open it with Approve or Reject in the ConvOps panel.</Alert>
      </main>
    );
  }

  const confirm = (decision: 'approve' | 'reject') => (event: MouseEvent<HTMLButtonElement>) => {
    if (!event.isTrusted || sending) return;
    if (decision === 'reject' && !comment.trim()) {
      setProblem(REJECT_NEEDS_COMMENT);
      return;
    }
    setProblem(null);
    send({ kind: 'decide', decision, comment: comment.trim(), rev: view.rev });
  };

  const waiting = view.decided === null && !decided;
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-3 p-4" data-testid="review-window" data-state={waiting ? 'waiting' : 'decided'} data-task-id={view.taskId}>
      <header className="flex flex-col gap-0.5">
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          ConvOps review · {view.workflowName} · step {view.stepNumber} of {view.stepCount}
        </p>
        <h1 className="text-base font-semibold" data-testid="review-task-title">
          {view.taskTitle}
        </h1>
        <div className="flex items-center gap-2">
          <h2 className="text-sm font-medium" data-testid="review-step-title">
            {view.stepTitle}
          </h2>
          <Badge tone="warning">{gateTitles[view.gate.type]}</Badge>
        </div>
      </header>

      <div className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950/40 dark:text-amber-100" data-testid="review-ask">
        <span className="font-medium">What to check: </span>
        {view.gate.ask}
      </div>

      <Card data-testid="review-result" className="flex max-h-[45vh] flex-col gap-1 overflow-auto">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          {view.resultTitle === view.stepTitle ? 'Result of this step' : `Result of “${view.resultTitle}”`}
        </h3>
        {view.result ? (
          <>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              {view.result.source === 'captured' ? 'Reply of' : 'Note by'} {view.result.by} · {new Date(view.result.at).toLocaleString()}
            </p>
            <Markdown source={view.result.body} className="text-sm" />
          </>
        ) : (
          <p className="text-sm text-zinc-700 dark:text-zinc-300">No result was recorded for this step. Check the conversation before you decide.</p>
        )}
      </Card>

      {view.secondOpinion !== undefined ? (
        <Card data-testid="second-opinion" className="flex max-h-[35vh] flex-col gap-1 overflow-auto border-violet-300 dark:border-violet-700">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            {view.secondOpinion ? `${view.secondOpinion.by}’s review` : 'The second opinion'} — it informs you; you decide
          </h3>
          {view.secondOpinion ? <Markdown source={view.secondOpinion.body} className="text-sm" /> : <p className="text-sm">No review was kept.</p>}
        </Card>
      ) : null}

      {decided ? (
        <Alert tone="success" data-testid="review-done">
          Recorded. This window closes now.
        </Alert>
      ) : !waiting ? (
        <DecidedElsewhere view={view} onClose={() => send({ kind: 'close' })} />
      ) : (
        <>
          <DecisionComment label="Comment (required to reject; goes into the next briefing)" value={comment} onChange={setComment} rows={4} autoFocus />
          {problem ? <Alert tone="error">{problem}</Alert> : null}
          {error ? (
            <Alert tone="error" data-testid="review-error">
              {error}
            </Alert>
          ) : null}
          {view.actorName ? (
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              Recorded as <span className="font-medium">{view.actorName}</span> in the audit trail.
            </p>
          ) : (
            <Alert tone="warning">Enter your name in the ConvOps panel first: the audit trail records who decided.</Alert>
          )}
          <div className="flex flex-wrap gap-2">
            <Button data-testid="confirm-approve" variant="primary" disabled={sending || !view.actorName} onClick={confirm('approve')}>
              Approve
            </Button>
            <Button data-testid="confirm-reject" variant="danger" disabled={sending || !view.actorName} onClick={confirm('reject')}>
              Reject → {view.rejectTo}
            </Button>
            <Button variant="ghost" onClick={() => send({ kind: 'close' })}>
              Close (Esc)
            </Button>
          </div>
        </>
      )}
    </main>
  );
}
