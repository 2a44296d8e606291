/** Turns what a repository or the engine threw into a sentence for the panel or the options page (both show it). */
export function describeError(error: unknown): { stale: boolean; message: string } {
  const err = error as { name?: string; code?: string; message?: string } | null;
  if (err?.name === 'StaleTaskError' || err?.code === 'stale-task') {
    return {
      stale: true,
      message: 'This task changed in another tab or window, so nothing was done here. The panel now shows its current state; check it and act again if needed.',
    };
  }
  if (err?.name === 'WorkflowRuleError') {
    return { stale: err.code === 'wrong-step' || err.code === 'no-gate-pending' || err.code === 'gate-pending', message: err.message ?? 'Not allowed.' };
  }
  return { stale: false, message: err?.message ?? String(error) };
}

const insertReasons: Record<string, string> = {
  'composer-missing': "The chat's prompt box was not found on this page.",
  'text-did-not-take': "The text did not stay in the chat's prompt box.",
  'reply-streaming': 'A reply is still being written; wait until it finishes.',
  'send-button-missing': 'The text is in the prompt box, but the send button was not found: press Enter or click Send yourself.',
  'site-disabled': 'ConvOps is switched off for this site in the settings.',
};

export function describeInsertFailure(reason: string | undefined, detail?: string): string {
  const base = (reason && insertReasons[reason]) ?? 'The briefing could not be put into the prompt box.';
  return detail ? `${base} (${detail})` : base;
}
