import type { BrowserContext } from '@playwright/test';

/**
 * Counts the person's actions in a test: every click the test makes, through any locator, page, frame
 * or the mouse, on every page of the context (the chat, the panel frame, a review window, the options
 * page); ticking a box counts as a click, choosing from a list (`selectOption`) as two (open, choose);
 * every key pressed that is not typing text (Enter — the chat's Send —, Tab, Escape, shortcuts) counts
 * too. Typing text (`type`, `fill`) is not an action: answers and titles are the person's words, and
 * their characters are counted apart (`typed`). Patches Playwright's client classes for the test.
 */
export interface ClickCounter {
  /** Clicks (a list choice as two) and keys that are not text. */
  readonly count: number;
  /** Characters typed (not counted as actions). */
  readonly typed: number;
  /** What was clicked, in order (for the failure message). */
  readonly log: readonly string[];
  restore(): void;
}

const LOCATOR_METHODS = ['click', 'dblclick', 'tap', 'check', 'uncheck', 'setChecked', 'selectOption'] as const;
const PAGE_METHODS = ['click', 'dblclick', 'tap', 'check', 'uncheck', 'setChecked', 'selectOption'] as const;
const MOUSE_METHODS = ['click', 'dblclick'] as const;
const KEYBOARD_METHODS = ['press', 'type', 'insertText'] as const;

export async function countClicks(context: BrowserContext): Promise<ClickCounter> {
  const page = context.pages()[0] ?? (await context.newPage());
  const protos: Array<[object, readonly string[], string]> = [
    [Object.getPrototypeOf(page.locator('body')), LOCATOR_METHODS, 'locator'],
    [Object.getPrototypeOf(page), PAGE_METHODS, 'page'],
    [Object.getPrototypeOf(page.mainFrame()), PAGE_METHODS, 'frame'],
    [Object.getPrototypeOf(page.mouse), MOUSE_METHODS, 'mouse'],
    [Object.getPrototypeOf(page.keyboard), KEYBOARD_METHODS, 'keyboard'],
  ];
  const log: string[] = [];
  let typed = 0;
  let depth = 0;
  const originals: Array<[object, string, unknown]> = [];
  for (const [proto, methods, kind] of protos) {
    for (const name of methods) {
      const original = (proto as Record<string, unknown>)[name];
      if (typeof original !== 'function') continue;
      originals.push([proto, name, original]);
      (proto as Record<string, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
        // A page click runs a frame click inside: one click.
        if (depth === 0) {
          if (kind === 'keyboard') {
            if (name === 'press') log.push(`key ${String(args[0])}`);
            else typed += String(args[0]).length;
          } else {
            log.push(`${kind}.${name} ${String(this).slice(0, 120)}`);
            if (name === 'selectOption') log.push('  (choosing from the list)');
          }
        }
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
    get typed() {
      return typed;
    },
    log,
    restore() {
      for (const [proto, name, original] of originals) (proto as Record<string, unknown>)[name] = original;
    },
  };
}
