import { browser } from 'wxt/browser';
import type { PanelPortReply, PanelTaskDetail } from '@/lib/messaging/panel-port';
import type { PanelPortRequest } from '@/lib/messaging/schemas';

/**
 * The panel's side of the port, against a fake port that records what the panel asks and lets the
 * test answer as the background would.
 */
class FakePort {
  name = 'convops-panel-data';
  sent: PanelPortRequest[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };
  postMessage(m: PanelPortRequest) {
    this.sent.push(m);
  }
  reply(r: PanelPortReply) {
    for (const l of this.messageListeners) l(r);
  }
  drop() {
    for (const l of this.disconnectListeners) l();
  }
}

let ports: FakePort[];

async function freshClient() {
  vi.resetModules();
  ports = [];
  vi.spyOn(browser.runtime, 'connect').mockImplementation((() => {
    const port = new FakePort();
    ports.push(port);
    return port;
  }) as never);
  return (await import('@/components/panel/bridge-client')).bridge();
}

const subscriptions = (port: FakePort) => port.sent.filter((m) => m.kind === 'subscribe');

function detail(notes: string[]): PanelTaskDetail {
  return {
    task: { id: 't1', rev: 1 } as PanelTaskDetail['task'],
    workflow: { id: 'w' } as PanelTaskDetail['workflow'],
    notes: notes.map((id, i) => ({ id, createdAt: `2026-01-0${i + 1}T00:00:00.000Z`, deleted: false, body: id }) as PanelTaskDetail['notes'][number]),
    events: [{ seq: 1, hash: 'h1' } as PanelTaskDetail['events'][number]],
  };
}

afterEach(() => vi.restoreAllMocks());

