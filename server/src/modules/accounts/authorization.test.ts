import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, registerUser, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import { listRoutes, routeKey, type RouteEntry } from '../../test/routes.js';
import { webDistDir } from '../../platform/paths.js';

type Expected = 'public' | 'signed-in' | 'staff' | 'admin';
type Role = 'customer' | 'operator' | 'admin';

/**
 * Who may call each /api route. A route added to the app without a line here fails the first test,
 * so nobody can ship an endpoint whose access was never decided and checked.
 */
const MATRIX: Record<string, Expected> = {
  'GET /api/auth/session': 'public',
  'POST /api/auth/register': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/verify-email': 'public',
  'POST /api/auth/forgot-password': 'public',
  'POST /api/auth/reset-password': 'public',
  'POST /api/auth/logout': 'signed-in',
  'POST /api/auth/resend-verification': 'signed-in',
  'GET /api/me': 'signed-in',
  'PATCH /api/me': 'signed-in',
  'POST /api/me/password': 'signed-in',
  'GET /api/me/preferences': 'signed-in',
  'PUT /api/me/preferences': 'signed-in',
  'GET /api/me/sessions': 'signed-in',
  'DELETE /api/me/sessions': 'signed-in',
  'DELETE /api/me/sessions/:id': 'signed-in',
  'GET /api/me/activity': 'signed-in',
  'POST /api/me/close': 'signed-in',
  'GET /api/staff/users': 'staff',
  'PATCH /api/admin/users/:id': 'admin',
  'POST /api/admin/users/:id/close': 'admin',
  'GET /api/admin/activity': 'admin',
  'GET /api/admin/activity.csv': 'admin',
  'GET /api/admin/mail': 'admin',
  'GET /api/wallet': 'signed-in',
  'GET /api/wallet/passbook': 'signed-in',
  'GET /api/wallet/passbook.csv': 'signed-in',
  'GET /api/admin/wallets': 'admin',
  'GET /api/admin/wallets/:userId': 'admin',
  'GET /api/admin/wallets/:userId/passbook': 'admin',
  'GET /api/admin/wallets/:userId/passbook.csv': 'admin',
  'POST /api/admin/wallets/:userId/adjustments': 'admin',
  'GET /api/wallet/topups': 'signed-in',
  'POST /api/wallet/topups': 'signed-in',
  'GET /api/wallet/topups/:id': 'signed-in',
  'GET /api/wallet/topups/:id/receipt.pdf': 'signed-in',
  'GET /api/admin/payments': 'admin',
  'GET /api/admin/payments/:id': 'admin',
  'GET /api/admin/reconciliations': 'admin',
  'POST /api/admin/reconciliations/gateway': 'admin',
  // services catalogue
  'GET /api/service-categories': 'signed-in',
  'GET /api/services': 'signed-in',
  'GET /api/services/:ref': 'signed-in',
  'GET /api/admin/services': 'admin',
  'POST /api/admin/services': 'admin',
  'GET /api/admin/services/:id': 'admin',
  'PATCH /api/admin/services/:id': 'admin',
  'POST /api/admin/services/:id/activate': 'admin',
  'POST /api/admin/services/:id/deactivate': 'admin',
  'GET /api/admin/services/:id/form-versions': 'admin',
  'POST /api/admin/services/:id/form-versions': 'admin',
  'GET /api/admin/services/:id/form-versions/:version': 'admin',
  'GET /api/admin/service-categories': 'admin',
  'POST /api/admin/service-categories': 'admin',
  'PATCH /api/admin/service-categories/:id': 'admin',
  // kyc + files
  'GET /api/kyc': 'signed-in',
  'PUT /api/kyc': 'signed-in',
  'POST /api/kyc/documents/:kind': 'signed-in',
  'DELETE /api/kyc/documents/:kind': 'signed-in',
  'POST /api/kyc/submit': 'signed-in',
  'GET /api/files/:token': 'signed-in',
  'GET /api/staff/kyc': 'staff',
  'GET /api/staff/kyc/:userId': 'staff',
  'POST /api/staff/kyc/:userId/approve': 'staff',
  'POST /api/staff/kyc/:userId/reject': 'staff',
  // whatsapp: numbers, API keys, prices and usage
  'GET /api/whatsapp/numbers': 'signed-in',
  'POST /api/whatsapp/numbers': 'signed-in',
  'POST /api/whatsapp/numbers/simulator': 'signed-in',
  'GET /api/whatsapp/numbers/:id': 'signed-in',
  'PATCH /api/whatsapp/numbers/:id': 'signed-in',
  'POST /api/whatsapp/numbers/:id/check': 'signed-in',
  'POST /api/whatsapp/numbers/:id/token': 'signed-in',
  'POST /api/whatsapp/numbers/:id/disconnect': 'signed-in',
  'GET /api/whatsapp/keys': 'signed-in',
  'POST /api/whatsapp/keys': 'signed-in',
  'POST /api/whatsapp/keys/:id/revoke': 'signed-in',
  'GET /api/whatsapp/keys/:id/usage': 'signed-in',
  'GET /api/whatsapp/prices': 'signed-in',
  'GET /api/whatsapp/usage': 'signed-in',
  'GET /api/admin/whatsapp/prices': 'admin',
  'POST /api/admin/whatsapp/prices': 'admin',
  'DELETE /api/admin/whatsapp/prices/:id': 'admin',
  'GET /api/admin/whatsapp/usage': 'admin',
  'GET /api/admin/whatsapp/usage/:tenantId': 'admin',
  // notifications
  'GET /api/notifications': 'signed-in',
  'GET /api/notifications/unread-count': 'signed-in',
  'POST /api/notifications/:id/read': 'signed-in',
  'POST /api/notifications/read-all': 'signed-in',
  // support tickets
  'GET /api/support/grievance-officer': 'public',
  'GET /api/support/tickets': 'signed-in',
  'POST /api/support/tickets': 'signed-in',
  'GET /api/support/tickets/:id': 'signed-in',
  'POST /api/support/tickets/:id/messages': 'signed-in',
  'POST /api/support/tickets/:id/reopen': 'signed-in',
  'POST /api/support/tickets/:id/resolve': 'signed-in',
  'POST /api/support/attachments': 'signed-in',
  'GET /api/staff/support/tickets': 'staff',
  'GET /api/staff/support/assignees': 'staff',
  'GET /api/staff/support/tickets/:id': 'staff',
  'POST /api/staff/support/tickets/:id/messages': 'staff',
  'POST /api/staff/support/tickets/:id/state': 'staff',
  'PATCH /api/staff/support/tickets/:id': 'staff',
  // service applications
  'GET /api/applications': 'signed-in',
  'POST /api/applications': 'signed-in',
  'GET /api/applications/:id': 'signed-in',
  'PUT /api/applications/:id': 'signed-in',
  'POST /api/applications/:id/submit': 'signed-in',
  'POST /api/applications/:id/cancel': 'signed-in',
  'POST /api/applications/:id/comments': 'signed-in',
  'POST /api/applications/:id/documents/:key': 'signed-in',
  'DELETE /api/applications/:id/documents/:key': 'signed-in',
  'GET /api/applications/:id/receipt.pdf': 'signed-in',
  'GET /api/staff/applications': 'staff',
  'POST /api/staff/applications': 'staff',
  'POST /api/staff/applications/:id/assign': 'staff',
  'POST /api/staff/applications/:id/start': 'staff',
  'POST /api/staff/applications/:id/request-info': 'staff',
  'POST /api/staff/applications/:id/complete': 'staff',
  'POST /api/staff/applications/:id/reject': 'staff',
  'POST /api/staff/applications/:id/comments': 'staff',
  'POST /api/staff/applications/:id/outputs': 'staff',
  'DELETE /api/staff/applications/:id/outputs/:documentId': 'staff',
  // whatsapp: message templates
  'GET /api/whatsapp/templates': 'signed-in',
  'POST /api/whatsapp/templates': 'signed-in',
  'GET /api/whatsapp/templates/accounts': 'signed-in',
  'GET /api/whatsapp/templates/languages': 'signed-in',
  'POST /api/whatsapp/templates/preview': 'signed-in',
  'POST /api/whatsapp/templates/sync': 'signed-in',
  'GET /api/whatsapp/templates/:id': 'signed-in',
  'POST /api/whatsapp/templates/:id/preview': 'signed-in',
  'DELETE /api/whatsapp/templates/:id': 'signed-in',
  // whatsapp: send a test message from the web app
  'GET /api/whatsapp/test-send/numbers': 'signed-in',
  'GET /api/whatsapp/test-send/numbers/:id/templates': 'signed-in',
  'POST /api/whatsapp/test-send': 'signed-in',
  // whatsapp: contacts and consent, message log, "be the phone" (modules/whatsapp/inbound/README.md)
  'GET /api/whatsapp/contacts': 'signed-in',
  'POST /api/whatsapp/contacts': 'signed-in',
  'POST /api/whatsapp/contacts/import': 'signed-in',
  'GET /api/whatsapp/contacts/:id': 'signed-in',
  'PATCH /api/whatsapp/contacts/:id': 'signed-in',
  'DELETE /api/whatsapp/contacts/:id': 'signed-in',
  'POST /api/whatsapp/contacts/:id/consent': 'signed-in',
  'GET /api/whatsapp/messages': 'signed-in',
  'GET /api/whatsapp/messages.csv': 'signed-in',
  'GET /api/whatsapp/messages/:id': 'signed-in',
  'GET /api/whatsapp/phone/numbers': 'signed-in',
  'GET /api/whatsapp/phone/:numberId/chats': 'signed-in',
  'GET /api/whatsapp/phone/:numberId/chats/:waId': 'signed-in',
  'POST /api/whatsapp/phone/:numberId/chats/:waId/messages': 'signed-in',
  'POST /api/whatsapp/phone/:numberId/chats/:waId/read': 'signed-in',
  'POST /api/whatsapp/phone/:numberId/chats/:waId/marketing': 'signed-in',
  // whatsapp: customer webhook endpoints (modules/whatsapp/webhooks-out/README.md)
  'GET /api/whatsapp/webhooks': 'signed-in',
  'POST /api/whatsapp/webhooks': 'signed-in',
  'GET /api/whatsapp/webhooks/:id': 'signed-in',
  'PATCH /api/whatsapp/webhooks/:id': 'signed-in',
  'DELETE /api/whatsapp/webhooks/:id': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/enable': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/disable': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/rotate-secret': 'signed-in',
  'GET /api/whatsapp/webhooks/:id/secret': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/test': 'signed-in',
  'GET /api/whatsapp/webhooks/:id/deliveries': 'signed-in',
  'GET /api/whatsapp/webhooks/:id/deliveries/:deliveryId': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/deliveries/:deliveryId/replay': 'signed-in',
  'POST /api/whatsapp/webhooks/:id/replay': 'signed-in',
  // whatsapp: automations per number (modules/whatsapp/automations/README.md)
  'GET /api/whatsapp/automations/:numberId': 'signed-in',
  'PUT /api/whatsapp/automations/:numberId/settings': 'signed-in',
  'PUT /api/whatsapp/automations/:numberId/replies/:kind': 'signed-in',
  'POST /api/whatsapp/automations/:numberId/rules': 'signed-in',
  'PUT /api/whatsapp/automations/:numberId/rules/order': 'signed-in',
  'PATCH /api/whatsapp/automations/:numberId/rules/:ruleId': 'signed-in',
  'DELETE /api/whatsapp/automations/:numberId/rules/:ruleId': 'signed-in',
  'POST /api/whatsapp/automations/:numberId/test': 'signed-in',
  'GET /api/whatsapp/automations/:numberId/runs': 'signed-in',
  // whatsapp: team inbox — the tenant's team; inboxes of the tenant or a member (else 404) (modules/whatsapp/inbox/README.md)
  'GET /api/whatsapp/team': 'signed-in',
  'POST /api/whatsapp/team': 'signed-in',
  'PATCH /api/whatsapp/team/:id': 'signed-in',
  'DELETE /api/whatsapp/team/:id': 'signed-in',
  'GET /api/whatsapp/inbox/tenants': 'signed-in',
  'GET /api/whatsapp/inbox/overview': 'signed-in',
  'GET /api/whatsapp/inbox/stream': 'signed-in',
  'GET /api/whatsapp/inbox/conversations': 'signed-in',
  'GET /api/whatsapp/inbox/conversations/:id': 'signed-in',
  'GET /api/whatsapp/inbox/conversations/:id/timeline': 'signed-in',
  'GET /api/whatsapp/inbox/conversations/:id/templates': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/read': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/assign': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/close': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/reopen': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/notes': 'signed-in',
  'POST /api/whatsapp/inbox/conversations/:id/messages': 'signed-in',
  'GET /api/whatsapp/inbox/quick-replies': 'signed-in',
  'POST /api/whatsapp/inbox/quick-replies': 'signed-in',
  'PATCH /api/whatsapp/inbox/quick-replies/:id': 'signed-in',
  'DELETE /api/whatsapp/inbox/quick-replies/:id': 'signed-in',
};

