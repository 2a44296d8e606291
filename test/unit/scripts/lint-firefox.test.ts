import { describe, expect, it } from 'vitest';
import { judgeLint, type LintItem } from '../../../scripts/lint-firefox.mjs';

const report = (warnings: LintItem[], errors: LintItem[] = []) => ({ summary: { errors: errors.length, warnings: warnings.length, notices: 0 }, errors, warnings, notices: [] });
const innerHtml = (file: string): LintItem => ({ code: 'UNSAFE_VAR_ASSIGNMENT', message: 'Unsafe assignment to innerHTML', file, line: 9 });

describe('lint:firefox, what AMO reviewers would see', () => {
  it('accepts the bundled libraries’ known warnings, each with its reason', () => {
    const { known, unexpected } = judgeLint(report([innerHtml('chunks/ui-Dt9tkBh7.js'), innerHtml('chunks/markdown-Bdua5W83.js')]));
    expect(unexpected).toEqual([]);
    expect(known.map((item) => item.why)).toEqual([expect.stringContaining('React DOM'), expect.stringContaining('entity decoder')]);
  });

  it('fails on an eval anywhere (what PouchDB’s scopeEval brought in once, unnoticed)', () => {
    const { unexpected } = judgeLint(report([{ code: 'DANGEROUS_EVAL', message: 'The Function constructor is eval.', file: 'background.js', line: 786 }]));
    expect(unexpected).toEqual([expect.objectContaining({ code: 'DANGEROUS_EVAL', kind: 'warning' })]);
  });

  it('fails on innerHTML outside those libraries’ chunks, and on any error', () => {
    const { unexpected } = judgeLint(report([innerHtml('background.js'), innerHtml('chunks/panel-abc.js')], [{ code: 'MANIFEST_FIELD_INVALID', message: 'bad' }]));
    expect(unexpected.map((item) => `${item.kind} ${item.code} ${item.file ?? ''}`)).toEqual(['error MANIFEST_FIELD_INVALID ', 'warning UNSAFE_VAR_ASSIGNMENT background.js', 'warning UNSAFE_VAR_ASSIGNMENT chunks/panel-abc.js']);
  });
});
