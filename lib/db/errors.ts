/** Errors the repositories throw. Each carries a `code` the UI can branch on and a sentence it can show. */

/** Named apart from IndexedDB's own `NotFoundError`, which Dexie would otherwise substitute for it. */
export class RecordNotFoundError extends Error {
  readonly code = 'not-found';
  constructor(
    readonly entity: 'task' | 'workflow' | 'workflow-version' | 'note',
    readonly key: string,
  ) {
    super(`No ${entity.replace('-', ' ')} "${key}".`);
    this.name = 'RecordNotFoundError';
  }
}

/** The task changed since the caller read it (another tab or window acted first). Nothing was written. */
export class StaleTaskError extends Error {
  readonly code = 'stale-task';
  constructor(
    readonly taskId: string,
    readonly expectedRev: number,
    readonly actualRev: number,
  ) {
    super(`Task "${taskId}" changed in the meantime (revision ${actualRev}, you saw ${expectedRev}). Reload it and try again.`);
    this.name = 'StaleTaskError';
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export class WorkflowValidationError extends Error {
  readonly code = 'invalid-workflow';
  constructor(readonly issues: ValidationIssue[]) {
    super(`The workflow is not valid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'WorkflowValidationError';
  }
}

export class ImportError extends Error {
  readonly code = 'import-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export class NoteRuleError extends Error {
  readonly code = 'note-rule';
  constructor(message: string) {
    super(message);
    this.name = 'NoteRuleError';
  }
}

export class BackupError extends Error {
  readonly code = 'invalid-backup';
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}