/**
 * Routes outside /api carry no session: besides the API docs and the files of the built web app,
 * each is listed here with what protects it, so a new one is a decision too.
 */
const OUTSIDE_API: Record<string, string> = {
  'GET /': 'public: the web app',
  'GET /healthz': 'public: liveness',
  'GET /readyz': 'public: readiness',
  'GET /openapi.json': 'public: API description',
  'GET /payments/razorpay/callback': 'gateway signature',
  'POST /payments/razorpay/callback': 'gateway signature',
  'POST /webhooks/payments/razorpay': 'gateway signature',
  'GET /sandbox/razorpay/checkout/:orderId': 'sandbox gateway',
  'POST /sandbox/razorpay/checkout/:orderId': 'sandbox gateway',
  'POST /sandbox/razorpay/v1/orders': 'sandbox gateway',
  'GET /sandbox/razorpay/v1/orders/:id': 'sandbox gateway',
  'GET /sandbox/razorpay/v1/orders/:id/payments': 'sandbox gateway',
  // whatsapp: the Cloud API simulator (never in production): Meta's Graph API with simulated access tokens…
  'POST /sandbox/graph/:version/:id/messages': 'simulator: bearer token of the number',
  'POST /sandbox/graph/:version/:id/media': 'simulator: bearer token of the number',
  'GET /sandbox/graph/:version/:id': 'simulator: bearer token of the object',
  'DELETE /sandbox/graph/:version/:id': 'simulator: bearer token of the media',
  'GET /sandbox/graph/:version/:id/message_templates': 'simulator: bearer token of the WABA',
  'POST /sandbox/graph/:version/:id/message_templates': 'simulator: bearer token of the WABA',
  'DELETE /sandbox/graph/:version/:id/message_templates': 'simulator: bearer token of the WABA',
  'GET /sandbox/graph/:version/:id/phone_numbers': 'simulator: bearer token of the WABA',
  'GET /sandbox/graph/whatsapp_business/attachments/': 'simulator: signed expiring URL + bearer token',
  // …and its admin API, open like the sandbox gateway's checkout: simulated numbers reach no one.
  'POST /sandbox/graph/_sim/numbers': 'simulator admin',
  'GET /sandbox/graph/_sim/numbers': 'simulator admin',
  'GET /sandbox/graph/_sim/numbers/:id': 'simulator admin',
  'PATCH /sandbox/graph/_sim/numbers/:id': 'simulator admin',
  'GET /sandbox/graph/_sim/numbers/:id/conversations': 'simulator admin',
  'GET /sandbox/graph/_sim/numbers/:id/conversations/:waId': 'simulator admin',
  'PATCH /sandbox/graph/_sim/numbers/:id/conversations/:waId': 'simulator admin',
  'POST /sandbox/graph/_sim/numbers/:id/conversations/:waId/read': 'simulator admin',
  'POST /sandbox/graph/_sim/inbound': 'simulator admin',
  'PUT /sandbox/graph/_sim/users/:waId': 'simulator admin',
  'POST /sandbox/graph/_sim/wabas/:wabaId/tokens': 'simulator admin',
  'PATCH /sandbox/graph/_sim/wabas/:wabaId': 'simulator admin',
  'POST /sandbox/graph/_sim/tokens/revoke': 'simulator admin',
  'PATCH /sandbox/graph/_sim/templates/:id': 'simulator admin',
  'GET /sandbox/graph/_sim/webhooks': 'simulator admin',
  // whatsapp: the platform's own API for customers' code
  'GET /v1/me': 'API key (any scope)',
  'POST /sandbox/graph/_sim/webhooks/verify': 'simulator admin',
  // whatsapp: message templates for customers' code
  'GET /v1/templates': 'API key with templates:read',
  'POST /v1/templates': 'API key with templates:write',
  'POST /v1/templates/sync': 'API key with templates:write',
  'GET /v1/templates/:id': 'API key with templates:read',
  'POST /v1/templates/:id/preview': 'API key with templates:read',
  'DELETE /v1/templates/:id': 'API key with templates:write',
  // whatsapp: sending — the platform's API and Meta's own (Graph-compatible) endpoints, API key as the Bearer token
  'POST /v1/messages': 'API key with messages:send',
  'POST /graph/:version/:id/messages': 'API key with messages:send (Meta-shaped errors)',
  'POST /graph/:version/:id/media': 'API key with media:write (Meta-shaped errors)',
  'GET /graph/:version/:id': 'API key with media:read (Meta-shaped errors)',
  'DELETE /graph/:version/:id': 'API key with media:write (Meta-shaped errors)',
  'GET /graph/media-downloads/:token': 'API key with media:read + a signed 5-minute link (Meta-shaped errors)',
  // whatsapp: Meta's webhooks, and contacts and the message log for customers' code
  'GET /webhooks/whatsapp': 'Meta verify token (the platform’s or a number’s own)',
  'POST /webhooks/whatsapp': 'X-Hub-Signature-256 over the raw body (the platform’s or a number’s own app secret)',
  'GET /v1/contacts': 'API key with contacts:read',
  'POST /v1/contacts': 'API key with contacts:write',
  'GET /v1/contacts/:contact': 'API key with contacts:read',
  'PATCH /v1/contacts/:contact': 'API key with contacts:write',
  'DELETE /v1/contacts/:contact': 'API key with contacts:write',
  'POST /v1/contacts/:contact/consent': 'API key with contacts:write',
  'GET /v1/messages': 'API key with messages:read',
  'GET /v1/messages/:id': 'API key with messages:read',
  // whatsapp: customer webhook endpoints for customers' code
  'GET /v1/webhook-endpoints': 'API key with webhooks:read',
  'POST /v1/webhook-endpoints': 'API key with webhooks:write',
  'GET /v1/webhook-endpoints/:id': 'API key with webhooks:read',
  'PATCH /v1/webhook-endpoints/:id': 'API key with webhooks:write',
  'DELETE /v1/webhook-endpoints/:id': 'API key with webhooks:write',
  'POST /v1/webhook-endpoints/:id/enable': 'API key with webhooks:write',
  'POST /v1/webhook-endpoints/:id/disable': 'API key with webhooks:write',
  'POST /v1/webhook-endpoints/:id/rotate-secret': 'API key with webhooks:write',
  'GET /v1/webhook-endpoints/:id/secret': 'API key with webhooks:write',
  'POST /v1/webhook-endpoints/:id/test': 'API key with webhooks:write',
  'GET /v1/webhook-endpoints/:id/deliveries': 'API key with webhooks:read',
  'GET /v1/webhook-endpoints/:id/deliveries/:deliveryId': 'API key with webhooks:read',
  'POST /v1/webhook-endpoints/:id/deliveries/:deliveryId/replay': 'API key with webhooks:write',
  'POST /v1/webhook-endpoints/:id/replay': 'API key with webhooks:write',
};

