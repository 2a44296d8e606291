import { foldSummary } from '@/components/options/timeline';
import { describeEvent } from '@/lib/workflow/event-words';

describe('the record words who put a briefing in', () => {
  it('drive mode’s own insert is ConvOps’s, the person’s click is theirs', () => {
    expect(describeEvent({ type: 'briefing.inserted', data: { sent: true }, actor: { kind: 'system' } })).toBe('ConvOps put the next briefing in and sent it (drive mode)');
    expect(describeEvent({ type: 'briefing.inserted', data: { sent: false }, actor: { kind: 'system' } })).toBe('ConvOps put the next briefing in the prompt box (drive mode)');
    expect(describeEvent({ type: 'briefing.inserted', data: { sent: false }, actor: { kind: 'human' } })).toBe('Inserted the briefing');
    expect(describeEvent({ type: 'briefing.inserted', data: { sent: true }, actor: { kind: 'human' } })).toBe('Inserted and sent the briefing');
  });

  it('a folded run of routine events says which briefings ConvOps put in', () => {
    expect(
      foldSummary([
        { type: 'briefing.inserted', actor: { kind: 'system' } },
        { type: 'message.sent', actor: { kind: 'system' } },
        { type: 'briefing.inserted', actor: { kind: 'human' } },
      ]),
    ).toBe('Briefing put in by ConvOps, message sent, briefing inserted');
  });
});
