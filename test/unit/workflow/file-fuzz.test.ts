import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { parseWorkflowFile } from '@/lib/workflow/file';
import { serializeWorkflowFile } from '@/lib/workflow/file-format';
import { sop } from './fixtures';
import { damageText, mutate, mutationArb, textDamageArb } from './mutate';

/**
 * The workflow-file fuzz: mutated files, as JSON and YAML text, never make the parser throw, and every
 * refusal says where (a path, or a line and column, or the whole file).
 */

export const WORKFLOW_FUZZ_RUNS = 6_000;
const valid = JSON.parse(serializeWorkflowFile([sop])) as unknown;

function checkRefusalIsLocated(text: string, fileName: string): boolean {
  const result = parseWorkflowFile(text, fileName);
  if (result.ok) return true;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(5);
    expect(issue.message.length).toBeLessThan(2_000);
    // Located: a path into the file, a line and column, or a statement about the file as a whole.
    if (issue.path === '') expect(issue.message).toMatch(/line \d+|this file|file|^[A-Z]/);
    else expect(issue.message.startsWith(issue.path)).toBe(true);
  }
  return true;
}

describe('workflow file fuzz', () => {
  test(`${WORKFLOW_FUZZ_RUNS} mutated files: no exception, every refusal located`, () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, yaml) => {
        const mutated = mutate(valid, mutations);
        // Writing very deep values as YAML is slow in the test's own serialiser; those go in as JSON.
        const asYaml = yaml && !mutations.some((m) => m.kind === 'deep' && m.depth > 70);
        let text: string;
        try {
          text = asYaml ? toYaml(mutated, { aliasDuplicateObjects: false }) : JSON.stringify(mutated);
        } catch {
          // Our own serialiser gave up on the value (too deep for it): the text damage test covers such files.
          return true;
        }
        return checkRefusalIsLocated(text, asYaml ? 'fuzz.yaml' : 'fuzz.convops.json');
      }),
      { numRuns: WORKFLOW_FUZZ_RUNS, seed: 12 },
    );
  }, 120_000);

  test('1,000 damaged texts: no exception, every refusal located', () => {
    const json = serializeWorkflowFile([sop]);
    const yaml = toYaml(valid);
    fc.assert(
      fc.property(textDamageArb, fc.boolean(), (damage, asYaml) => checkRefusalIsLocated(damageText(asYaml ? yaml : json, damage), asYaml ? 'fuzz.yaml' : 'fuzz.json')),
      { numRuns: 1_000, seed: 12 },
    );
  });
});
