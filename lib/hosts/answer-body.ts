import { chatgptSelectors } from './chatgpt-selectors';
import { claudeSelectors } from './claude-selectors';

/**
 * Any site's answer body (the markdown container of a reply), from the adapters' own cascades: the
 * HTML → Markdown converter stops there when it looks around a code block for its language label.
 * Its own module, not `lib/hosts/index.ts`: the content script imports that one, and a computed
 * constant is kept by the bundler wherever its module goes (the content script never uses it).
 */
export const answerBodySelector = [...chatgptSelectors.assistantBody.map((e) => e.selector), claudeSelectors.answerMarkdown, ...claudeSelectors.assistantBody.map((e) => e.selector)].join(', ');
