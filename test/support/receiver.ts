import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitUntil } from './wait.js';

/** One request as the receiver saw it. */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** 1-based position among all requests this receiver got. */
  n: number;
}

/** How to answer request `n`; return nothing to answer 200 "ok". */
export type Responder = (req: Received, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 that records what reaches it and answers as told. */
export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** TCP connections accepted so far, whether or not a request followed. */
  connections: number;
  respond(responder: Responder): void;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(responder?: Responder): Promise<Receiver> {
  let answer: Responder = responder ?? (() => undefined);
  const sockets = new Set<Socket>();
  const receiver = { requests: [] as Received[], connections: 0 } as Receiver;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const seen: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
        n: receiver.requests.length + 1,
      };
      receiver.requests.push(seen);
      try {
        await answer(seen, res);
      } catch {
        res.destroy();
        return;
      }
      if (!res.headersSent && !res.destroyed) res.writeHead(200).end('ok');
    });
  });
  server.on('connection', (socket: Socket) => {
    receiver.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    port,
    respond(next: Responder) {
      answer = next;
    },
    async waitFor(count: number, timeoutMs = 10_000) {
      await waitUntil(() => receiver.requests.length >= count, timeoutMs, `${count} requests at the receiver`);
      return receiver.requests.slice(0, count);
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** Answers with a status, optional headers and body. */
export const reply =
  (status: number, body = '', headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, headers).end(body);
  };

/** Answers request n with statuses[n-1], and the last status after that. */
export const statusSequence =
  (...statuses: number[]): Responder =>
  (req, res) => {
    res.writeHead(statuses[Math.min(req.n, statuses.length) - 1]).end(`answer ${req.n}`);
  };
