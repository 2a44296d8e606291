import fc from 'fast-check';
import { completionLine, detectCompletionLine, mayBeCompletionLine } from '@/lib/workflow/completion-line';

const steps = [
  { id: 'capture-process', title: 'Capture the process' },
  { id: 'draft-sop', title: 'Draft SOP' },
  { id: 'walkthrough', title: 'Walkthrough (with the team)' },
];

const summary = '## Captured process\n\n1. Open the ticket.\n2. Call the customer.';

describe('completion line: counted', () => {
  const variants: Array<[string, string]> = [
    ['plain', `${summary}\n\nConvOps: step complete (capture-process)`],
    ['bold', `${summary}\n\n**ConvOps: step complete (capture-process)**`],
    ['bold prefix only', `${summary}\n\n**ConvOps: step complete** (capture-process)`],
    ['italic', `${summary}\n\n_ConvOps: step complete (capture-process)_`],
    ['star italic', `${summary}\n\n*ConvOps: step complete (capture-process)*`],
    ['inline code', `${summary}\n\n\`ConvOps: step complete (capture-process)\``],
    ['bold inline code', `${summary}\n\n**\`ConvOps: step complete (capture-process)\`**`],
    ['checkmark emoji', `${summary}\n\n✅ ConvOps: step complete (capture-process)`],
    ['check mark', `${summary}\n\n✔️ **ConvOps: step complete (capture-process)**`],
    ['other case', `${summary}\n\nCONVOPS: STEP COMPLETE (Capture-Process)`],
    ['lower case', `${summary}\n\nconvops: step complete (capture-process)`],
    ['extra spaces', `${summary}\n\n   ConvOps :  step   complete  (  capture-process )  `],
    ['trailing stop', `${summary}\n\nConvOps: step complete (capture-process).`],
    ['trailing stop outside bold', `${summary}\n\n**ConvOps: step complete (capture-process)**.`],
    ['trailing blank lines', `${summary}\n\nConvOps: step complete (capture-process)\n\n\n`],
    ['CRLF', `${summary.replace(/\n/g, '\r\n')}\r\n\r\nConvOps: step complete (capture-process)\r\n`],
    ['turndown escapes', `${summary}\n\nConvOps: step complete \\(capture\\-process\\)`],
    ['soft line break after text', `That is everything I need.\nConvOps: step complete (capture-process)`],
    ['after a closed fence', `${summary}\n\n\`\`\`\ncode\n\`\`\`\n\nConvOps: step complete (capture-process)`],
    ['alone', 'ConvOps: step complete (capture-process)'],
  ];
  test.each(variants)('%s', (_name, reply) => {
    expect(detectCompletionLine(reply)?.stepId).toBe('capture-process');
  });

  test('the body is the reply without the line', () => {
    expect(detectCompletionLine(`${summary}\n\n**ConvOps: step complete (capture-process)**\n`)?.body).toBe(summary);
    expect(detectCompletionLine('ConvOps: step complete (capture-process)')?.body).toBe('');
  });

  test('the line of the earlier form is read without the steps (tasks briefed before the titled form)', () => {
    expect(detectCompletionLine('ConvOps: step complete (draft-sop)', [])?.stepId).toBe('draft-sop');
    expect(detectCompletionLine('ConvOps: step complete (draft-sop)', steps)?.stepId).toBe('draft-sop');
  });

  test('another step id is reported as that id (the caller decides it does not count)', () => {
    expect(detectCompletionLine(`${summary}\n\nConvOps: step complete (draft-sop)`)?.stepId).toBe('draft-sop');
  });
});

