import '../../support/browser-self';
import { describe, expect, it } from 'vitest';
import { badgeFor } from '@/lib/background/toolbar';

describe('the toolbar badge', () => {
  it('is empty with nothing waiting', () => {
    expect(badgeFor(0)).toEqual({ text: '', title: 'ConvOps' });
    expect(badgeFor(0, 0)).toEqual({ text: '', title: 'ConvOps' });
  });

  it('counts this browser\'s waiting gates and the colleagues\' gates this approver may decide, and says which', () => {
    expect(badgeFor(2)).toEqual({ text: '2', title: 'ConvOps: 2 gates wait for a decision' });
    expect(badgeFor(0, 1)).toEqual({ text: '1', title: "ConvOps: 1 colleague's gate waits for yours" });
    expect(badgeFor(1, 3)).toEqual({ text: '4', title: "ConvOps: 1 gate waits for a decision; 3 colleagues' gates wait for yours" });
    expect(badgeFor(60, 40).text).toBe('99+');
  });
});
