import { completionLine, detectCompletionLine } from '@/lib/workflow/completion-line';

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

  test('the literal line the briefing asks for is detected', () => {
    expect(detectCompletionLine(completionLine('draft-sop'))?.stepId).toBe('draft-sop');
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
