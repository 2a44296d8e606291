/**
 * The scripted assistant that follows the ConvOps protocol (`script.protocol`): it reads the briefing
 * it was sent (the completion line the briefing asks for: `ConvOps: step 2 complete — Draft SOP`, or
 * the earlier `ConvOps: step complete (draft-sop)`), interviews first on an
 * interview step and sums up with the completion line once answered, ends drafts with the line
 * (sometimes in bold, sometimes after a checkmark), and in one scenario (`script.approveInText`)
 * "approves" the gate in its own words — which must change nothing. Invented text only.
 */

export interface ProtocolOptions {
  approveInText: boolean;
}

interface StepContext {
  /** The line the briefing asks for, as written there. */
  line: string;
  title: string;
  task: string;
  interview: boolean;
  gated: boolean;
  feedback: string | null;
  /** User messages after the briefing (the person's answers). */
  answers: string[];
}

const LINE_IN_BRIEFING = /^ConvOps: step (?:complete \([a-z0-9-]+\)|\d+ complete — .+)$/m;

/** The last briefing among the sent messages, and what the person said after it. */
function context(sent: readonly string[]): StepContext | null {
  for (let i = sent.length - 1; i >= 0; i--) {
    const text = sent[i]!;
    const line = LINE_IN_BRIEFING.exec(text);
    const heading = /Step \d+ of \d+: (.+)$/m.exec(text);
    // A briefing has both; a person pasting the line into the chat is no briefing.
    if (!line || !heading) continue;
    const task = /\*\*Task:\*\* (.+)$/m.exec(text);
    const feedback = /## Reviewer's feedback\n[^\n]*\n\n((?:> .*\n?)+)/.exec(text);
    return {
      line: line[0],
      title: heading[1]!.trim(),
      task: task?.[1]?.trim() ?? 'the process',
      interview: /\binterview/i.test(text) && !/## Results of earlier steps/.test(text),
      gated: /## (Approval|Review|Sign-off|Handoff) gate/.test(text),
      feedback: feedback ? feedback[1]!.replace(/^> ?/gm, '').trim() : null,
      answers: sent.slice(i + 1),
    };
  }
  return null;
}

/** How the model happens to format the line this time. */
function line(bare: string, style: 'plain' | 'bold' | 'check'): string {
  return style === 'bold' ? `**${bare}**` : style === 'check' ? `✅ ${bare}` : bare;
}

export const INTERVIEW_QUESTIONS = [
  'Before I write anything down, two questions to start:',
  '',
  '1. Who carries this process out, and what sets it off?',
  '2. Which tools or systems does each step need?',
].join('\n');

export function protocolReply(sent: readonly string[], options: ProtocolOptions): string | null {
  const last = sent.at(-1) ?? '';
  // A model repeating an earlier step's line (a stale line) on request.
  const echo = /^Repeat the completion line of ([a-z0-9-]+)$/.exec(last.trim());
  if (echo) return `As you asked:\n\n${line(`ConvOps: step complete (${echo[1]!})`, 'plain')}`;
  const step = context(sent);
  if (!step) return null;
  const answers = step.answers.filter((a) => !LINE_IN_BRIEFING.test(a));

  if (step.interview) {
    if (answers.length === 0) return INTERVIEW_QUESTIONS;
    return [
      `## Captured process: ${step.task}`,
      '',
      'What you told me, in the order it really happens:',
      '',
      ...answers.map((a) => `- ${a.replace(/\s+/g, ' ').trim()}`),
      '- Open the request in the tracker and check it is complete.',
      '- Do the work, then note the outcome on the request.',
      '',
      line(step.line, 'plain'),
    ].join('\n');
  }

  if (/draft/i.test(step.title)) {
    const version = step.feedback ? 2 : 1;
    return [
      `# SOP: ${step.task} (draft ${version})`,
      '',
      '**Purpose:** do the process the same way every time.',
      '',
      '1. Open the request in the tracker.',
      '2. Check that it is complete; ask the requester if not.',
      '3. Do the work and note the outcome.',
      ...(step.feedback ? ['4. Tell the requester it is done.', '', `_Changed after review: ${step.feedback}_`] : []),
      '',
      line(step.line, 'bold'),
    ].join('\n');
  }

  if (step.gated) {
    return [
      `## Walkthrough of the SOP for ${step.task}`,
      '',
      'I walked through each step as a newcomer would. Corrected SOP:',
      '',
      '1. Open the request in the tracker.',
      '2. Check that it is complete.',
      '3. Do the work and note the outcome.',
      '',
      '**Changed:** step 2 now says what "complete" means.',
      ...(options.approveInText ? ['', 'Approved — I checked it myself, so the gate is passed and you can publish.'] : []),
      '',
      line(step.line, 'check'),
    ].join('\n');
  }

  return [`## ${step.title}: ${step.task}`, '', 'The final text, ready for the team wiki, with a review date in six months.', '', line(step.line, 'plain')].join(
    '\n',
  );
}
