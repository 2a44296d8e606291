import type { BrowserContext } from '@playwright/test';

/**
 * Counts the person's clicks in a test: every click the test makes, through any locator, page, frame
 * or the mouse, on every page of the context (the chat, the panel frame, a review window, the options
 * page). Choosing from a list (`selectOption`) and ticking a box count as a click too; typing and
 * keys do not. Patches Playwright's client classes for the duration of the test.
 */
export interface ClickCounter {
  readonly count: number;
  /** What was clicked, in order (for the failure message). */
  readonly log: readonly string[];
  restore(): void;
}

const LOCATOR_METHODS = ['click', 'dblclick', 'tap', 'check', 'uncheck', 'setChecked', 'selectOption'] as const;
const PAGE_METHODS = ['click', 'dblclick', 'tap', 'check', 'uncheck', 'setChecked', 'selectOption'] as const;
const MOUSE_METHODS = ['click', 'dblclick'] as const;

export async function countClicks(context: BrowserContext): Promise<ClickCounter> {
  const page = context.pages()[0] ?? (await context.newPage());
  const protos: Array<[object, readonly string[], string]> = [
    [Object.getPrototypeOf(page.locator('body')), LOCATOR_METHODS, 'locator'],
    [Object.getPrototypeOf(page), PAGE_METHODS, 'page'],
    [Object.getPrototypeOf(page.mainFrame()), PAGE_METHODS, 'frame'],
    [Object.getPrototypeOf(page.mouse), MOUSE_METHODS, 'mouse'],
  ];
  const log: string[] = [];
  let depth = 0;
  const originals: Array<[object, string, unknown]> = [];
  for (const [proto, methods, kind] of protos) {
    for (const name of methods) {
      const original = (proto as Record<string, unknown>)[name];
      if (typeof original !== 'function') continue;
      originals.push([proto, name, original]);
      (proto as Record<string, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
        // A page click runs a frame click inside: one click.
        if (depth === 0) log.push(`${kind}.${name} ${String(this).slice(0, 120)}`);
        depth++;
        try {
          return await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
        } finally {
          depth--;
        }
      };
    }
  }
  return {
    get count() {
      return log.length;
    },
    log,
    restore() {
      for (const [proto, name, original] of originals) (proto as Record<string, unknown>)[name] = original;
    },
  };
}
