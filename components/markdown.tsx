import ReactMarkdown, { defaultUrlTransform, type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * Renders untrusted Markdown (AI replies, imported workflows) as React elements. Raw HTML is dropped
 * (`skipHtml`, and no rehype-raw), `javascript:` and other unsafe URLs are blanked by react-markdown's
 * default transform, and images are shown as links: loading a remote image would tell a third party
 * that the note was opened, and nothing should leave the machine.
 */
const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-blue-700 underline dark:text-blue-300">
      {children}
    </a>
  ),
  img: ({ src, alt }) => {
    const url = typeof src === 'string' ? src : '';
    return url ? (
      <a href={url} target="_blank" rel="noopener noreferrer nofollow" className="text-blue-700 underline dark:text-blue-300">
        [image: {alt || url}]
      </a>
    ) : (
      <span>[image: {alt}]</span>
    );
  },
  table: ({ children }) => (
    <div className="overflow-x-auto">
      <table>{children}</table>
    </div>
  ),
};

const remarkPlugins = [remarkGfm];

type HeadingTag = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
const HEADINGS: readonly HeadingTag[] = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

/**
 * Components whose headings start at `level` (a `#` heading becomes an `h<level>`), so Markdown shown
 * inside a page (a briefing preview) does not add a second `h1` to its outline. Built once per level.
 */
const shifted = new Map<number, Components>();
function componentsFrom(level: number): Components {
  let found = shifted.get(level);
  if (!found) {
    found = { ...components };
    HEADINGS.forEach((tag, index) => {
      const Tag = HEADINGS[Math.min(index + level - 1, 5)]!;
      found![tag] = ({ children }) => <Tag>{children}</Tag>;
    });
    shifted.set(level, found);
  }
  return found;
}

export function Markdown({ source, className = '', headingLevel = 1 }: { source: string; className?: string; headingLevel?: number }) {
  return (
    <div className={`convops-markdown ${className}`}>
      <ReactMarkdown remarkPlugins={remarkPlugins} components={headingLevel === 1 ? components : componentsFrom(headingLevel)} skipHtml urlTransform={defaultUrlTransform}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
