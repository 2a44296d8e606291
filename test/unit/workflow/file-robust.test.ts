import { parseWorkflowFile } from '@/lib/workflow/file';
import { describeUntrusted, tooDeepAt, MAX_FILE_DEPTH } from '@/lib/workflow/file-format';

/** A JSON text nesting `depth` lists inside the given key of an otherwise plausible workflow file. */
function deepFile(key: 'format' | 'formatVersion' | 'workflows', depth: number): string {
  const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const fields: Record<string, string> = { format: '"convops.workflows"', formatVersion: '1', workflows: '[]' };
  fields[key] = deep;
  return `{"format":${fields.format},"formatVersion":${fields.formatVersion},"workflows":${fields.workflows}}`;
}

describe('parseWorkflowFile on hostile nesting', () => {
  test.each(['format', 'formatVersion', 'workflows'] as const)('a 400,000-deep "%s" is refused with a located message, no RangeError', (key) => {
    const result = parseWorkflowFile(deepFile(key, 400_000), 'deep.convops.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]!.path.startsWith(key)).toBe(true);
    expect(result.issues[0]!.message).toMatch(/nests more than 64 levels deep/);
  });

  test('a deep object in YAML is refused with a message', () => {
    const yaml = `format: convops.workflows\nformatVersion: 1\nworkflows: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const result = parseWorkflowFile(yaml, 'deep.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message.length).toBeGreaterThan(10);
  });

  test('a format value that is a large object is described, not printed', () => {
    const big = { a: 'x'.repeat(100_000) };
    const result = parseWorkflowFile(JSON.stringify({ format: big, formatVersion: 1, workflows: [] }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]!.message).toContain('an object is not a ConvOps workflow file format');
      expect(result.issues[0]!.message.length).toBeLessThan(300);
    }
  });
});

describe('tooDeepAt / describeUntrusted', () => {
  test('finds the first path nested past the limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < MAX_FILE_DEPTH + 1; i += 1) value = { a: value };
    expect(tooDeepAt({ ok: [1, 2], deep: value })).toBe('deep.a.a.a.a.a…');
    expect(tooDeepAt({ ok: [1, [2, [3]]] })).toBeUndefined();
  });

  test('describes without stringifying whole', () => {
    expect(describeUntrusted('x'.repeat(100))).toHaveLength(62);
    expect(describeUntrusted([1, 2])).toBe('a list of 2 items');
    expect(describeUntrusted(undefined)).toBe('missing');
    expect(describeUntrusted(2.5)).toBe('2.5');
  });
});
