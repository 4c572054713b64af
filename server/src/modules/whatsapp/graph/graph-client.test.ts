import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { example, exampleNames } from '../../../test/meta.js';
import { createGraphClient, type GraphClientOptions } from './graph-client.js';
import { GraphApiError, GraphRequestError, classifyGraphError, parseGraphError, parseRetryAfter, type GraphErrorCategory } from './graph-errors.js';
import { createPooledTransport, type GraphTransport } from './graph-transport.js';

/**
 * The Graph client against a scripted HTTP server on 127.0.0.1: which failures it retries (and how
 * often), which it never retries, Retry-After, timeouts, keep-alive reuse, and Meta's error
 * envelope. No assertion depends on timing: attempts are counted and requested delays recorded.
 */

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const graphError = (code: number, extra: Record<string, unknown> = {}) => JSON.stringify({ error: { message: `(#${code}) x`, type: 'OAuthException', code, fbtrace_id: 'Atrace', ...extra } });
const SEND = { messaging_product: 'whatsapp' as const, to: '16505551234', type: 'text' as const, text: { body: 'Hi' } };
const OK_SEND = JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: '16505551234', wa_id: '16505551234' }], messages: [{ id: 'wamid.X' }] });
const OK_PHONE = JSON.stringify({ id: '106540352242922', display_phone_number: '+1 555-078-3881', verified_name: 'Shop', quality_rating: 'GREEN' });

