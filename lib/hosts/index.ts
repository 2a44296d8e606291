import type { HostAdapter } from './adapter';
import { chatgptAdapter } from './chatgpt';
import { claudeAdapter } from './claude';
import type { HostSite } from './types';

export type { HostAdapter, PanelLayout, SelectorCascade, SelectorEntry } from './adapter';
export { chatgptAdapter } from './chatgpt';
export { claudeAdapter } from './claude';

const adapters: Record<HostSite, HostAdapter> = { chatgpt: chatgptAdapter, claude: claudeAdapter };

/** Which site a hostname belongs to (chat.openai.com redirects to chatgpt.com, so it is not ours). */
export function siteOfHostname(hostname: string): HostSite | null {
  if (hostname === 'chatgpt.com' || hostname.endsWith('.chatgpt.com')) return 'chatgpt';
  if (hostname === 'claude.ai') return 'claude';
  return null;
}

/** Each site's own origin (where a chat of it opens in a new tab). */
const SITE_ORIGINS: Record<HostSite, string> = { chatgpt: 'https://chatgpt.com/', claude: 'https://claude.ai/' };

/** Where a new chat of `site` opens: on the origin of the page the tab shows, else on the site's own. */
export function newChatUrl(site: HostSite, pageUrl: string = SITE_ORIGINS[site]): string {
  return new URL(adapters[site].newChatPath, pageUrl).href;
}

export function adapterFor(location: { hostname: string } | URL): HostAdapter | null {
  const site = siteOfHostname(location.hostname);
  return site ? adapters[site] : null;
}
