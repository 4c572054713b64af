import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { allowsAddress, allowsHost, blockedRange, neverAllowed, type AllowList } from './ip-ranges.js';

/**
 * The guarded HTTP client for requests the platform makes to addresses customers choose (webhook
 * endpoints, later media URLs): such a URL must not become a way into this machine or its network
 * (SSRF). The rules:
 *
 * - http(s) only, and https only in production; no user:password in the URL.
 * - The host name is resolved once, inside the connection's own lookup, and every address it
 *   resolves to is checked; the socket then connects to exactly those checked addresses, so a DNS
 *   answer that changes between check and connect (rebinding) gains nothing. IP literals are checked
 *   as they are. Loopback, private, link-local (169.254.169.254, the cloud metadata service),
 *   unique-local, CGNAT, IPv4-mapped and similar addresses are refused unless the allow-list names
 *   the host or the address; unspecified and multicast addresses are refused always.
 * - Redirects are never followed: a 3xx is returned as it is, for the caller to treat as a failure.
 * - A connect timeout, a total timeout, and a cap on how much of the response body is read.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SafeFetchOptions {
  /** Refuse plain http (production). */
  requireHttps: boolean;
  allow: AllowList;
  /** Replaces the system resolver (tests; a deployment with its own DNS). */
  resolve?: Resolver;
  connectTimeoutMs?: number;
  /** The whole request, from connect to the last byte read. */
  timeoutMs?: number;
  /** Response bytes read at most; the rest is discarded and `truncated` set. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Sockets kept per origin (keep-alive). */
  connectionsPerOrigin?: number;
}

export type RefusalCode = 'invalid_url' | 'scheme_not_allowed' | 'credentials_in_url' | 'address_not_allowed' | 'dns_failed';
export type FailureCode = 'connect_timeout' | 'timeout' | 'connection_failed' | 'aborted';

/** The request was not sent: the URL or the addresses it resolves to are not allowed. */
export class OutboundRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The request was sent (or attempted) but no complete answer came back. */
export class OutboundFailed extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundFailed';
  }
}

export interface SafeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Shorter than the client's timeout for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  truncated: boolean;
}

export interface SafeFetch {
  /** The checks a request would make (URL, DNS, addresses), without sending anything. */
  check(url: string): Promise<void>;
  request(url: string, init?: SafeRequest): Promise<SafeResponse>;
  close(): Promise<void>;
}

const systemResolver: Resolver = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;

  function parse(url: string): URL {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new OutboundRefused('invalid_url', 'The URL is not valid.');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OutboundRefused('scheme_not_allowed', 'Only http and https URLs can be called.');
    if (options.requireHttps && u.protocol !== 'https:') throw new OutboundRefused('scheme_not_allowed', 'Only https URLs can be called.');
    if (u.username || u.password) throw new OutboundRefused('credentials_in_url', 'URLs with a user name or password are not accepted.');
    return u;
  }

  function checkAddress(hostname: string, address: string): void {
    const blocked = blockedRange(address);
    if (!blocked) return;
    if (!neverAllowed(blocked) && (allowsHost(options.allow, hostname) || allowsAddress(options.allow, address))) return;
    throw new OutboundRefused('address_not_allowed', `${hostname} resolves to ${address}, a ${blocked} address, which the platform does not call.`);
  }

  async function resolveChecked(hostname: string): Promise<{ address: string; family: number }[]> {
    let found: { address: string; family: number }[];
    try {
      found = await resolve(hostname);
    } catch (err) {
      throw new OutboundRefused('dns_failed', `${hostname} could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
    }
    if (!found.length) throw new OutboundRefused('dns_failed', `${hostname} has no addresses.`);
    // Every answer must pass: a resolver mixing a public and a private address is refused whole.
    for (const a of found) checkAddress(hostname, a.address);
    return found;
  }

  const hostOf = (u: URL) => u.hostname.replace(/^\[|\]$/g, '');

  // The only DNS lookup a connection makes; what it returns is what the socket connects to.
  const lookup: LookupFunction = (hostname, opts, callback) => {
    resolveChecked(hostname).then(
      (addresses) => {
        if ((opts as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };

  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 5_000, lookup },
    connections: options.connectionsPerOrigin ?? 16,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function check(url: string): Promise<void> {
    const u = parse(url);
    const host = hostOf(u);
    if (isIP(host)) checkAddress(host, host);
    else await resolveChecked(host);
  }

  async function send(url: string, init: SafeRequest = {}): Promise<SafeResponse> {
    const u = parse(url);
    const host = hostOf(u);
    // A literal address skips the lookup above, so it is checked here; there is no DNS to rebind.
    if (isIP(host)) checkAddress(host, host);
    const limit = Math.min(init.timeoutMs ?? timeoutMs, timeoutMs);
    const deadline = AbortSignal.timeout(limit);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    try {
      const res = await request(u, {
        dispatcher: agent,
        method: init.method ?? 'GET',
        headers: { 'user-agent': options.userAgent ?? 'SevaKendra/1.0', ...init.headers },
        body: init.body ?? null,
        signal,
        headersTimeout: limit,
        bodyTimeout: limit,
      });
      const { body, truncated } = await readCapped(res.body, maxResponseBytes);
      return { status: res.statusCode, headers: res.headers, body, truncated };
    } catch (err) {
      throw translate(err, { deadline, caller: init.signal, limit, host });
    }
  }

  return { check, request: send, close: () => agent.close() };
}

/**
 * Reads at most `max` bytes of a body and drops the rest (the connection then closes). Listeners
 * rather than `for await`: an async iterator per answer costs more than the rest of a small request.
 */
function readCapped(stream: Readable, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (truncated: boolean) => {
      // The error listener stays: a late error must not go unhandled (rejecting now changes nothing).
      stream.off('data', onData);
      stream.off('end', onEnd);
      resolve({ body: Buffer.concat(chunks, size), truncated });
    };
    const onData = (buf: Buffer) => {
      const room = max - size;
      if (buf.length > room) {
        chunks.push(buf.subarray(0, room));
        size += room;
        done(true);
        stream.destroy();
        return;
      }
      chunks.push(buf);
      size += buf.length;
    };
    const onEnd = () => done(false);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', reject);
  });
}

function translate(err: unknown, ctx: { deadline: AbortSignal; caller: AbortSignal | undefined; limit: number; host: string }): Error {
  if (err instanceof OutboundRefused || err instanceof OutboundFailed) return err;
  // The lookup's refusal reaches us as the connection error itself, possibly wrapped.
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundRefused) return cause;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (ctx.caller?.aborted) return new OutboundFailed('aborted', 'The request was cancelled.', { cause: err });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new OutboundFailed('connect_timeout', `No connection to ${ctx.host} could be made in time.`, { cause: err });
  if (ctx.deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new OutboundFailed('timeout', `No complete answer within ${ctx.limit} ms.`, { cause: err });
  }
  const detail = code || (err as Error).message;
  return new OutboundFailed('connection_failed', `The connection to ${ctx.host} failed (${detail}).`, { cause: err });
}
