import { describe, expect, it } from 'vitest';
import { teamNoticeText } from '@/components/panel/team-notice';

const now = new Date(2026, 11, 4, 10, 0);
const at = (h: number, m: number) => new Date(2026, 11, 4, h, m).toISOString();

describe('the panel\'s team line', () => {
  it('says nothing without a workspace or while it is connected', () => {
    expect(teamNoticeText(null, now)).toBeNull();
    expect(teamNoticeText({ state: 'connected', since: at(9, 0), reason: null, shareByDefault: true }, now)).toBeNull();
  });

  it('offline: since when, and that the work is kept and sent later', () => {
    const text = teamNoticeText({ state: 'offline', since: at(9, 12), reason: 'x', shareByDefault: true }, now)!;
    const time = new Date(at(9, 12)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); // 09:12 (or 09:12 AM)
    expect(text).toBe(`Team workspace offline since ${time} — your work is kept here and sent when it is back.`);
  });

  it('refused (session expired or revoked): sign in again on the Team page, nothing lost; an earlier day names the date', () => {
    const text = teamNoticeText({ state: 'refused', since: new Date(2026, 11, 3, 17, 5).toISOString(), reason: 'x', shareByDefault: true }, now)!;
    expect(text).toContain('session ended');
    expect(text).toContain('Sign in again on the Team page');
    expect(text).toContain('kept here');
    expect(text).toContain(new Date(2026, 11, 3).toLocaleDateString());
  });
});