describe('completion line: near misses that do not count', () => {
  const misses: Array<[string, string]> = [
    ['mention inside a sentence', `${summary}\n\nI will end with \`ConvOps: step complete (capture-process)\` when we are done.`],
    ['mention with a lead-in', `${summary}\n\nWhen done I say ConvOps: step complete (capture-process)`],
    ['not the last non-empty line', `ConvOps: step complete (capture-process)\n\nFirst, what sets the process off?`],
    ['followed by a question', `${summary}\n\nConvOps: step complete (capture-process)\nAnything else?`],
    ['quoted', `${summary}\n\n> ConvOps: step complete (capture-process)`],
    ['quoted bold', `${summary}\n\n> **ConvOps: step complete (capture-process)**`],
    ['inside an unclosed fence', `${summary}\n\n\`\`\`\nConvOps: step complete (capture-process)`],
    ['inside a closed fence', `${summary}\n\n\`\`\`text\nConvOps: step complete (capture-process)\n\`\`\``],
    ['inside a tilde fence', `~~~\nConvOps: step complete (capture-process)\n~~~`],
    ['no step id', `${summary}\n\nConvOps: step complete`],
    ['empty brackets', `${summary}\n\nConvOps: step complete ()`],
    ['placeholder id', `${summary}\n\nConvOps: step complete (<step-id>)`],
    ['ellipsis id', `${summary}\n\nConvOps: step complete (…)`],
    ['not a slug', `${summary}\n\nConvOps: step complete (capture process)`],
    ['other wording', `${summary}\n\nConvOps: step done (capture-process)`],
    ['missing prefix', `${summary}\n\nstep complete (capture-process)`],
    ['words after the bracket', `${summary}\n\nConvOps: step complete (capture-process) — over to you`],
    ['two lines merged', `${summary}\n\nConvOps: step complete (capture-process) ConvOps: step complete (draft-sop)`],
    ['empty reply', ''],
    ['whitespace reply', '  \n \n'],
  ];
  test.each(misses)('%s', (_name, reply) => {
    expect(detectCompletionLine(reply)).toBeNull();
  });
});

