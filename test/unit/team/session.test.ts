import { originPattern, parseWorkspaceUrl } from '@/lib/team/session';

describe('the workspace address', () => {
  it('takes HTTPS anywhere and plain HTTP only on this machine', () => {
    expect(parseWorkspaceUrl('https://couch.example.com/convops-acme')).toEqual({
      ok: true,
      url: 'https://couch.example.com/convops-acme',
      origin: 'https://couch.example.com',
      database: 'convops-acme',
    });
    expect(parseWorkspaceUrl(' http://127.0.0.1:5984/convops-team/ ')).toMatchObject({ ok: true, url: 'http://127.0.0.1:5984/convops-team' });
    expect(parseWorkspaceUrl('http://localhost:5984/team')).toMatchObject({ ok: true });
    expect(parseWorkspaceUrl('http://couch.example.com/convops-acme')).toMatchObject({ ok: false, reason: expect.stringContaining('HTTPS') });
    expect(parseWorkspaceUrl('http://127.0.0.1.example.com/x')).toMatchObject({ ok: false });
    expect(parseWorkspaceUrl('ftp://localhost/x')).toMatchObject({ ok: false });
  });

  it('refuses an address without a database, with a path, or with credentials in it', () => {
    expect(parseWorkspaceUrl('https://couch.example.com/')).toMatchObject({ ok: false, reason: expect.stringContaining('name the team database') });
    expect(parseWorkspaceUrl('https://couch.example.com/a/b')).toMatchObject({ ok: false });
    expect(parseWorkspaceUrl('https://ana:secret@couch.example.com/team')).toMatchObject({ ok: false, reason: expect.stringContaining('Leave the user and password out') });
    expect(parseWorkspaceUrl('not a url')).toMatchObject({ ok: false });
  });

  it('asks for the workspace host only', () => {
    expect(originPattern('https://couch.example.com')).toBe('https://couch.example.com/*');
    expect(originPattern('http://127.0.0.1:5984')).toBe('http://127.0.0.1/*');
  });
});