describe('panel bridge client', () => {
  it('asks the background once for the same question, and a later subscriber gets the answer at once', async () => {
    const client = await freshClient();
    const first: unknown[] = [];
    client.prefetch('settings', {});
    client.subscribe('settings', {}, (v) => first.push(v));
    expect(subscriptions(ports[0]!)).toHaveLength(1);
    const id = subscriptions(ports[0]!)[0]!.id;
    ports[0]!.reply({ kind: 'data', id, value: { displayName: 'Pat' } as never });
    expect(first).toEqual([{ displayName: 'Pat' }]);
    expect(client.cached('settings', {})).toEqual({ value: { displayName: 'Pat' } });

    const late: unknown[] = [];
    client.subscribe('settings', {}, (v) => late.push(v));
    expect(late).toEqual([{ displayName: 'Pat' }]);
    expect(subscriptions(ports[0]!)).toHaveLength(1);
  });

  it('stops the live query when the last subscriber leaves, and asks afresh next time', async () => {
    const client = await freshClient();
    const stopA = client.subscribe('open-tasks', {}, () => {});
    const stopB = client.subscribe('open-tasks', {}, () => {});
    stopA();
    expect(ports[0]!.sent.some((m) => m.kind === 'unsubscribe')).toBe(false);
    stopB();
    expect(ports[0]!.sent.filter((m) => m.kind === 'unsubscribe')).toHaveLength(1);
    expect(client.cached('open-tasks', {})).toBeNull();
    client.subscribe('open-tasks', {}, () => {});
    expect(subscriptions(ports[0]!)).toHaveLength(2);
  });

  it('applies a pushed change to the detail it holds and hands subscribers the new detail', async () => {
    const client = await freshClient();
    const seen: PanelTaskDetail[] = [];
    client.subscribe('task-detail', { taskId: 't1' }, (v) => v && seen.push(v));
    const id = subscriptions(ports[0]!)[0]!.id;
    ports[0]!.reply({ kind: 'detail', id, detail: detail(['a', 'b']) });
    const b = { ...detail(['a', 'b']).notes[1]!, body: 'b, edited' };
    const c = { id: 'c', createdAt: '2026-01-09T00:00:00.000Z', deleted: false, body: 'c' } as PanelTaskDetail['notes'][number];
    const a = { ...detail(['a']).notes[0]!, deleted: true };
    ports[0]!.reply({
      kind: 'change',
      id,
      change: { task: { id: 't1', rev: 2 } as PanelTaskDetail['task'], notes: [b, c, a], events: [{ seq: 2, hash: 'h2' } as PanelTaskDetail['events'][number]] },
    });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.notes.map((n) => n.body)).toEqual(['b, edited', 'c']);
    expect(seen[1]!.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(seen[1]!.task.rev).toBe(2);
    // The first detail is left as it was: React compares by reference.
    expect(seen[0]!.notes.map((n) => n.body)).toEqual(['a', 'b']);
  });

  it('puts the events a first read left out in front of the detail it holds, once, and only for that read', async () => {
    const client = await freshClient();
    const seen: PanelTaskDetail[] = [];
    client.subscribe('task-detail', { taskId: 't1' }, (v) => v && seen.push(v));
    const id = subscriptions(ports[0]!)[0]!.id;
    const event = (seq: number) => ({ seq, hash: `h${seq}` }) as PanelTaskDetail['events'][number];
    ports[0]!.reply({ kind: 'detail', id, detail: { ...detail(['a']), events: [event(3), event(4)], earlierThan: 3 } });
    ports[0]!.reply({ kind: 'change', id, change: { task: { id: 't1', rev: 2 } as PanelTaskDetail['task'], notes: [], events: [event(5)] } });
    // Earlier events read for another first read (a detail sent again since) change nothing.
    ports[0]!.reply({ kind: 'earlier', id, before: 2, events: [event(1)] });
    expect(seen.at(-1)!.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    ports[0]!.reply({ kind: 'earlier', id, before: 3, events: [event(1), event(2)] });
    expect(seen.at(-1)!.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.at(-1)!.earlierThan).toBeUndefined();
    ports[0]!.reply({ kind: 'earlier', id, before: 3, events: [event(1), event(2)] });
    expect(seen.at(-1)!.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes every note after a first read that carried only some, once, then applies the changes after them', async () => {
    const client = await freshClient();
    const seen: PanelTaskDetail[] = [];
    client.subscribe('task-detail', { taskId: 't1' }, (v) => v && seen.push(v));
    const id = subscriptions(ports[0]!)[0]!.id;
    const all = detail(['a', 'b', 'c']).notes;
    ports[0]!.reply({ kind: 'detail', id, detail: { ...detail(['c']), notes: [all[2]!], notesToCome: true } });
    expect(seen.at(-1)!.notes.map((n) => n.body)).toEqual(['c']);
    ports[0]!.reply({ kind: 'notes', id, notes: [all[2]!, all[0]!, all[1]!] });
    expect(seen.at(-1)!.notes.map((n) => n.body)).toEqual(['a', 'b', 'c']);
    expect(seen.at(-1)!.notesToCome).toBeUndefined();
    // A second notes reply (for a detail since replaced) changes nothing.
    ports[0]!.reply({ kind: 'notes', id, notes: [] });
    expect(seen.at(-1)!.notes.map((n) => n.body)).toEqual(['a', 'b', 'c']);
  });

  it('a live query the background cannot answer yields null instead of loading forever', async () => {
    const client = await freshClient();
    const seen: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation(() => {});
    client.subscribe('task-detail', { taskId: 't1' }, (v) => seen.push(v));
    const id = subscriptions(ports[0]!)[0]!.id;
    ports[0]!.reply({ kind: 'error', id, error: { name: 'DatabaseClosedError', message: 'closed' } });
    expect(seen).toEqual([null]);
  });

  it('after the background restarts, subscribes again to what is still followed, once each', async () => {
    vi.useFakeTimers();
    try {
      const client = await freshClient();
      client.subscribe('settings', {}, () => {});
      client.subscribe('settings', {}, () => {});
      client.subscribe('library', {}, () => {});
      ports[0]!.drop();
      vi.advanceTimersByTime(250);
      expect(ports).toHaveLength(2);
      expect(subscriptions(ports[1]!).map((m) => (m as { query: string }).query).sort()).toEqual(['library', 'settings']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a port refused again and again is asked less and less often; an answer resets the pace', async () => {
    vi.useFakeTimers();
    try {
      const client = await freshClient();
      client.subscribe('settings', {}, () => {});
      const connectsAfter = (ms: number) => {
        ports.at(-1)!.drop();
        vi.advanceTimersByTime(ms);
        return ports.length;
      };
      expect(connectsAfter(200)).toBe(2);
      expect(connectsAfter(200)).toBe(2);
      expect(connectsAfter(200)).toBe(3);
      const id = subscriptions(ports.at(-1)!)[0]!.id;
      ports.at(-1)!.reply({ kind: 'data', id, value: null as never });
      expect(connectsAfter(200)).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
