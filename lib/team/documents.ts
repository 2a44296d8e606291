import { z } from 'zod';
import { canonicalJson, sha256Hex } from '@/lib/db/hash-chain';
import type { SigningKeyRow } from '@/lib/db/records';
import { signHash, verifyHashSignature } from '@/lib/db/signing';
import { LIMITS } from '@/lib/workflow/limits';
import { auditEventSchema, isoDateSchema, standardLineSchema } from '@/lib/workflow/records';
import { teamDocId } from './design-doc';

/**
 * The team workspace's documents as the client reads them. Whatever comes from the server is parsed
 * here first (the server's rules are not trusted: an admin, or a broken server, can write anything).
 */

const fingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/);
export const docSignatureSchema = z.strictObject({ key: fingerprintSchema, value: z.string().min(1).max(200) });
export type DocSignature = z.infer<typeof docSignatureSchema>;

const couchFields = { _id: z.string().min(1).max(400), _rev: z.string().optional() };

export const memberDocSchema = z.looseObject({
  ...couchFields,
  kind: z.literal('member'),
  user: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(120),
  roles: z.array(z.string().max(60)).max(10),
  keys: z.array(z.strictObject({ fingerprint: fingerprintSchema, publicKey: z.string().min(1).max(400) })).min(1).max(50),
});
export type MemberDoc = z.infer<typeof memberDocSchema>;

export const workflowVersionDocSchema = z.looseObject({
  ...couchFields,
  kind: z.literal('workflow-version'),
  workflowId: z.string().min(1).max(64),
  version: z.number().int().min(1),
  publishedBy: z.string().min(1).max(200),
  publishedAt: z.string().max(40),
  workflow: z.unknown(),
  signature: docSignatureSchema,
});
export type WorkflowVersionDoc = z.infer<typeof workflowVersionDocSchema>;

/** A published version of the team's standards: one line per rule, as the server also requires. */
export const standardsVersionDocSchema = z.looseObject({
  ...couchFields,
  kind: z.literal('standards-version'),
  version: z.number().int().min(1),
  lines: z
    .array(standardLineSchema.regex(/^[^\r\n]*$/, 'A standard is one line.'))
    .min(1)
    .max(LIMITS.standardsCount),
  publishedBy: z.string().min(1).max(200),
  publishedAt: isoDateSchema,
  signature: docSignatureSchema,
});
export type StandardsVersionDoc = z.infer<typeof standardsVersionDocSchema>;

const taskDocFields = { ...couchFields, owner: z.string().min(1).max(200), taskId: z.string().min(1).max(64) };
export const taskHeadDocSchema = z.looseObject({ ...taskDocFields, kind: z.literal('task-head'), task: z.unknown(), workflow: z.unknown() });
export const taskEventDocSchema = z.looseObject({ ...taskDocFields, kind: z.literal('task-event'), event: auditEventSchema });
export const taskNoteDocSchema = z.looseObject({ ...taskDocFields, kind: z.literal('task-note'), note: z.unknown() });

export const DECISIONS = ['approve', 'reject'] as const;
export const decisionDocSchema = z.looseObject({
  ...couchFields,
  kind: z.literal('decision'),
  gateRequestHash: fingerprintSchema,
  taskOwner: z.string().min(1).max(200),
  taskId: z.string().min(1).max(64),
  stepId: z.string().min(1).max(64),
  decision: z.enum(DECISIONS),
  comment: z.string().max(5_000),
  decidedBy: z.string().min(1).max(200),
  decidedAt: z.string().max(40),
  signature: docSignatureSchema,
});
export type DecisionDoc = z.infer<typeof decisionDocSchema>;

/** What a document's signature covers: everything but CouchDB's own fields and the signature itself. */
export function signedContentHash(doc: Record<string, unknown>): Promise<string> {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'signature' || key === '_rev' || key === '_revisions' || key === '_conflicts' || key === '_deleted') continue;
    content[key] = value;
  }
  return sha256Hex(canonicalJson(content));
}

export async function signDoc<T extends Record<string, unknown>>(doc: T, key: Pick<SigningKeyRow, 'privateKey' | 'fingerprint'>): Promise<T & { signature: DocSignature }> {
  const hash = await signedContentHash(doc);
  return { ...doc, signature: await signHash(key, hash) };
}

/**
 * Checks a signed document against the member directory: signed by a key listed for `user`, whose
 * entry has `role` (when one is asked). Returns the signer's entry, or the reason it does not add up.
 */
export async function checkSignedBy(
  doc: Record<string, unknown> & { signature: DocSignature },
  user: string,
  directory: ReadonlyMap<string, MemberDoc>,
  role?: string,
): Promise<{ ok: true; member: MemberDoc; hash: string } | { ok: false; reason: string }> {
  const member = directory.get(user);
  if (!member) return { ok: false, reason: `"${user}" is not in the team's member directory.` };
  const key = member.keys.find((k) => k.fingerprint === doc.signature.key);
  if (!key) return { ok: false, reason: `it is signed with a key that is not ${member.name}'s in the member directory.` };
  const hash = await signedContentHash(doc);
  if (!(await verifyHashSignature(key.publicKey, hash, doc.signature.value))) {
    return { ok: false, reason: `its signature does not match its content: it was changed after ${member.name} signed it.` };
  }
  if (role && !member.roles.includes(role)) return { ok: false, reason: `${member.name} does not have the ${role} role in the team.` };
  return { ok: true, member, hash };
}

export { teamDocId };
