import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from '@/components/markdown';

const render = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('Markdown', () => {
  it('renders GitHub-flavoured Markdown: tables, task lists, strikethrough', () => {
    const html = render('| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~');
    expect(html).toContain('<table>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('type="checkbox"');
    expect(html).toContain('<del>old</del>');
  });

  it('starts headings at the level asked for, so a preview inside a page adds no second h1', () => {
    const html = renderToStaticMarkup(<Markdown source={'# Title\n\n## Part\n\n###### Deep'} headingLevel={3} />);
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<h4>Part</h4>');
    expect(html).toContain('<h6>Deep</h6>');
    expect(html).not.toContain('<h1');
    expect(render('# Title')).toContain('<h1>Title</h1>');
  });

  it('drops raw HTML instead of rendering it', () => {
    const html = render('Hello <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n<div onclick="x()">block</div>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('onclick');
  });

  it('blanks javascript: links and opens others in a new tab without an opener', () => {
    const html = render('[bad](javascript:alert(1)) [good](https://example.com)');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('never loads remote images: they become links', () => {
    const html = render('![chart](https://tracker.example/pixel.png)');
    expect(html).not.toContain('<img');
    expect(html).toContain('[image: chart]');
  });
});
