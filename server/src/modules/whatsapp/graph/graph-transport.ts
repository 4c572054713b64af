import type { FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { flattenHeaders, injectHttp } from '../../../platform/in-process-http.js';
import { GraphRequestError } from './graph-errors.js';

/**
 * One HTTP exchange with the Graph API (or the simulator, or a webhook receiver). The client does
 * retries and error parsing; a transport only moves bytes, so tests and the in-process simulator
 * can replace it. Network failures reject with GraphRequestError ('connect', 'timeout', 'network').
 */
export interface GraphHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Answers longer than this are cut off as 'invalid_response' (media downloads set more). */
  maxResponseBytes?: number;
}

export interface GraphHttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export type GraphTransport = (request: GraphHttpRequest) => Promise<GraphHttpResponse>;

export interface PooledTransport {
  transport: GraphTransport;
  /** Closes the pooled connections (on app shutdown). */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE = 8 * 1024 * 1024;

// Errors raised before a single byte of the request can have reached the server.
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

/**
 * The real network: an undici Agent keeps a pool of keep-alive connections per origin, so a busy
 * sender reuses warm TLS connections to graph.facebook.com instead of a handshake per message.
 * Sizes: Meta's default throughput is 80 messages/s per number and a send takes ~200-600 ms, so
 * one origin needs ~50 concurrent sockets per busy number; 256 covers several busy numbers per
 * process. Keep-alive is kept short (4 s) so an idle socket is dropped by us before the server
 * closes it: a request written to a socket the server just closed has an unknown outcome.
 */
export function createPooledTransport(opts: { connections?: number; keepAliveTimeoutMs?: number; connectTimeoutMs?: number } = {}): PooledTransport {
  const agent = new Agent({
    connections: opts.connections ?? 256,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 4_000,
    keepAliveMaxTimeout: 30_000,
    connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
  });
  const transport: GraphTransport = async (request) => {
    const url = new URL(request.url);
    const signal = AbortSignal.timeout(request.timeoutMs);
    const max = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    try {
      const res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > max) {
          res.body.destroy();
          throw new GraphRequestError('invalid_response', `${request.method} ${url.pathname} answered more than ${max} bytes`, res.statusCode);
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) };
    } catch (err) {
      if (err instanceof GraphRequestError) throw err;
      const code = errorCode(err);
      const where = `${request.method} ${url.origin}${url.pathname}`;
      if (code && CONNECT_CODES.has(code)) {
        throw new GraphRequestError('connect', `${where}: could not connect (${code})`, undefined, { cause: err });
      }
      const name = (err as Error)?.name;
      if (signal.aborted || name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new GraphRequestError('timeout', `${where}: no answer within ${request.timeoutMs} ms`, undefined, { cause: err });
      }
      throw new GraphRequestError('network', `${where} failed: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err });
    }
  };
  return { transport, close: () => agent.close() };
}

/** Calls this same app in-process (the simulator), with the Host header of the URL. */
export function injectTransport(getApp: () => FastifyInstance): GraphTransport {
  return injectHttp(getApp, (message, cause) => new GraphRequestError('network', message, undefined, { cause }));
}
