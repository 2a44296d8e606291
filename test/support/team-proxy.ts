import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../scripts/team-install.mjs';

/**
 * A pass-through proxy in front of the team server, on its own loopback port: it notes every request
 * it sees (the bench counts an idle member's requests with it), and it can stop answering and come
 * back on the same port (a network that drops and returns, for the tests), the server behind it
 * keeping everything.
 */
export interface TeamProxy {
  /** The proxy's origin, like http://127.0.0.1:40123. */
  url: string;
  seen: Array<{ at: number; method: string; path: string }>;
  /** Refuses connections and cuts the open ones (a long-poll included). */
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startTeamProxy(target: string): Promise<TeamProxy> {
  const upstream = new URL(target);
  const seen: TeamProxy['seen'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '' });
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await listen();
  return { url: `http://127.0.0.1:${port}`, seen, pause: stop, resume: listen, close: () => (server.listening ? stop() : Promise.resolve()) };
}
