// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { ContentScriptContext } from '@/lib/content/lifetime';

const started: ContentScriptContext[] = [];
const start = () => {
  const ctx = new ContentScriptContext('chatgpt');
  started.push(ctx);
  return ctx;
};

/** What a real reload or update does to a running copy: its extension context (and id) is gone. */
function withoutExtension<T>(run: () => T): T {
  const spy = vi.spyOn(browser.runtime, 'id', 'get').mockReturnValue(undefined as unknown as string);
  try {
    return run();
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  for (const ctx of started.splice(0)) ctx.notifyInvalidated();
  vi.useRealTimers();
});

describe('the content script lifetime', () => {
  it('the started event names the extension and the entry, as WXT does (older copies listen for it)', () => {
    expect(browser.runtime.id).toBeTruthy();
    expect(ContentScriptContext.startedType('chatgpt')).toBe(`${browser.runtime.id}:chatgpt:wxt:content-script-started`);
  });

  it('a per-site copy also announces itself as `host`, the one entry of older builds, so that their copies stop', () => {
    const heard = vi.fn();
    const type = ContentScriptContext.startedType('host');
    document.addEventListener(type, heard);
    start();
    document.removeEventListener(type, heard);
    expect(heard).toHaveBeenCalledOnce();
  });

  it('a started event forged by the page does not stop a running copy', () => {
    const ctx = start();
    const stopped = vi.fn();
    ctx.onInvalidated(stopped);
    const type = ContentScriptContext.startedType('chatgpt');
    for (const target of [document, window]) target.dispatchEvent(new CustomEvent(type, { detail: { contentScriptName: 'chatgpt', messageId: 'forged' } }));
    expect(stopped).not.toHaveBeenCalled();
    expect(ctx.isValid).toBe(true);
  });

  it('a copy whose extension context is gone stops when a newer copy starts', () => {
    const old = start();
    const stopped = vi.fn();
    old.onInvalidated(stopped);
    // The newer copy starts in a live extension; the old one hears it from a dead context.
    const type = ContentScriptContext.startedType('chatgpt');
    const announce = () => document.dispatchEvent(new CustomEvent(type, { detail: { contentScriptName: 'chatgpt', messageId: 'newer' } }));
    withoutExtension(announce);
    expect(stopped).toHaveBeenCalledOnce();
    expect(old.signal.aborted).toBe(true);
  });

  it('timers and listeners started through it stop with it', () => {
    vi.useFakeTimers();
    const ctx = start();
    const timer = vi.fn();
    const click = vi.fn();
    ctx.setTimeout(timer, 100);
    ctx.addEventListener(document, 'click', click);
    ctx.notifyInvalidated();
    vi.advanceTimersByTime(200);
    document.body.click();
    expect(timer).not.toHaveBeenCalled();
    expect(click).not.toHaveBeenCalled();
  });

  it('a timer does not run once the extension context is gone', () => {
    vi.useFakeTimers();
    const ctx = start();
    const timer = vi.fn();
    ctx.setTimeout(timer, 100);
    withoutExtension(() => vi.advanceTimersByTime(200));
    expect(timer).not.toHaveBeenCalled();
    expect(ctx.signal.aborted).toBe(true);
  });

  it('reports URL changes without the Navigation API (a check each second), and not after it stopped', () => {
    vi.useFakeTimers();
    const ctx = start();
    const changed = vi.fn();
    ctx.addEventListener(window, 'wxt:locationchange', changed);
    // The page cannot fire it: nothing listens for an event of that name.
    window.dispatchEvent(new Event('wxt:locationchange'));
    vi.advanceTimersByTime(1500);
    expect(changed).not.toHaveBeenCalled();
    history.pushState(null, '', '/c/next');
    vi.advanceTimersByTime(1000);
    expect(changed).toHaveBeenCalledOnce();
    ctx.notifyInvalidated();
    history.pushState(null, '', '/c/after');
    vi.advanceTimersByTime(2000);
    expect(changed).toHaveBeenCalledOnce();
  });
});
