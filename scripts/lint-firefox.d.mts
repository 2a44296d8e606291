// Types for scripts/lint-firefox.mjs (plain JavaScript, run by `npm run lint:firefox` after the Firefox build).
export interface LintItem {
  code: string;
  message: string;
  file?: string;
  line?: number;
}
export interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintItem[];
  warnings: LintItem[];
  notices: LintItem[];
}
export const KNOWN_WARNINGS: { code: string; file: RegExp; message: RegExp; why: string }[];
export function judgeLint(report: LintReport): { known: (LintItem & { why: string })[]; unexpected: (LintItem & { kind: 'error' | 'warning' })[]; notices: LintItem[] };
