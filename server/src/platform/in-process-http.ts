import type { FastifyInstance } from 'fastify';

export interface InProcessRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute, as over the network: its path is what the app is asked, its host the Host header. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface InProcessResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export function flattenHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/**
 * Calls this same app in-process (app.inject), for the built-in simulators (payment gateway, Meta):
 * a server calling its own PUBLIC_URL breaks behind proxies without hairpin routing, with TLS
 * terminated elsewhere, or while it is still starting. The client code is the same as over the
 * network. A failure inside inject rejects with what `fail` makes of it (each client has its own
 * error type for a network failure).
 */
export function injectHttp(getApp: () => FastifyInstance, fail: (message: string, cause: unknown) => Error): (request: InProcessRequest) => Promise<InProcessResponse> {
  return async (request) => {
    const u = new URL(request.url);
    try {
      const res = await getApp().inject({
        method: request.method,
        url: u.pathname + u.search,
        // The Host the URL names, as over the network (the app builds absolute URLs from it).
        headers: { host: u.host, ...request.headers },
        ...(request.body !== undefined ? { payload: request.body } : {}),
      });
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: res.rawPayload };
    } catch (err) {
      throw fail(`${request.method} ${u.pathname} failed in-process: ${(err as Error).message}`, err);
    }
  };
}
