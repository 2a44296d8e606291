import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from '@/components/options/router';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { name: 'library' }],
    ['#/', { name: 'library' }],
    ['#/library', { name: 'library' }],
    ['#/library/new', { name: 'new-workflow' }],
    ['#/library/new?from=sop-documentation', { name: 'new-workflow', from: 'sop-documentation' }],
    ['#/library/sop/edit', { name: 'edit-workflow', id: 'sop' }],
    ['#/import', { name: 'import' }],
    ['#/tasks', { name: 'tasks' }],
    ['#/tasks/abc123', { name: 'task', id: 'abc123' }],
    ['#/tasks/abc123/report', { name: 'task-report', id: 'abc123' }],
    ['#/tasks/abc123/other', { name: 'not-found', path: '/tasks/abc123/other' }],
    ['#/backup', { name: 'backup' }],
    ['#/settings', { name: 'settings' }],
    ['#/team', { name: 'team' }],
    ['#/team/tasks/max/abc123', { name: 'team-task', owner: 'max', id: 'abc123' }],
    ['#/team/tasks/max', { name: 'not-found', path: '/team/tasks/max' }],
    ['#/nope', { name: 'not-found', path: '/nope' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });
  it('round-trips every route through hrefFor', () => {
    const routes: Route[] = [
      { name: 'library' },
      { name: 'new-workflow', from: 'a b' },
      { name: 'edit-workflow', id: 'x-y' },
      { name: 'task', id: 'T/1' },
      { name: 'task-report', id: 'T/1' },
      { name: 'team-task', owner: 'ana b/c', id: 'T/1' },
      { name: 'settings' },
    ];
    for (const route of routes) expect(parseRoute(hrefFor(route))).toEqual(route);
  });
});
