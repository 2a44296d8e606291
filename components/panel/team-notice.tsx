import type { TeamPanelStatus } from '@/lib/team/sharing';

/**
 * One line at the top of the panel while the team workspace cannot be reached: since when, and that
 * nothing is lost (the background keeps every change in its outbox and sends it when the workspace
 * answers again). A refused session (expired or revoked) says where to sign in again. Gone when the
 * workspace is back; nothing at all without a workspace.
 */
export function teamNoticeText(status: TeamPanelStatus | null | undefined, now: Date = new Date()): string | null {
  if (!status || status.state === 'connected') return null;
  const since = new Date(status.since);
  const time = since.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const when = since.toDateString() === now.toDateString() ? time : `${since.toLocaleDateString()} ${time}`;
  if (status.state === 'offline') return `Team workspace offline since ${when} — your work is kept here and sent when it is back.`;
  return `Team workspace: your session ended at ${when} (expired or revoked). Sign in again on the Team page of ConvOps's options; your changes are kept here and sent then.`;
}

export function TeamNotice({ status }: { status: TeamPanelStatus | null | undefined }) {
  const text = teamNoticeText(status);
  if (!text || !status) return null;
  return (
    <p
      role="status"
      data-testid="team-offline"
      data-state={status.state}
      className="mx-3 mt-2 rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-xs text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      {text}
    </p>
  );
}
