import type { HostState } from '../../lib/messaging/protocol';

const siteNames = { chatgpt: 'ChatGPT', claude: 'Claude' } as const;

/** One line: which site, whether the prompt box was found, which conversation, and whether a reply streams. */
export function SiteHealth({ host }: { host: HostState | null }) {
  if (!host) {
    return (
      <div
        data-testid="site-health"
        data-composer="missing"
        data-host=""
        className="flex items-center gap-2 border-b border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
      >
        <span aria-hidden className="size-2 rounded-full bg-zinc-400" />
        Not connected to a chat tab yet
      </div>
    );
  }
  const found = host.health.composer === 'found';
  const interfered = (host.interference ?? 0) > 0;
  return (
    <>
      <div
        data-testid="site-health"
        data-composer={host.health.composer}
        data-host={host.site}
        data-conversation={host.conversationId ?? ''}
        data-interference={host.interference ?? 0}
        className="flex min-w-0 items-center gap-1.5 overflow-hidden border-b border-zinc-200 px-3 py-1.5 text-xs text-zinc-700 dark:border-zinc-700 dark:text-zinc-300"
      >
        <span aria-hidden className={`size-2 shrink-0 rounded-full ${found ? 'bg-emerald-600' : 'bg-red-600'}`} />
        <span className="shrink-0 font-medium">{siteNames[host.site]}</span>
        <span className="shrink-0 whitespace-nowrap">· prompt box {found ? 'found' : 'not found'}</span>
        <span className="min-w-0 truncate whitespace-nowrap text-zinc-600 dark:text-zinc-400" title={host.conversationId ?? 'new chat'}>
          · {host.conversationId ? `chat ${host.conversationId.slice(0, 8)}` : 'new chat'}
        </span>
        {/* Reserve the space so the bar does not jump when a reply starts or ends. */}
        <span className={`ml-auto shrink-0 ${host.streaming ? '' : 'invisible'}`} aria-hidden={!host.streaming}>
          replying…
        </span>
      </div>
      {/* The mount repairs what the page changes; repeated repairs mean the page is working against the panel. */}
      {interfered ? (
        <div role="status" data-testid="site-interference" className="border-b border-amber-300 bg-amber-50 px-3 py-1 text-xs text-amber-950 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-100">
          The page interfered with the panel: it restyled or redirected it, and ConvOps put it back; decisions are taken in the review window, which the page cannot reach.
        </div>
      ) : null}
    </>
  );
}