function allowed(expected: Expected, role: Role): boolean {
  if (expected === 'public' || expected === 'signed-in') return true;
  if (expected === 'staff') return role === 'operator' || role === 'admin';
  return role === 'admin';
}

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;

describe('authorization: who may call which route', () => {
  let t: TestPlatform;
  let apiRoutes: RouteEntry[];
  before(async () => {
    t = await testPlatform();
    apiRoutes = listRoutes(t.app).filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
  });
  after(() => t.close());

  /** One request per route; path parameters are filled with `id` (a user to act on, or a random uuid). */
  function call(c: Client, r: RouteEntry, id: string, body: unknown = {}) {
    const url = r.url.replace(/:\w+/g, id);
    return r.method === 'GET' ? c.get(url) : c.request(r.method as 'POST', url, body);
  }

  test('every /api route has an entry in the matrix, and every entry is a route', () => {
    const real = apiRoutes.map(routeKey).sort();
    assert.deepEqual(real, Object.keys(MATRIX).sort());
  });

  test('every route outside /api is the docs, a file of the web app, or listed with its protection', async () => {
    const others = listRoutes(t.app).filter((r) => !r.url.startsWith('/api/') && r.method !== 'HEAD');
    const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');
    const isWebFile = (url: string) => url !== '/' && !/[*:]/.test(url) && existsSync(path.join(webDistDir, url));
    for (const r of others.filter((x) => isDocs(x.url) || isWebFile(x.url))) {
      assert.equal(r.method, 'GET', `${routeKey(r)} must be read-only`);
    }
    const listed = others.filter((r) => !isDocs(r.url) && !isWebFile(r.url)).map(routeKey).sort();
    assert.deepEqual(listed, Object.keys(OUTSIDE_API).sort());
    for (const url of ['/healthz', '/readyz', '/openapi.json']) {
      assert.equal((await new Client(t.app).get(url)).statusCode, 200, url);
    }
  });

  test('every route listed as protected by an API key answers 401 without one (Meta’s 190 under /graph)', async () => {
    const keyed = listRoutes(t.app).filter((r) => OUTSIDE_API[routeKey(r)]?.startsWith('API key'));
    assert.ok(keyed.length > 0);
    for (const r of keyed) {
      const url = r.url.replace(':version', 'v23.0').replace(/:\w+/g, '1234567890');
      for (const authorization of [undefined, 'Bearer sk_000000000000_' + 'x'.repeat(43)]) {
        const res = await t.app.inject({ method: r.method as 'GET', url, headers: authorization ? { authorization } : {}, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }) });
        assert.equal(res.statusCode, 401, `${routeKey(r)} → ${res.statusCode} ${res.body}`);
        const body = res.json() as { error: { code: string | number } };
        assert.equal(body.error.code, r.url.startsWith('/graph/') ? 190 : 'invalid_api_key', routeKey(r));
      }
    }
  });

  test('anonymous callers get 401 on every non-public route, HEAD included', async () => {
    const anon = new Client(t.app);
    for (const r of apiRoutes) {
      const res = await call(anon, r, randomUUID());
      if (MATRIX[routeKey(r)] === 'public') {
        assert.notEqual(res.statusCode, 401, `${routeKey(r)} is public: ${res.body}`);
        continue;
      }
      assert.equal(res.statusCode, 401, `${routeKey(r)} → ${res.statusCode} ${res.body}`);
      assert.equal(code(res), 'unauthenticated');
      if (r.method === 'GET') {
        const head = await anon.request('HEAD', r.url.replace(/:\w+/g, randomUUID()));
        assert.equal(head.statusCode, 401, `HEAD ${r.url}`);
      }
    }
  });

  test('a public route answers anonymous callers (with the pre-sign-in CSRF token) without 401 or 403', async () => {
    const anon = new Client(t.app);
    await anon.start();
    for (const r of apiRoutes.filter((x) => MATRIX[routeKey(x)] === 'public')) {
      const res = await call(anon, r, randomUUID());
      assert.ok(![401, 403].includes(res.statusCode), `${routeKey(r)} → ${res.statusCode} ${res.body}`);
    }
  });

  for (const role of ['customer', 'operator', 'admin'] as const) {
    test(`a signed-in ${role} is refused exactly the routes above their role`, async () => {
      const { client } = await signedInClient(t, role);
      const victim = await registerUser(t.app, 'victim');
      // Sign-out last, so the client stays signed in for the rest.
      const ordered = [...apiRoutes].sort((a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'));
      const cookiesSet = new Set<string>();
      for (const r of ordered) {
        const expected = MATRIX[routeKey(r)]!;
        // Admin routes act on the victim, the user route with a body that would make them admin, to
        // show that a refusal changes nothing.
        const body = r.url === '/api/admin/users/:id' ? { role: 'admin' } : {};
        const res = await call(client, r, r.url.startsWith('/api/admin/') ? victim.id : randomUUID(), body);
        for (const c of res.cookies) cookiesSet.add(c.name);
        if (allowed(expected, role)) {
          assert.ok(![401, 403].includes(res.statusCode), `${role} ${routeKey(r)} → ${res.statusCode} ${res.body}`);
        } else {
          assert.equal(res.statusCode, 403, `${role} ${routeKey(r)} → ${res.statusCode} ${res.body}`);
          assert.equal(code(res), 'forbidden');
        }
      }
      const [row] = await t.db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [victim.id]);
      assert.equal(row!.role, role === 'admin' ? 'admin' : 'customer');
      // Only the essential cookies, whatever route was called: no analytics, preference or tracking cookie.
      for (const name of cookiesSet) assert.ok(['sk_session', 'sk_csrf'].includes(name), `cookie ${name}`);
    });
  }

  test('every state-changing /api route refuses a signed-in caller without the CSRF token, before acting', async () => {
    const { client } = await signedInClient(t, 'admin');
    const victim = await registerUser(t.app, 'csrfvictim');
    const unsafe = apiRoutes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    assert.ok(unsafe.length > 50, `${unsafe.length} routes`);
    const token = client.csrf;
    for (const forged of [null, 'x'.repeat(43)]) {
      client.csrf = forged;
      for (const r of unsafe) {
        const res = await call(client, r, r.url.startsWith('/api/admin/') ? victim.id : randomUUID(), r.url === '/api/admin/users/:id' ? { status: 'suspended' } : {});
        assert.equal(res.statusCode, 403, `${routeKey(r)} with token ${JSON.stringify(forged)} → ${res.statusCode} ${res.body}`);
        assert.equal(code(res), 'csrf_failed', routeKey(r));
      }
    }
    client.csrf = token;
    assert.equal((await client.get('/api/me')).statusCode, 200, 'still signed in: the sign-out was refused too');
    const [row] = await t.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [victim.id]);
    assert.equal(row!.status, 'active');

    // Before sign-in the public writes need the pre-sign-in cookie's token (double submit).
    const anon = new Client(t.app);
    for (const r of unsafe.filter((x) => MATRIX[routeKey(x)] === 'public')) {
      const res = await call(anon, r, randomUUID());
      assert.equal(res.statusCode, 403, `${routeKey(r)} → ${res.statusCode} ${res.body}`);
      assert.equal(code(res), 'csrf_failed');
    }
  });

  test('an operator can search users, with no password material in the answer', async () => {
    const { client } = await signedInClient(t, 'operator');
    const someone = await registerUser(t.app, 'findme');
    const res = await client.get(`/api/staff/users?q=${encodeURIComponent(someone.email)}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ items: { id: string }[]; total: number }>(res);
    assert.deepEqual(body.items.map((u) => u.id), [someone.id]);
    assert.equal(body.total, 1);
    assert.doesNotMatch(res.body, /argon2|password/i);
    assert.equal((await client.get('/api/admin/activity')).statusCode, 403);
  });

  describe('one user cannot reach another user’s sessions or records', () => {
    test('revoking another user’s session answers 404 and the session lives on', async () => {
      const a = await signedInClient(t, 'customer');
      const b = await signedInClient(t, 'customer');
      const aSessions = json<{ sessions: { id: string; current: boolean }[] }>(await a.client.get('/api/me/sessions')).sessions;
      const aSession = aSessions.find((s) => s.current)!;
      assert.ok(aSession);

      const res = await b.client.delete(`/api/me/sessions/${aSession.id}`);
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(code(res), 'not_found');
      assert.equal((await a.client.get('/api/me')).statusCode, 200, 'A is still signed in');
      const [row] = await t.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE id = $1', [aSession.id]);
      assert.equal(row!.revoked_at, null);
    });

    test('/api/me/sessions and /api/me/activity list only the caller’s own', async () => {
      const a = await signedInClient(t, 'customer');
      const a2 = new Client(t.app);
      a2.ip = '198.51.100.200';
      assert.equal((await a2.login(a.person.email, a.person.password)).statusCode, 200);
      assert.equal((await a.client.patch('/api/me', { name: 'A renamed' })).statusCode, 200);
      const b = await signedInClient(t, 'customer');

      const aSessionIds = (await t.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [a.person.id])).map((r) => r.id);
      assert.equal(aSessionIds.length, 2);
      const bSessions = json<{ sessions: { id: string }[] }>(await b.client.get('/api/me/sessions')).sessions;
      assert.equal(bSessions.length, 1);
      assert.ok(bSessions.every((s) => !aSessionIds.includes(s.id)));

      const aRecords = await t.db.query<{ id: number }>('SELECT id FROM activity_log WHERE subject_user_id = $1', [a.person.id]);
      assert.ok(aRecords.length >= 4, 'A has records to leak');
      const bActivity = json<{ items: { id: number; subjectUserId: string }[] }>(await b.client.get('/api/me/activity?limit=200')).items;
      assert.ok(bActivity.length > 0);
      for (const item of bActivity) {
        assert.equal(item.subjectUserId, b.person.id);
        assert.ok(!aRecords.some((r) => r.id === item.id));
      }
      assert.doesNotMatch(JSON.stringify(bActivity), new RegExp(a.person.id));
    });
  });

  describe('admin user management', () => {
    test('an admin cannot change their own role or status', async () => {
      const admin = await signedInClient(t, 'admin');
      for (const body of [{ role: 'customer' }, { status: 'suspended' }]) {
        const res = await admin.client.patch(`/api/admin/users/${admin.person.id}`, body);
        assert.equal(res.statusCode, 409, res.body);
        assert.equal(code(res), 'cannot_change_self');
      }
      const [row] = await t.db.query<{ role: string; status: string }>('SELECT role, status FROM users WHERE id = $1', [admin.person.id]);
      assert.deepEqual({ ...row }, { role: 'admin', status: 'active' });
    });

    test('an unknown user id answers 404, a malformed one 400', async () => {
      const admin = await signedInClient(t, 'admin');
      const unknown = await admin.client.patch(`/api/admin/users/${randomUUID()}`, { status: 'suspended' });
      assert.equal(unknown.statusCode, 404, unknown.body);
      assert.equal(code(unknown), 'not_found');
      const malformed = await admin.client.patch('/api/admin/users/not-a-uuid', { status: 'suspended' });
      assert.equal(malformed.statusCode, 400, malformed.body);
    });

    test('suspending a user ends their sessions and refuses their sign-in until reactivated', async () => {
      const admin = await signedInClient(t, 'admin');
      const user = await signedInClient(t, 'customer');
      assert.equal((await user.client.get('/api/me')).statusCode, 200);

      const res = await admin.client.patch(`/api/admin/users/${user.person.id}`, { status: 'suspended' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<{ user: { status: string } }>(res).user.status, 'suspended');

      assert.equal((await user.client.get('/api/me')).statusCode, 401, 'the open session ended');
      const live = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.person.id]);
      assert.equal(live[0]!.n, 0);

      const login = await new Client(t.app).login(user.person.email, user.person.password);
      assert.equal(login.statusCode, 403, login.body);
      assert.equal(code(login), 'account_suspended');
      assert.equal(login.cookies.some((c) => c.name === 'sk_session'), false, 'no session for a suspended account');

      assert.equal((await admin.client.patch(`/api/admin/users/${user.person.id}`, { status: 'active' })).statusCode, 200);
      assert.equal((await new Client(t.app).login(user.person.email, user.person.password)).statusCode, 200);
    });

    test('a role change takes effect, ends the old sessions and is logged as admin.user_updated', async () => {
      const admin = await signedInClient(t, 'admin');
      const user = await signedInClient(t, 'customer');
      assert.equal((await user.client.get('/api/staff/users')).statusCode, 403);

      const res = await admin.client.patch(`/api/admin/users/${user.person.id}`, { role: 'operator' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<{ user: { role: string } }>(res).user.role, 'operator');

      const listed = json<{ items: { id: string; role: string }[] }>(await admin.client.get(`/api/staff/users?role=operator&q=${encodeURIComponent(user.person.email)}`));
      assert.deepEqual(listed.items.map((u) => [u.id, u.role]), [[user.person.id, 'operator']]);

      assert.equal((await user.client.get('/api/me')).statusCode, 401, 'sessions with the old role ended');
      const again = new Client(t.app);
      assert.equal((await again.login(user.person.email, user.person.password)).statusCode, 200);
      assert.equal(json<{ user: { role: string } }>(await again.get('/api/me')).user.role, 'operator');
      assert.equal((await again.get('/api/staff/users')).statusCode, 200);
      assert.equal((await again.get('/api/admin/mail')).statusCode, 403);

      const log = await admin.client.get(`/api/admin/activity?action=admin.user_updated&subjectUserId=${user.person.id}`);
      assert.equal(log.statusCode, 200, log.body);
      const items = json<{ items: { actorType: string; actorId: string; objectId: string; details: { from: { role: string }; to: { role: string } } }[] }>(log).items;
      assert.equal(items.length, 1);
      assert.equal(items[0]!.actorType, 'user');
      assert.equal(items[0]!.actorId, admin.person.id);
      assert.equal(items[0]!.objectId, user.person.id);
      assert.equal(items[0]!.details.from.role, 'customer');
      assert.equal(items[0]!.details.to.role, 'operator');
    });
  });
});
