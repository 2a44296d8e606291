import { LIMITS } from '@/lib/workflow/schema';
import { describeIssue, findHtml, formatPath, suggest, unknownVariables, validateWorkflow, type ValidationIssue } from '@/lib/workflow/validate';

const base = () => ({
  id: 'sop-documentation',
  name: 'SOP Documentation',
  version: 1,
  steps: [
    { id: 'capture-process', title: 'Capture', instructions: 'Capture {{task.title}} on {{ date }}.' },
    { id: 'draft-sop', title: 'Draft', instructions: 'Draft it.', reads: ['capture-process'] },
    { id: 'walkthrough', title: 'Walkthrough', instructions: 'Check.', reads: ['draft-sop'], gate: { type: 'approval', ask: 'OK?', onReject: 'draft-sop' } },
  ] as Array<Record<string, unknown>>,
});

function issuesOf(input: unknown, path?: string): ValidationIssue[] {
  const result = validateWorkflow(input, path);
  if (result.ok) throw new Error('expected validation to fail');
  return result.issues;
}
const messages = (input: unknown) => issuesOf(input).map((i) => i.message);

describe('validateWorkflow', () => {
  test('accepts a valid workflow and fills defaults', () => {
    const result = validateWorkflow(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.workflow.category).toBe('General');
    expect(result.workflow.standards).toEqual([]);
    expect(result.workflow.steps[0]).toMatchObject({ capture: true, reads: [] });
  });

  test('a gate may send the task back to its own step', () => {
    const wf = base();
    wf.steps[2]!.gate = { type: 'review', ask: 'OK?', onReject: 'walkthrough' };
    expect(validateWorkflow(wf).ok).toBe(true);
  });

  test('typo in onReject names the path and suggests the step', () => {
    const wf = base();
    wf.steps[2]!.gate = { type: 'approval', ask: 'OK?', onReject: 'drfat-sop' };
    expect(issuesOf(wf)).toMatchObject([
      { path: 'steps[2].gate.onReject', message: 'steps[2].gate.onReject: "drfat-sop" is not a step of this workflow; did you mean "draft-sop" (step 2 “Draft”)?' },
    ]);
  });

  test('onReject may not point forward', () => {
    const wf = base();
    wf.steps[1]!.gate = { type: 'approval', ask: 'OK?', onReject: 'walkthrough' };
    expect(messages(wf)).toEqual([
      'steps[1].gate.onReject: "walkthrough" is step 3 “Walkthrough”, which comes after this step; a rejection can only send the task back to this step or an earlier one.',
    ]);
  });

  test('reads must name earlier steps, never the step itself or a later one', () => {
    const wf = base();
    wf.steps[1]!.reads = ['draft-sop', 'walkthrough', 'captur', 'zzzzzzzzzz'];
    expect(messages(wf)).toEqual([
      'steps[1].reads[0]: a step cannot read its own notes; remove "draft-sop" from what it reads.',
      'steps[1].reads[1]: "walkthrough" is step 3 “Walkthrough”, which comes after this step; a step can only read the notes of earlier steps.',
      'steps[1].reads[2]: "captur" is not a step of this workflow; did you mean "capture-process" (step 1 “Capture”)?',
      'steps[1].reads[3]: "zzzzzzzzzz" is not a step of this workflow; write the id of one of its steps.',
    ]);
  });

  test('step ids must be unique', () => {
    const wf = base();
    wf.steps[2]!.id = 'capture-process';
    wf.steps[2]!.gate = undefined;
    expect(messages(wf)).toContain('steps[2].id: "capture-process" is already the id of step 1 “Capture”; every step needs its own id.');
  });

  test('unknown variables are reported with a suggestion and the list of known ones', () => {
    const wf = base();
    wf.steps[0]!.instructions = 'Hello {{task.titel}} and {{nonsense.thing}} and {{task.titel}}';
    const found = messages(wf);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^steps\[0\]\.instructions: \{\{task\.titel\}\} is not a variable ConvOps can fill; did you mean \{\{task\.title\}\}\? Known variables: \{\{task\.title\}\}, \{\{date\}\}/);
    expect(found[1]).toMatch(/^steps\[0\]\.instructions: \{\{nonsense\.thing\}\} is not a variable ConvOps can fill\. Known/);
  });

  test('raw HTML in instructions, gate questions and standards is refused; code and autolinks are fine', () => {
    const wf = { ...base(), standards: ['Be <b>bold</b>'] };
    wf.steps[0]!.instructions = 'Run this <script>alert(1)</script>';
    wf.steps[2]!.gate = { type: 'approval', ask: 'OK? <img src=x onerror=alert(1)>' };
    expect(messages(wf)).toEqual([
      'standards[0]: contains HTML (<b>); ConvOps standards are Markdown and HTML is not allowed.',
      'steps[0].instructions: contains HTML (<script>); ConvOps instructions are Markdown and HTML is not allowed.',
      'steps[2].gate.ask: contains HTML (<img src=x onerror=alert(1)>); ConvOps gate questions are Markdown and HTML is not allowed.',
    ]);
    const ok = base();
    ok.steps[0]!.instructions = 'Use `<br>` or:\n\n```html\n<div>hi</div>\n```\n\nSee <https://example.com>, and 3 < 4 > 2.';
    expect(validateWorkflow(ok).ok).toBe(true);
    expect(findHtml('<!-- hidden -->')).toBe('<!--');
  });

  describe('Zod problems become sentences', () => {
    test('missing fields', () => {
      expect(messages({ id: 'x', version: 1, steps: [{ id: 'a', instructions: '' }] })).toEqual([
        'name: "name" is required but missing; add it as text.',
        'steps[0].title: "title" is required but missing; add it as text.',
      ]);
    });

    test('wrong types', () => {
      expect(messages({ ...base(), name: 5, version: 1.5, standards: 'be nice' })).toEqual([
        'name: should be text, but is a whole number.',
        'version: should be a whole number, but is a number.',
        'standards: should be a list, but is text.',
      ]);
      expect(messages(null)).toEqual(['Should be an object (a set of named fields), but is empty (null).']);
      expect(messages(undefined)[0]).toMatch(/^Expected a workflow/);
      expect(messages({ ...base(), steps: [true] })).toEqual(['steps[0]: should be an object (a set of named fields), but is true/false.']);
    });

    test('too long, with the length and the limit', () => {
      const wf = base();
      wf.steps[0]!.instructions = 'x'.repeat(LIMITS.instructionsLength + 1);
      expect(messages(wf)).toEqual(['steps[0].instructions: is too long (20,001 characters; the limit is 20,000); shorten it.']);
      const many = { ...base(), standards: Array.from({ length: LIMITS.standardsCount + 1 }, () => 'Rule') };
      expect(messages(many)).toEqual(['standards: has too many entries (51; the limit is 50).']);
    });

    test('empty text, empty steps, small numbers', () => {
      expect(messages({ ...base(), name: '  ' })).toEqual(['name: give the workflow a name.']);
      expect(messages({ ...base(), steps: [] })).toEqual(['steps: a workflow needs at least one step.']);
      expect(messages({ ...base(), version: 0 })).toEqual(['version: must be at least 1.']);
    });

    test('bad slugs', () => {
      const wf = { ...base(), id: 'My Workflow' };
      expect(issuesOf(wf)).toMatchObject([
        { path: 'id', message: 'id: "My Workflow" cannot be an id; write it in lowercase letters, digits and single dashes (for example "draft-sop" for a step called “Draft SOP”).' },
      ]);
    });

    test('a step named by its title where its id belongs is told which id to write', () => {
      const wf = base();
      wf.steps[1]!.reads = ['Capture'];
      expect(messages(wf)).toEqual(['steps[1].reads[0]: "Capture" is the title of step 1; write its id "capture-process" here instead.']);
    });

    test('unknown keys, with a suggestion for a near miss', () => {
      const wf = base() as Record<string, unknown> & ReturnType<typeof base>;
      wf.descripton = 'typo';
      wf.steps[0]!.instruction = 'typo';
      wf.steps[2]!.gate = { type: 'approval', ask: 'OK?', onreject: 'draft-sop', colour: 'red' };
      expect(messages(wf)).toEqual([
        'steps[0].instruction: "instruction" is not a field ConvOps knows; did you mean "instructions"?',
        'steps[2].gate.onreject: "onreject" is not a field ConvOps knows; did you mean "onReject"?',
        'steps[2].gate.colour: "colour" is not a field ConvOps knows; remove it (known fields: type, ask, onReject, decidedBy).',
        'descripton: "descripton" is not a field ConvOps knows; did you mean "description"?',
      ]);
    });

    test('unknown gate type suggests the closest', () => {
      const wf = base();
      wf.steps[2]!.gate = { type: 'aproval', ask: 'OK?' };
      expect(messages(wf)).toEqual(['steps[2].gate.type: "aproval" is not allowed here; use one of approval, review, sign-off, handoff. Did you mean "approval"?']);
    });

    test('a path prefix is applied to every issue', () => {
      const wf = base();
      wf.steps[2]!.gate = { type: 'approval', ask: 'OK?', onReject: 'nope' };
      expect(issuesOf({ ...wf, name: '' }, 'workflows[3]').map((i) => i.path)).toEqual(['workflows[3].name', 'workflows[3].steps[2].gate.onReject']);
    });
  });
});

