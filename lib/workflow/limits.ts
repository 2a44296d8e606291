/**
 * Size limits of a workflow and of what a task carries. Kept apart from the Zod schemas so that the
 * panel, which carries no Zod, can check a value's length with the same numbers.
 */
export const LIMITS = {
  idLength: 64,
  nameLength: 120,
  descriptionLength: 2_000,
  categoryLength: 60,
  roleLength: 60,
  instructionsLength: 20_000,
  askLength: 2_000,
  standardLength: 2_000,
  standardsCount: 50,
  inputsCount: 30,
  inputNameLength: 40,
  hintLength: 500,
  choicesCount: 30,
  /** A long-text value: a pasted log or description, not a document. */
  inputValueLength: 20_000,
  stepsCount: 100,
  workflowsPerFile: 500,
} as const;
