import { lazy, Suspense } from 'react';

/**
 * The Markdown renderer (react-markdown, remark-gfm and their parsers: most of the panel's weight)
 * fetched the first time a note or briefing preview is shown, so the panel draws its step without it.
 * Until it arrives the source shows as plain text: a React text node, as safe as the rendered form.
 */
const Renderer = lazy(() => import('./markdown').then((m) => ({ default: m.Markdown })));

export function LazyMarkdown({ source, className = '' }: { source: string; className?: string }) {
  return (
    <Suspense fallback={<div className={`convops-markdown whitespace-pre-wrap ${className}`}>{source}</div>}>
      <Renderer source={source} className={className} />
    </Suspense>
  );
}
