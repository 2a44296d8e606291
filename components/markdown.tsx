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

export function Markdown({ source, className = '' }: { source: string; className?: string }) {
  return (
    <div className={`convops-markdown ${className}`}>
      <ReactMarkdown remarkPlugins={remarkPlugins} components={components} skipHtml urlTransform={defaultUrlTransform}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
