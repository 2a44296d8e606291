/**
 * "Start and send step 1": the start view asks for the first briefing to be sent, the task view (which
 * mounts once the task exists) sends it. Kept in this frame only: a reload simply shows "Send step 1".
 */
let pending: string | null = null;

export function requestFirstSend(taskId: string): void {
  pending = taskId;
}

/** True once for the task that asked; later calls are false. */
export function takeFirstSend(taskId: string): boolean {
  if (pending !== taskId) return false;
  pending = null;
  return true;
}