describe('issues in plain words, located by title', () => {
  test('empty required fields say what to do, and the editor can show the sentence without the path', () => {
    const wf = base();
    wf.steps[1]!.title = ' ';
    wf.steps[2]!.gate = { type: 'approval', ask: '' };
    const found = issuesOf({ ...wf, name: '' });
    expect(found.map((i) => i.sentence)).toEqual(['Give the workflow a name.', 'Give this step a title.', 'Say what the person must check at this gate.']);
    expect(found.map((i) => i.message)).toEqual([
      'name: give the workflow a name.',
      'steps[1].title: give this step a title.',
      'steps[2].gate.ask: say what the person must check at this gate.',
    ]);
  });

  test('an empty id is one problem, not two', () => {
    const wf = base();
    wf.steps[0]!.id = '';
    wf.steps[1]!.reads = [];
    expect(issuesOf(wf).map((i) => i.sentence)).toEqual(['Give this step an id (it is made from the title).']);
  });

  test('in the editor a problem names its step by number and title', () => {
    const wf = base();
    wf.steps[2]!.gate = { type: 'approval', ask: 'OK?', onReject: 'nope' };
    const [found] = issuesOf({ ...wf, name: '' }).slice(1);
    expect(found?.where).toBe('Step 3 “Walkthrough”');
    expect(issuesOf({ ...wf, name: '' })[0]?.where).toBeUndefined();
  });

  test('in a file a problem names the workflow and the step by title, then the place', () => {
    const wf = base();
    wf.steps[2]!.gate = { type: 'approval', ask: 'OK?', onReject: 'nope' };
    const [found] = issuesOf(wf, 'workflows[1]');
    expect(found?.where).toBe('“SOP Documentation”, step 3 “Walkthrough”');
    // In words, with no path: the path stays on the issue for the details a person may open.
    expect(describeIssue(found!)).toBe(
      '“SOP Documentation”, step 3 “Walkthrough”, the step a rejection sends the work back to: "nope" is not a step of this workflow; write the id of one of its steps.',
    );
    expect(found!.message).toBe('workflows[1].steps[2].gate.onReject: "nope" is not a step of this workflow; write the id of one of its steps.');
    const [reads] = issuesOf({ ...wf, steps: wf.steps.map((s, i) => (i === 2 ? { ...s, gate: undefined, reads: ['drfat-sop'] } : s)) }, 'workflows[0]');
    expect(describeIssue(reads!)).toBe(
      '“SOP Documentation”, step 3 “Walkthrough”, the first earlier result it reads: "drfat-sop" is not a step of this workflow; did you mean "draft-sop" (step 2 “Draft”)?',
    );
    expect(describeIssue(reads!)).not.toMatch(/workflows\[|steps\[/);
    // No name: the id stands in; a step without a title is named by its number.
    const untitled = { ...base(), name: '' };
    untitled.steps[0]!.title = '';
    expect(issuesOf(untitled, 'workflows[0]').map((i) => i.where)).toEqual(['“sop-documentation”', '“sop-documentation”, step 1']);
  });
});

describe('helpers', () => {
  test('formatPath', () => {
    expect(formatPath(['steps', 2, 'gate', 'onReject'])).toBe('steps[2].gate.onReject');
    expect(formatPath([0, 'id'], 'workflows')).toBe('workflows[0].id');
    expect(formatPath([])).toBe('');
  });
  test('suggest only offers near misses', () => {
    expect(suggest('draft-sp', ['draft-sop', 'publish'])).toBe('draft-sop');
    expect(suggest('xyz', ['draft-sop'])).toBeUndefined();
    expect(suggest('publish', ['publish'])).toBeUndefined();
  });
  test('unknownVariables', () => {
    expect(unknownVariables('{{ task.title }} {{foo}} {{step.count}} {{foo}}')).toEqual(['foo']);
  });
});
