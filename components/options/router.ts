import { useSyncExternalStore } from 'react';

/** The options page routes. The panel links to `options.html#/tasks/<id>`: keep that shape. */
export type Route =
  | { name: 'library' }
  | { name: 'new-workflow'; from?: string }
  | { name: 'edit-workflow'; id: string }
  | { name: 'import' }
  | { name: 'tasks' }
  | { name: 'task'; id: string }
  /** The printable report of a task (print it or save it as PDF). */
  | { name: 'task-report'; id: string }
  | { name: 'backup' }
  | { name: 'settings' }
  | { name: 'team' }
  /** A colleague's task shared with the team (read-only; an approver decides its gate here). */
  | { name: 'team-task'; owner: string; id: string }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const [section, id, action, rest] = parts;
  if (section === 'team' && id === 'tasks' && action && rest && parts.length === 4) return { name: 'team-task', owner: action, id: rest };
  if (!section || (section === 'library' && !id)) return { name: 'library' };
  if (section === 'library' && id === 'new') {
    const from = new URLSearchParams(query).get('from') ?? undefined;
    return from ? { name: 'new-workflow', from } : { name: 'new-workflow' };
  }
  if (section === 'library' && id && action === 'edit') return { name: 'edit-workflow', id };
  if (section === 'import' && !id) return { name: 'import' };
  if (section === 'tasks' && !id) return { name: 'tasks' };
  if (section === 'tasks' && id && action === 'report') return { name: 'task-report', id };
  if (section === 'tasks' && id && !action) return { name: 'task', id };
  if (section === 'backup' && !id) return { name: 'backup' };
  if (section === 'settings' && !id) return { name: 'settings' };
  if (section === 'team' && !id) return { name: 'team' };
  return { name: 'not-found', path };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'library':
      return '#/library';
    case 'new-workflow':
      return route.from ? `#/library/new?from=${encodeURIComponent(route.from)}` : '#/library/new';
    case 'edit-workflow':
      return `#/library/${encodeURIComponent(route.id)}/edit`;
    case 'import':
      return '#/import';
    case 'tasks':
      return '#/tasks';
    case 'task':
      return `#/tasks/${encodeURIComponent(route.id)}`;
    case 'task-report':
      return `#/tasks/${encodeURIComponent(route.id)}/report`;
    case 'backup':
      return '#/backup';
    case 'settings':
      return '#/settings';
    case 'team':
      return '#/team';
    case 'team-task':
      return `#/team/tasks/${encodeURIComponent(route.owner)}/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `#/${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}
