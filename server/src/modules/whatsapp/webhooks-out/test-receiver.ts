import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A customer's webhook endpoint for tests and the benchmark: records every request byte for byte. */

export interface Received {
  /** Order of arrival, from 1. */
  n: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered; null when it never answered (hung up or held the request). */
  answered: number | null;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number;
  /** Never answer (a receiver that hangs until the client gives up). */
  hang?: boolean;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Answered with a 2xx. */
  acknowledged(): Received[];
  close(): Promise<void>;
}

export async function startReceiver(respond: (r: Received) => Answer = () => ({ status: 204 })): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { n: received.length + 1, path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: null };
      received.push(r);
      const a = respond(r);
      if (a.hang) return;
      const send = () => {
        if (res.destroyed) return;
        r.answered = a.status ?? 204;
        res.writeHead(r.answered, a.headers ?? {}).end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    acknowledged: () => received.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
