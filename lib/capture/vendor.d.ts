// Untyped (or wrongly typed) dependencies of the HTML → Markdown converter.
declare module '@joplin/turndown-plugin-gfm' {
  import type TurndownService from 'turndown';
  type Plugin = (service: TurndownService) => void;
  export const gfm: Plugin;
  export const tables: Plugin;
  export const strikethrough: Plugin;
  export const taskListItems: Plugin;
  export const highlightedCodeBlock: Plugin;
}

// domino's bundled .d.ts declares the module under its old name "domino".
declare module '@mixmark-io/domino' {
  export function createDocument(html?: string, force?: boolean): Document;
}
