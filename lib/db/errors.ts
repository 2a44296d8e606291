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

/**
 * A workflow save that does not match what the editor started from: a "create" whose id exists, or an
 * edit of version n when someone saved n+1 meanwhile (another tab, an import). Nothing was written.
 */
export class StaleWorkflowError extends Error {
  readonly code = 'stale-workflow';
  constructor(
    readonly workflowId: string,
    /** `null`: the caller was creating the workflow. */
    readonly expectedVersion: number | null,
    readonly actualVersion: number,
  ) {
    super(
      expectedVersion === null
        ? `A workflow with the id "${workflowId}" already exists. Choose another id under Advanced, or open that workflow to edit it.`
        : `This workflow was saved as version ${actualVersion} somewhere else (another tab or window) after you opened version ${expectedVersion}. Your changes were not saved: reload the page to see version ${actualVersion}, then make them again.`,
    );
    this.name = 'StaleWorkflowError';
  }
}

import type { ValidationIssue } from '@/lib/workflow/validate';

export type { ValidationIssue };

export class WorkflowValidationError extends Error {
  readonly code = 'invalid-workflow';
  constructor(readonly issues: ValidationIssue[]) {
    super(`The workflow is not valid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'WorkflowValidationError';
  }
}

/** An error whose sentence is all there is to say: its class names what went wrong. */
abstract class SentenceError extends Error {
  abstract readonly code: string;
}

export class ImportError extends SentenceError {
  readonly code = 'import-failed';
  override readonly name = 'ImportError';
}

export class NoteRuleError extends SentenceError {
  readonly code = 'note-rule';
  override readonly name = 'NoteRuleError';
}

export class BackupError extends SentenceError {
  readonly code = 'invalid-backup';
  override readonly name = 'BackupError';
}
