import { useEffect } from 'react';
import { useColorScheme } from '@/components/hooks/use-color-scheme';
import { LazyPageFrame, lazyPage } from './lazy-page';
import { LibraryPage } from './library-page';
import { hrefFor, parseRoute, useHash, type Route } from './router';

// The library is the first screen and comes with the page; the others are fetched when opened (a
// chunk each, named after its file: scripts/bench.mjs counts them apart as loaded on demand).
const EditorPage = lazyPage(() => import('./editor-page').then((m) => m.EditorPage));
const ImportPage = lazyPage(() => import('./import-page').then((m) => m.ImportPage));
const TasksPage = lazyPage(() => import('./tasks-page').then((m) => m.TasksPage));
const TaskPage = lazyPage(() => import('./task-page').then((m) => m.TaskPage));
const TaskReportPage = lazyPage(() => import('./task-report-page').then((m) => m.TaskReportPage));
const BackupPage = lazyPage(() => import('./backup-page').then((m) => m.BackupPage));
const SettingsPage = lazyPage(() => import('./settings-page').then((m) => m.SettingsPage));
const TeamPage = lazyPage(() => import('./team-page').then((m) => m.TeamPage));
const TeamTaskPage = lazyPage(() => import('./team-task-page').then((m) => m.TeamTaskPage));

const NAV: { label: string; route: Route; section: Route['name'][] }[] = [
  { label: 'Library', route: { name: 'library' }, section: ['library', 'new-workflow', 'edit-workflow'] },
  { label: 'Import', route: { name: 'import' }, section: ['import'] },
  { label: 'Tasks', route: { name: 'tasks' }, section: ['tasks', 'task', 'task-report', 'team-task'] },
  { label: 'Backup', route: { name: 'backup' }, section: ['backup'] },
  { label: 'Settings', route: { name: 'settings' }, section: ['settings'] },
  { label: 'Team', route: { name: 'team' }, section: ['team'] },
];

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'library':
      return <LibraryPage />;
    case 'new-workflow':
      return <EditorPage source={route.from ? { kind: 'duplicate', from: route.from } : { kind: 'new' }} />;
    case 'edit-workflow':
      return <EditorPage source={{ kind: 'edit', id: route.id }} />;
    case 'import':
      return <ImportPage />;
    case 'tasks':
      return <TasksPage />;
    case 'task':
      return <TaskPage id={route.id} />;
    case 'task-report':
      return <TaskReportPage id={route.id} />;
    case 'backup':
      return <BackupPage />;
    case 'settings':
      return <SettingsPage />;
    case 'team':
      return <TeamPage />;
    case 'team-task':
      return <TeamTaskPage owner={route.owner} id={route.id} />;
    case 'not-found':
      return (
        <p>
          There is no page here. <a href={hrefFor({ name: 'library' })} className="underline">Open the library</a>
        </p>
      );
  }
}


export function OptionsApp() {
  const route = parseRoute(useHash());
  useColorScheme();
  useEffect(() => {
    const current = NAV.find((item) => item.section.includes(route.name));
    document.title = current ? `${current.label} · ConvOps` : 'ConvOps';
  }, [route.name]);
  return (
    <div className="min-h-screen bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100" data-testid="convops-options">
      <a href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }} className="sr-only print:hidden focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-zinc-900">
        Skip to content
      </a>
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900 print:hidden">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-2">
          <span className="text-lg font-semibold">ConvOps</span>
          <nav aria-label="Sections">
            <ul className="flex flex-wrap gap-1">
              {NAV.map((item) => {
                const active = item.section.includes(route.name);
                return (
                  <li key={item.label}>
                    <a
                      href={hrefFor(item.route)}
                      aria-current={active ? 'page' : undefined}
                      className={`block rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 ${active ? 'bg-emerald-800 text-white dark:bg-emerald-700' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
                    >
                      {item.label}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none print:max-w-none print:p-0">
        <LazyPageFrame route={hrefFor(route)}>
          <Page route={route} />
        </LazyPageFrame>
      </main>
    </div>
  );
}