describe('completion line: the titled form a person reads', () => {
  test('the briefing asks for the step by number and title, with no id', () => {
    expect(completionLine(steps[1]!, 2)).toBe('ConvOps: step 2 complete — Draft SOP');
    expect(completionLine({ title: '  Two\n lines ' }, 4)).toBe('ConvOps: step 4 complete — Two lines');
  });

  const variants: Array<[string, string]> = [
    ['plain', `${summary}\n\nConvOps: step 1 complete — Capture the process`],
    ['bold', `${summary}\n\n**ConvOps: step 1 complete — Capture the process**`],
    ['inline code', `${summary}\n\n\`ConvOps: step 1 complete — Capture the process\``],
    ['checkmark', `${summary}\n\n✅ ConvOps: step 1 complete — Capture the process`],
    ['hyphen for the dash', `${summary}\n\nConvOps: step 1 complete - Capture the process`],
    ['colon for the dash', `${summary}\n\nConvOps: step 1 complete: Capture the process`],
    ['no dash', `${summary}\n\nConvOps: step 1 complete Capture the process`],
    ['title in quotes', `${summary}\n\nConvOps: step 1 complete — “Capture the process”`],
    ['title in brackets', `${summary}\n\nConvOps: step 1 complete (Capture the process)`],
    ['other case', `${summary}\n\nCONVOPS: STEP 1 COMPLETE — capture THE process`],
    ['trailing stop', `${summary}\n\nConvOps: step 1 complete — Capture the process.`],
    ['turndown escapes', `${summary}\n\nConvOps: step 1 complete \\— Capture the process`],
    ['CRLF', `${summary}\r\n\r\nConvOps: step 1 complete — Capture the process\r\n`],
    ['alone', 'ConvOps: step 1 complete — Capture the process'],
  ];
  test.each(variants)('%s', (_name, reply) => {
    expect(detectCompletionLine(reply, steps)?.stepId).toBe('capture-process');
  });

  test('a title with brackets and the body without the line', () => {
    const reply = `${summary}\n\n**ConvOps: step 3 complete — Walkthrough (with the team)**\n`;
    expect(detectCompletionLine(reply, steps)).toEqual({ stepId: 'walkthrough', body: summary });
  });

  const misses: Array<[string, string]> = [
    ['without the steps', 'ConvOps: step 1 complete — Capture the process'],
    ['mention inside a sentence', `I will end with \`ConvOps: step 1 complete — Capture the process\` when we are done.`],
    ['words after the title', `${summary}\n\nConvOps: step 1 complete — Capture the process — over to you`],
    ['an echo with a tail', `${summary}\n\nConvOps: step 1 complete — Capture the process once you have answered`],
    ['the number of another step', `${summary}\n\nConvOps: step 2 complete — Capture the process`],
    ['no such step', `${summary}\n\nConvOps: step 9 complete — Capture the process`],
    ['step 0', `${summary}\n\nConvOps: step 0 complete — Capture the process`],
    ['no title', `${summary}\n\nConvOps: step 1 complete`],
    ['placeholder title', `${summary}\n\nConvOps: step 1 complete — <title>`],
    ['not the last line', `ConvOps: step 1 complete — Capture the process\n\nFirst question?`],
    ['quoted', `${summary}\n\n> ConvOps: step 1 complete — Capture the process`],
    ['inside a fence', `\`\`\`\nConvOps: step 1 complete — Capture the process\n\`\`\``],
    ['two lines merged', `ConvOps: step 1 complete — Capture the process ConvOps: step 2 complete — Draft SOP`],
  ];
  test.each(misses)('%s does not count', (name, reply) => {
    expect(detectCompletionLine(reply, name === 'without the steps' ? [] : steps)).toBeNull();
  });

  test('the cheap pre-check sees both forms and not a sentence', () => {
    expect(mayBeCompletionLine('Done.\n\n**ConvOps: step 2 complete — Draft SOP**')).toBe(true);
    expect(mayBeCompletionLine('Done.\n\nConvOps: step complete (draft-sop)\n')).toBe(true);
    expect(mayBeCompletionLine('I will end with the ConvOps line.')).toBe(false);
  });

  const title = fc
    .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ÄéßДж()&/-?.,:0123456789'.split('')), { minLength: 1, maxLength: 40 })
    .map((chars) => chars.join('').trim())
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  const decorate = fc.constantFrom(
    (l: string) => l,
    (l: string) => `**${l}**`,
    (l: string) => `✅ ${l}`,
    (l: string) => `\`${l}\``,
    (l: string) => `${l}.`,
    (l: string) => l.toUpperCase(),
  );

  test('property: the line a briefing asks for, however the model dresses it, names its own step', () => {
    fc.assert(
      fc.property(fc.array(title, { minLength: 1, maxLength: 6 }), fc.nat(), decorate, fc.string({ maxLength: 200 }), (titles, pick, dress, before) => {
        const flow = titles.map((t, i) => ({ id: `s${i}`, title: t }));
        const index = pick % flow.length;
        const reply = `${before.replace(/`/g, '')}\n\n${dress(completionLine(flow[index]!, index + 1))}`;
        const match = detectCompletionLine(reply, flow);
        // Two steps whose titles differ only in punctuation could swap; the number decides.
        expect(match?.stepId).toBe(`s${index}`);
      }),
    );
  });

  test('property: the line with words after it, or quoted, or before other text, never counts', () => {
    fc.assert(
      fc.property(fc.array(title, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom('when we are done', '— over to you', 'next', '(soon)'), (titles, pick, tail) => {
        const flow = titles.map((t, i) => ({ id: `s${i}`, title: t }));
        const index = pick % flow.length;
        const line = completionLine(flow[index]!, index + 1);
        // A title that already ends with the tail's words would be a true line; skip that case.
        fc.pre(!flow.some((s) => `${flow[index]!.title} ${tail}`.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '') === s.title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')));
        expect(detectCompletionLine(`${line} ${tail}`, flow)).toBeNull();
        expect(detectCompletionLine(`> ${line}`, flow)).toBeNull();
        expect(detectCompletionLine(`${line}\n\nFirst, a question?`, flow)).toBeNull();
        expect(detectCompletionLine(`I will end with \`${line}\` when done.`, flow)).toBeNull();
      }),
    );
  });
});
