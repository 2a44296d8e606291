// Types for scripts/preflight.mjs (plain JavaScript so that `npm start` can run it before any build).
export interface PreflightEnv {
  env: Record<string, string | undefined>;
  isRoot: boolean;
  isDebian: boolean;
  isExecutable: (file: string) => boolean;
}
export type ChromiumCheck = { kind: 'found'; path: string } | { kind: 'install'; command: string[]; path: string } | { kind: 'missing'; message: string };
export const DEFAULT_CHROMIUM: string;
export const DEBIAN_INSTALL: string[];
export function checkChromium(environment: PreflightEnv): ChromiumCheck;
export function currentEnv(): PreflightEnv;
export function ensureChromium(environment?: PreflightEnv, run?: (command: string[]) => number | null): string | null;
