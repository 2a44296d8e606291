// Types for scripts/test-run.mjs (plain JavaScript so that `npm test` runs before any build).
export interface Step {
  name: string;
  args: string[];
  env?: Record<string, string>;
}
export interface Phase {
  lanes: Step[][];
}
export interface StepResult {
  name: string;
  seconds: number;
  status: 'passed' | 'failed' | 'skipped';
}
export interface TestTiming {
  title: string;
  file: string;
  seconds: number;
}
export const root: string;
export const timingsDir: string;
export function testPlan(dir?: string): Phase[];
export function runNpm(step: Step, env: Record<string, string>): Promise<number>;
export function runPhases(phases: Phase[], run: (step: Step) => Promise<number>, now?: () => number): Promise<StepResult[]>;
export function vitestTimings(report: unknown): TestTiming[];
export function playwrightTimings(report: unknown): TestTiming[];
export function slowest(timings: TestTiming[], count?: number): TestTiming[];
export function summary(results: StepResult[], totalSeconds: number, timings: { unit: TestTiming[]; e2e: TestTiming[] }): string;
export function collectTimings(dir?: string): { unit: TestTiming[]; e2e: TestTiming[] };
export function freshTimingsDir(dir?: string): void;
