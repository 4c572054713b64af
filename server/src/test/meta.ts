import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../platform/paths.js';
import type { LightMyRequestResponse } from 'fastify';
import { PROGRESS_JOB, TEMPLATE_REVIEW_JOB, WEBHOOK_JOB } from '../modules/meta-sandbox/meta-sandbox.service.js';
import { createGraphClient, type GraphClient } from '../modules/whatsapp/graph/graph-client.js';
import { injectTransport } from '../modules/whatsapp/graph/graph-transport.js';
import type { TestPlatform } from './harness.js';

/**
 * Test helpers for the WhatsApp work: Meta's example bodies (a copy of ../shared/meta/examples kept in server/test-fixtures; the
 * contract the platform is held to), a structural comparison, and a local HTTP server that
 * captures webhook deliveries.
 */

export const META_EXAMPLES_DIR = process.env.META_EXAMPLES_DIR ?? path.join(packageRoot, 'server', 'test-fixtures', 'meta-examples');
/** The shared reference the fixtures were copied from, where the checkout has it beside it. */
export const SHARED_META_EXAMPLES_DIR = path.join(packageRoot, '..', 'shared', 'meta', 'examples');

export function exampleNames(prefix: string): string[] {
  return readdirSync(META_EXAMPLES_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort();
}

export function exampleBytes(name: string): Buffer {
  return readFileSync(path.join(META_EXAMPLES_DIR, name));
}

export function example<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(exampleBytes(name).toString('utf8')) as T;
}

/**
 * The structure of a JSON value: objects keep their keys, arrays the structure of their first
 * element, leaves become their type. Two bodies of "the same shape" compare equal even when ids,
 * timestamps and texts differ.
 */
export function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shapeOf(v[0])] : [];
  if (v === null) return 'null';
  if (typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v;
}

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A webhook receiver on 127.0.0.1:<free port> that records every request and answers `status`. */
export async function captureServer(): Promise<{ url: string; requests: CapturedRequest[]; status: number; take(): CapturedRequest[]; close(): Promise<void> }> {
  const requests: CapturedRequest[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      // Meta's verification handshake: answer the challenge, as the platform's endpoint will.
      const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge');
      if (req.method === 'GET' && challenge) return void res.writeHead(state.status, { 'content-type': 'text/plain' }).end(challenge);
      res.writeHead(state.status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    requests,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    /** The requests received since the last take. */
    take() {
      return requests.splice(0, requests.length);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- the simulator, driven the way the tests need it ------------------------------------------


export interface SimNumber {
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  access_token: string;
  graph_url: string;
}

/** Helpers over one test platform whose simulator delivers webhooks to `hook`. */
export function sandboxKit(t: TestPlatform, hook: { take(): CapturedRequest[] }) {
  const sim = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
    t.app.inject({ method, url: `/sandbox/graph/_sim${url}`, ...(body !== undefined ? { payload: body as object } : {}) });

  /** The Graph client in-process, without retries, so each error arrives as it was answered. */
  const graph: GraphClient = createGraphClient({
    baseUrl: t.config.publicUrl + '/sandbox/graph',
    version: 'v23.0',
    transport: injectTransport(() => t.app),
    retry: { maxAttempts: 1 },
    sleep: async () => {},
  });

  async function newNumber(settings: Record<string, unknown> = {}, create: Record<string, unknown> = {}): Promise<SimNumber> {
    const res = await sim('POST', '/numbers', create);
    if (res.statusCode !== 201) throw new Error(`create number: ${res.statusCode} ${res.body}`);
    const n = res.json() as SimNumber;
    // Deterministic by default: one POST per status.
    const patch = await sim('PATCH', `/numbers/${n.phone_number_id}`, { webhook_batching: 'never', ...settings });
    if (patch.statusCode !== 200) throw new Error(`patch number: ${patch.statusCode} ${patch.body}`);
    return n;
  }

  async function inbound(n: SimNumber, from: string, messages: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
    const res = await sim('POST', '/inbound', { phone_number_id: n.phone_number_id, from, messages, ...extra });
    if (res.statusCode !== 201) throw new Error(`inbound: ${res.statusCode} ${res.body}`);
    return res.json() as { messages: { id: string; type: string }[]; webhooks: string[] };
  }

  function send(n: SimNumber, body: unknown, token: string | null = n.access_token, version = 'v23.0'): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method: 'POST',
      url: `/sandbox/graph/${version}/${n.phone_number_id}/messages`,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      payload: body as object,
    });
  }

  /** Lets queued jobs that were scheduled for later run now (time passing). */
  async function due(name: string) {
    await t.db.query("UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state IN ('created', 'retry')", [name]);
  }

  /** Runs the simulator's jobs (statuses, then deliveries) and answers the webhooks received since last time. */
  async function flush(opts: { reviews?: boolean } = {}): Promise<CapturedRequest[]> {
    if (opts.reviews) {
      await due(TEMPLATE_REVIEW_JOB);
      await t.platform.jobs.runPending(TEMPLATE_REVIEW_JOB, 1000);
    }
    await t.platform.jobs.runPending(PROGRESS_JOB, 1000);
    await t.platform.jobs.runPending(WEBHOOK_JOB, 1000);
    return hook.take();
  }

  /** Creates a template through the Graph API and sets its status (APPROVED unless told). */
  async function template(n: SimNumber, def: Record<string, unknown>, status = 'APPROVED', extra: Record<string, unknown> = {}): Promise<string> {
    const created = await graph.createTemplate(n.waba_id, n.access_token, def as never);
    const res = await sim('PATCH', `/templates/${created.id}`, { status, ...extra });
    if (res.statusCode !== 200) throw new Error(`template status: ${res.statusCode} ${res.body}`);
    return created.id;
  }

  return { sim, graph, newNumber, inbound, send, flush, due, template };
}

export const bodyOf = (r: CapturedRequest) => JSON.parse(r.body.toString('utf8')) as { object: string; entry: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[] };

/** Templates the send examples name, in the shapes Meta would hold them. */
export const EXAMPLE_TEMPLATES: Record<string, unknown>[] = [
  {
    name: 'order_update_v2',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb'] } },
      { type: 'BODY', text: 'Hi {{1}}, your order of {{2}} ships on {{3}}.', example: { body_text: [['Sheena', '$100.99', 'February 25, 2026']] } },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'OK' },
          { type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}', example: ['12345'] },
        ],
      },
    ],
  },
  {
    name: 'order_confirmation_named',
    language: 'en',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{first_name}}, your order {{order_id}} is confirmed.',
        example: { body_text_named_params: [{ param_name: 'first_name', example: 'Sheena' }, { param_name: 'order_id', example: '12345' }] },
      },
    ],
  },
  {
    name: '2023_april_promo',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Fall Sale' },
      { type: 'BODY', text: 'Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off every order above $350!', example: { body_text: [['Mark', 'FALL25']] } },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  },
];
