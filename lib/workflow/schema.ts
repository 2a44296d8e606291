import { z } from 'zod';
import { LIMITS } from './limits';

/**
 * The workflow definition: the single source of its types. Cross-field rules (unique step ids,
 * references to earlier steps, known variables) live in `validate.ts`, which turns every problem into
 * a sentence with a path.
 */

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export { LIMITS };

export const slugSchema = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(SLUG_PATTERN, 'use lowercase letters, digits and single dashes, like "draft-sop"');

export const GATE_TYPES = ['approval', 'review', 'sign-off', 'handoff'] as const;
export const gateTypeSchema = z.enum(GATE_TYPES);
export type GateType = z.infer<typeof gateTypeSchema>;

/**
 * Who may decide a gate (DESIGN.md rule 1): `anyone` (a person; the default, and what a gate without
 * the field means), `approver` (a person with the approver role in the team workspace's directory),
 * `approver-not-operator` (four-eyes: an approver who is not the task's operator, the person whose
 * browser runs the task and did its steps).
 */
export const GATE_DECIDERS = ['anyone', 'approver', 'approver-not-operator'] as const;
export const gateDeciderSchema = z.enum(GATE_DECIDERS);
export type GateDecider = z.infer<typeof gateDeciderSchema>;

export const gateSchema = z.strictObject({
  type: gateTypeSchema,
  /** What the human must check before deciding. */
  ask: z.string().trim().min(1).max(LIMITS.askLength),
  /** Step to return to on rejection; the gated step itself when absent. */
  onReject: slugSchema.optional(),
  /** Who may decide; absent means `anyone` (files written before the rule keep their meaning). */
  decidedBy: gateDeciderSchema.optional(),
});
export type Gate = z.infer<typeof gateSchema>;

export const stepSchema = z.strictObject({
  id: slugSchema,
  title: z.string().trim().min(1).max(LIMITS.nameLength),
  /** Markdown; may use `{{variables}}`. */
  instructions: z.string().max(LIMITS.instructionsLength),
  role: z.string().trim().min(1).max(LIMITS.roleLength).optional(),
  /** Keep the AI's replies on this step as its notes. */
  capture: z.boolean().default(true),
  /** Earlier steps whose notes this step's briefing carries. */
  reads: z.array(slugSchema).max(LIMITS.stepsCount).default([]),
  gate: gateSchema.optional(),
  /**
   * Which assistant runs this step: `chatgpt` or `claude`; absent or `any`, the task's current site.
   * Absent in older files, which keep their meaning (and their content hash).
   */
  assistant: z.enum(['any', 'chatgpt', 'claude']).optional(),
  /**
   * A second opinion: the earlier step whose result this step reviews. On a gated step, the gate shows
   * that result as what is judged and this step's result beside it; it informs, it never decides.
   */
  reviews: slugSchema.optional(),
});
export type Step = z.infer<typeof stepSchema>;
export type StepInput = z.input<typeof stepSchema>;

export const INPUT_KINDS = ['short-text', 'long-text', 'choice', 'date', 'number', 'link'] as const;
export const inputKindSchema = z.enum(INPUT_KINDS);
export type InputKind = z.infer<typeof inputKindSchema>;

/** An input's name as instructions use it (`{{input.steps-to-reproduce}}`); made from its label. */
export const INPUT_NAME_PATTERN = SLUG_PATTERN;

/**
 * What a task is started with, asked in the panel's start form and used in instructions as
 * `{{input.<name>}}`. Values are data: they are inserted as text, never read as a template.
 */
export const inputSchema = z.strictObject({
  name: z.string().min(1).max(LIMITS.inputNameLength).regex(INPUT_NAME_PATTERN, 'use lowercase letters, digits and single dashes, like "product"'),
  label: z.string().trim().min(1).max(LIMITS.nameLength),
  kind: inputKindSchema.default('short-text'),
  required: z.boolean().default(false),
  hint: z.string().trim().max(LIMITS.hintLength).optional(),
  /** The value the form starts with. */
  default: z.string().max(LIMITS.inputValueLength).optional(),
  /** For `choice`: the options a person picks from. */
  choices: z.array(z.string().trim().min(1).max(LIMITS.nameLength)).max(LIMITS.choicesCount).optional(),
});
export type InputField = z.infer<typeof inputSchema>;

export const workflowSchema = z.strictObject({
  id: slugSchema,
  name: z.string().trim().min(1).max(LIMITS.nameLength),
  /** Bumped on every saved change; tasks pin the version they started with. */
  version: z.number().int().min(1),
  description: z.string().max(LIMITS.descriptionLength).default(''),
  category: z.string().trim().max(LIMITS.categoryLength).default('General'),
  /** Rules added to every step's briefing. */
  standards: z.array(z.string().trim().min(1).max(LIMITS.standardLength)).max(LIMITS.standardsCount).default([]),
  /**
   * What a task is started with. Absent (an older file, or a workflow without inputs) means none; kept
   * absent rather than defaulted so that a stored workflow's content, and its hash, stay what they were.
   */
  inputs: z.array(inputSchema).max(LIMITS.inputsCount).optional(),
  steps: z.array(stepSchema).min(1).max(LIMITS.stepsCount),
});
export type Workflow = z.infer<typeof workflowSchema>;
export type WorkflowInput = z.input<typeof workflowSchema>;

/** Variables a step's instructions may use as `{{name}}`. */
export const TEMPLATE_VARIABLES = [
  'task.title',
  'date',
  'step.title',
  'step.number',
  'step.count',
  'workflow.name',
  'operator',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
