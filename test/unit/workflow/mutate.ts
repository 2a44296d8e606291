import fc from 'fast-check';

/**
 * Mutations of a valid ConvOps file, as a careless or hostile editor makes them: a value replaced by
 * another of any type (deep nesting and odd strings included), a field removed or added, a list item
 * dropped or repeated, a number nudged, a string edited. Used by the import fuzz tests.
 */

type Json = unknown;

export type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'remove'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'duplicate'; at: number }
  | { kind: 'nudge'; at: number; by: number }
  | { kind: 'edit'; at: number; text: string }
  | { kind: 'deep'; at: number; depth: number };

const oddStrings = fc.constantFrom('', ' ', '\u0000', '<script>alert(1)</script>', '=cmd()', '\uff1d1', 'completed', 'approved', 'gate.approved', '__proto__', 'constructor', 'x'.repeat(70_000), '💥');

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: oddStrings },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, [], {}) },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: jsonValue }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'status', 'hash', 'signature')), value: jsonValue }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('nudge' as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(70, 300, 1_000) }),
);

/** Every container and leaf of a JSON value, with its parent and key, in a stable order. */
function slots(root: Json): Array<{ parent: Record<string, Json> | Json[]; key: string | number; value: Json }> {
  const out: Array<{ parent: Record<string, Json> | Json[]; key: string | number; value: Json }> = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      node.forEach((value, key) => {
        out.push({ parent: node, key, value });
        stack.push(value);
      });
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        out.push({ parent: node as Record<string, Json>, key, value });
        stack.push(value);
      }
    }
  }
  return out;
}

function nested(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { k: value };
  return value;
}

/** Applies mutations to a deep copy of `file`. */
export function mutate<T>(file: T, mutations: readonly Mutation[]): Json {
  const copy = JSON.parse(JSON.stringify(file)) as Json;
  for (const mutation of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const slot = all[mutation.at % all.length]!;
    const set = (value: Json) => {
      if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
      else Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, configurable: true, writable: true });
    };
    switch (mutation.kind) {
      case 'replace':
        set(mutation.value);
        break;
      case 'remove':
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete slot.parent[slot.key as string];
        break;
      case 'add':
        if (slot.value && typeof slot.value === 'object' && !Array.isArray(slot.value)) {
          Object.defineProperty(slot.value, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
        } else if (Array.isArray(slot.value)) slot.value.push(mutation.value);
        break;
      case 'duplicate':
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 0, slot.value ?? null);
        break;
      case 'nudge':
        if (typeof slot.value === 'number') set(slot.value + mutation.by);
        break;
      case 'edit':
        if (typeof slot.value === 'string') set(slot.value.slice(0, Math.max(0, slot.value.length - 1)) + mutation.text);
        break;
      case 'deep':
        set(nested(mutation.depth));
        break;
    }
  }
  return copy;
}

/** Text-level damage: truncation or a character inserted somewhere (for parsers of text). */
export const textDamageArb = fc.record({ at: fc.nat(), cut: fc.boolean(), insert: fc.constantFrom('', ',', '"', '{', ']', '\\', ':', '\n- ', '&a', '*a', '!!js/function') });

export function damageText(text: string, damage: { at: number; cut: boolean; insert: string }): string {
  const position = damage.at % Math.max(1, text.length);
  return damage.cut ? text.slice(0, position) : text.slice(0, position) + damage.insert + text.slice(position);
}
