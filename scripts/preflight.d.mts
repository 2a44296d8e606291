// Types for scripts/preflight.mjs (plain JavaScript so that `npm start` and `npm test` can run it before any build).
export interface PreflightEnv {
  env: Record<string, string | undefined>;
  isRoot: boolean;
  isDebian: boolean;
  isExecutable: (file: string) => boolean;
}
export interface BrowserNeed {
  name: string;
  envVar: string;
  defaultPath: string;
  pathNames: string[];
  debianPackage: string;
}
export type ChromiumCheck = { kind: 'found'; path: string } | { kind: 'install'; command: string[]; path: string } | { kind: 'missing'; message: string };
export type TestToolsCheck = { kind: 'ready'; env: Record<string, string> } | { kind: 'install'; command: string[]; packages: string[] } | { kind: 'missing'; message: string };
export const DEFAULT_CHROMIUM: string;
export const DEFAULT_FIREFOX: string;
export const DEBIAN_INSTALL: string[];
export const MINIMUM_NODE: [number, number];
export const CHROMIUM: BrowserNeed;
export const FIREFOX: BrowserNeed;
export function debianInstall(packages: string[]): string[];
export function checkChromium(environment: PreflightEnv): ChromiumCheck;
export function checkNode(version: string): string | null;
export function checkTestTools(environment: PreflightEnv, nodeVersion: string, needs?: BrowserNeed[]): TestToolsCheck;
export function currentEnv(): PreflightEnv;
export function runInstall(command: string[]): number | null;
export function ensureChromium(environment?: PreflightEnv, run?: (command: string[]) => number | null): string | null;
export function ensureTestTools(environment?: PreflightEnv, run?: (command: string[]) => number | null, nodeVersion?: string, needs?: BrowserNeed[]): Record<string, string> | null;
