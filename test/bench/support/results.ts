import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where each bench spec leaves its figures for scripts/bench.mjs to print. */
export const benchResultsDir = path.resolve(import.meta.dirname, '../../../bench-results');

export function writeBenchResult(name: string, figures: Record<string, unknown>): void {
  mkdirSync(benchResultsDir, { recursive: true });
  writeFileSync(path.join(benchResultsDir, `${name}.json`), JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2));
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile (p95 of 30 values is the 29th smallest). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (q === 0.5 && sorted.length % 2 === 0) return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
