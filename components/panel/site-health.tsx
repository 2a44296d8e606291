import { useState } from 'react';
import type { HostState } from '@/lib/messaging/schemas';
import { panelRepo } from './data';
import { SITE_LABELS } from '@/lib/workflow/labels';
import { copyText } from './clipboard';


/** What could not be found on the page, in the words the health line uses. */
export function unresolvedConcerns(health: HostState['health']): string[] {
  const out: string[] = [];
  if (health.composer === 'missing') out.push('prompt box');
  if (health.messages === 'missing') out.push('messages');
  if (health.streamingSignal === 'missing') out.push('reply progress');
  if (health.reply === 'missing') out.push('the last reply');
  return out;
}

/**
 * "Copy a site report": the content script outlines the page's structure (no text); the person
 * pastes it into an issue so the adapter can be fixed for the new markup.
 */
function SiteReportLine({ concerns }: { concerns: string[] }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    const result = await panelRepo.siteReport().catch(() => null);
    setStatus(result && (await copyText(result.report)) ? 'copied' : 'failed');
  };
  return (
    <div data-testid="site-health-problem" data-concerns={concerns.join(',')} className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      <span>ConvOps cannot read this page's {concerns.join(', ')}.</span>
      <button type="button" data-testid="copy-site-report" onClick={() => void copy()} className="rounded border border-amber-400 px-1.5 py-0.5 font-medium hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-offset-1 dark:border-amber-600 dark:hover:bg-amber-900">
        Copy a site report
      </button>
      <span role="status" data-testid="site-report-status">
        {status === 'copied' ? 'Copied: structure only, no text from the chat.' : status === 'failed' ? 'Could not copy the report.' : ''}
      </span>
    </div>
  );
}

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
  const concerns = unresolvedConcerns(host.health);
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
        <span className="shrink-0 font-medium">{SITE_LABELS[host.site]}</span>
        <span className="shrink-0 whitespace-nowrap">· prompt box {found ? 'found' : 'not found'}</span>
        {/* Which chat is in the data attribute; a person needs only to know whether it is a saved one. */}
        <span className="min-w-0 truncate whitespace-nowrap text-zinc-600 dark:text-zinc-400">· {host.conversationId ? 'saved chat' : 'new chat'}</span>
        {/* Reserve the space so the bar does not jump when a reply starts or ends. */}
        <span className={`ml-auto shrink-0 ${host.streaming ? '' : 'invisible'}`} aria-hidden={!host.streaming}>
          replying…
        </span>
      </div>
      {concerns.length > 0 ? <SiteReportLine concerns={concerns} /> : null}
      {/* The mount repairs what the page changes; repeated repairs mean the page is working against the panel. */}
      {interfered ? (
        <div role="status" data-testid="site-interference" className="border-b border-amber-300 bg-amber-50 px-3 py-1 text-xs text-amber-950 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-100">
          The page interfered with the panel: it restyled or redirected it, and ConvOps put it back; decisions are taken in the review window, which the page cannot reach.
        </div>
      ) : null}
    </>
  );
}