describe('Graph API client', () => {
  let server: Server;
  let base: string;
  let script: Handler[] = [];
  let hits: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  let connections = 0;
  const pool = createPooledTransport({ connections: 4 });

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        hits.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const handler = script.length > 1 ? script.shift()! : script[0];
        if (!handler) return res.writeHead(500).end();
        handler(req, res, body);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Answers in order; the last answer repeats. */
  function answers(...handlers: Handler[]) {
    script = handlers;
    hits = [];
  }
  const reply = (status: number, body: string, headers: Record<string, string> = {}): Handler => (_req, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  const hang: Handler = () => {};

  function client(opts: Partial<GraphClientOptions> = {}) {
    const delays: number[] = [];
    const c = createGraphClient({
      baseUrl: base,
      version: 'v23.0',
      transport: pool.transport,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 },
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      ...opts,
    });
    return { c, delays };
  }

  test('a send goes to /{version}/{phone-number-id}/messages with the bearer token and JSON', async () => {
    answers(reply(200, OK_SEND));
    const { c } = client();
    const res = await c.sendMessage('106540352242922', 'EAAtoken', SEND);
    assert.equal(res.messages[0]!.id, 'wamid.X');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.method, 'POST');
    assert.equal(hits[0]!.url, '/v23.0/106540352242922/messages');
    assert.equal(hits[0]!.headers.authorization, 'Bearer EAAtoken');
    assert.equal(hits[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(hits[0]!.body.toString()), SEND);
  });

  test('GETs are retried on 5xx without an envelope, with growing delays, up to maxAttempts', async () => {
    answers(reply(502, '<html>bad gateway</html>'));
    const { c, delays } = client();
    await assert.rejects(c.getPhoneNumber('106540352242922', 'EAAtoken'), (e: unknown) => e instanceof GraphRequestError && e.kind === 'invalid_response' && e.httpStatus === 502);
    assert.equal(hits.length, 4);
    assert.deepEqual(delays, [75, 150, 300], 'exponential backoff with jitter (random fixed at 0.5)');

    answers(reply(500, ''), reply(200, OK_PHONE));
    const ok = await client().c.getPhoneNumber('106540352242922', 'EAAtoken');
    assert.equal(ok.verified_name, 'Shop');
    assert.equal(hits.length, 2);
  });

  test('a transient error envelope is retried even for a send (Meta did not accept it), honouring Retry-After', async () => {
    answers(reply(429, graphError(130429), { 'retry-after': '2' }), reply(400, graphError(131000, { is_transient: true })), reply(200, OK_SEND));
    const { c, delays } = client();
    const res = await c.sendMessage('106540352242922', 'EAAtoken', SEND);
    assert.equal(res.messages[0]!.id, 'wamid.X');
    assert.equal(hits.length, 3);
    assert.deepEqual(delays, [2000, 150], 'Retry-After first, then backoff');
  });

  test('every documented transient code is retried; permanent ones are not', async () => {
    for (const code of [1, 2, 4, 80007, 130429, 131000, 131016, 131057]) {
      answers(reply(400, graphError(code)), reply(200, OK_PHONE));
      await client().c.getPhoneNumber('106540352242922', 'EAAtoken');
      assert.equal(hits.length, 2, `code ${code}`);
    }
    for (const code of [100, 131008, 131047, 131026, 131056, 132001, 190, 368]) {
      answers(reply(400, graphError(code)), reply(200, OK_SEND));
      await assert.rejects(client().c.sendMessage('106540352242922', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphApiError && e.code === code);
      assert.equal(hits.length, 1, `code ${code} is not retried`);
    }
  });

  test('a Retry-After longer than the limit ends the call at once, for the queue to reschedule', async () => {
    answers(reply(429, graphError(80007), { 'retry-after': '3600' }));
    const { c, delays } = client();
    await assert.rejects(c.listTemplates('102290129340398', 'EAAtoken'), (e: unknown) => e instanceof GraphApiError && e.code === 80007 && e.retryAfterSeconds === 3600);
    assert.equal(hits.length, 1);
    assert.deepEqual(delays, []);
  });

  test('a send whose outcome is unknown (5xx without envelope, timeout) is never repeated', async () => {
    answers(reply(500, 'upstream reset'), reply(200, OK_SEND));
    await assert.rejects(client().c.sendMessage('106540352242922', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphRequestError && e.outcomeUnknown);
    assert.equal(hits.length, 1, 'a 500 might have been accepted: not sent again');

    answers(hang);
    await assert.rejects(client({ timeoutMs: 150 }).c.sendMessage('106540352242922', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphRequestError && e.kind === 'timeout' && e.outcomeUnknown);
    assert.equal(hits.length, 1, 'a timed-out send is not sent again');

    answers(hang);
    await assert.rejects(client({ timeoutMs: 150 }).c.getMediaUrl('1003383421387256', 'EAAtoken'), (e: unknown) => e instanceof GraphRequestError && e.kind === 'timeout');
    assert.equal(hits.length, 4, 'a timed-out GET is retried');
  });

  test('a request that could not connect is retried, a send too (it never left)', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    let calls = 0;
    const counting: GraphTransport = (r) => {
      calls++;
      return pool.transport(r);
    };
    const { c } = client({ baseUrl: `http://127.0.0.1:${port}`, transport: counting });
    await assert.rejects(c.sendMessage('106540352242922', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphRequestError && e.kind === 'connect' && !e.outcomeUnknown);
    assert.equal(calls, 4);
  });

  test('media uploads are retried on an unknown outcome (a duplicate upload is harmless); template creation is not', async () => {
    answers(reply(503, ''), reply(200, '{"id":"4490709327384033"}'));
    const up = await client().c.uploadMedia('106540352242922', 'EAAtoken', { data: Buffer.from('%PDF'), mimeType: 'application/pdf', filename: 'a "b".pdf' });
    assert.equal(up.id, '4490709327384033');
    assert.equal(hits.length, 2);
    const form = hits[1]!.body.toString('latin1');
    assert.match(String(hits[1]!.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.match(form, /name="messaging_product"\r\n\r\nwhatsapp\r\n/);
    assert.match(form, /name="type"\r\n\r\napplication\/pdf\r\n/);
    assert.match(form, /name="file"; filename="a _b_.pdf"\r\nContent-Type: application\/pdf\r\n\r\n%PDF\r\n/);

    answers(reply(502, ''), reply(200, '{"id":"1","status":"PENDING","category":"UTILITY"}'));
    await assert.rejects(client().c.createTemplate('102290129340398', 'EAAtoken', { name: 'x', language: 'en', category: 'UTILITY', components: [] }), GraphRequestError);
    assert.equal(hits.length, 1);
  });

  test('keep-alive: sequential calls reuse one pooled connection', async () => {
    answers(reply(200, OK_PHONE));
    const before = connections;
    const { c } = client();
    for (let i = 0; i < 10; i++) await c.getPhoneNumber('106540352242922', 'EAAtoken');
    assert.equal(hits.length, 10);
    assert.ok(connections - before <= 1, `${connections - before} new connections for 10 calls`);
  });

  test('malformed ids, tokens and success bodies are refused', async () => {
    answers(reply(200, '{"unexpected":true}'));
    const { c } = client();
    await assert.rejects(c.sendMessage('../../me', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphRequestError && e.kind === 'refused');
    await assert.rejects(c.sendMessage('106540352242922', 'EAA\r\nx-evil: 1', SEND), (e: unknown) => e instanceof GraphRequestError && e.kind === 'refused');
    assert.equal(hits.length, 0, 'nothing was sent');
    await assert.rejects(c.sendMessage('106540352242922', 'EAAtoken', SEND), (e: unknown) => e instanceof GraphRequestError && e.kind === 'invalid_response');
    assert.throws(() => createGraphClient({ baseUrl: base, version: '23' }), /v23\.0/);
  });

  test('every error example parses into GraphApiError with Meta’s fields and its category', () => {
    const categories: Record<number, GraphErrorCategory> = {
      100: 'request',
      130429: 'throughput',
      131008: 'request',
      131026: 'recipient',
      131047: 'recipient',
      131048: 'policy',
      131051: 'request',
      131056: 'throughput',
      132000: 'template',
      132001: 'template',
      190: 'auth',
      368: 'policy',
      80007: 'throughput',
    };
    for (const file of exampleNames('error-')) {
      const want = example<{ error: { code: number; message: string; type: string; error_subcode?: number; error_data?: { details: string }; fbtrace_id: string } }>(file).error;
      const err = parseGraphError(400, JSON.stringify({ error: want }), { 'retry-after': '7' });
      assert.ok(err instanceof GraphApiError, file);
      assert.equal(err.code, want.code);
      assert.equal(err.message, want.message);
      assert.equal(err.type, want.type);
      assert.equal(err.subcode, want.error_subcode);
      assert.equal(err.details, want.error_data?.details);
      assert.equal(err.fbtraceId, want.fbtrace_id);
      assert.equal(err.httpStatus, 400);
      assert.equal(err.retryAfterSeconds, 7);
      assert.equal(err.category, categories[want.code], file);
    }
    assert.ok(parseGraphError(502, '<html>') instanceof GraphRequestError);
    assert.ok(parseGraphError(400, '{"error":"nope"}') instanceof GraphRequestError);
  });

  test('classification follows CONTRACT.md: retryable, auth, config, policy, recipient, template, throughput', () => {
    const cases: [number, GraphErrorCategory, boolean][] = [
      [1, 'retryable', true],
      [131057, 'retryable', true],
      [4, 'throughput', true],
      [131056, 'throughput', true],
      [0, 'auth', false],
      [190, 'auth', false],
      [10, 'config', false],
      [250, 'config', false],
      [131042, 'config', false],
      [368, 'policy', false],
      [131048, 'policy', false],
      [131050, 'recipient', false],
      [131049, 'recipient', false],
      [132015, 'template', false],
      [132999, 'template', false],
      [131053, 'request', false],
      [999999, 'unknown', false],
    ];
    for (const [code, category, retryable] of cases) {
      assert.deepEqual([classifyGraphError(code).category, classifyGraphError(code).retryable], [category, retryable], String(code));
    }
    assert.equal(classifyGraphError(131056).transient, false, 'the pair limit waits 4^X s: the queue schedules it');
    assert.equal(classifyGraphError(999999, true).transient, true, 'is_transient counts');
    assert.equal(classifyGraphError(190, true).transient, false, 'never for auth');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60);
  });
});
