import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sha256 } from '../platform/crypto.js';
import { keyringFromConfig } from '../platform/storage/index.js';
import { PROGRESS_JOB, WEBHOOK_JOB } from '../modules/meta-sandbox/meta-sandbox.service.js';
import { mintApiKey } from '../modules/whatsapp/api-keys/api-key-auth.js';
import { metaAppCredentials } from '../modules/whatsapp/graph/graph.module.js';
import { WEBHOOK_EVENT_JOB } from '../modules/whatsapp/inbound/webhook-processor.js';
import { sealNumberSecret } from '../modules/whatsapp/numbers/numbers.repo.js';
import { signWebhook } from '../modules/whatsapp/webhook-signature.js';
import { postTransfer, customerAccounts, systemAccountId } from '../modules/wallet/ledger.js';
import type { TestPlatform } from './harness.js';

/**
 * Test helpers for the receiving side of WhatsApp: a tenant's connected number written straight
 * into wa_numbers (as the numbers module stores it), signed webhook POSTs, the processing job,
 * wallet money and an outbound message as the send path records it.
 */

export interface ConnectedNumber {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  wabaId: string;
}

export async function connectNumber(
  t: TestPlatform,
  tenantId: string,
  n: { phoneNumberId: string; wabaId: string; displayPhoneNumber?: string; accessToken?: string; appSecret?: string; verifyToken?: string },
): Promise<ConnectedNumber> {
  const ring = keyringFromConfig(t.config);
  const id = randomUUID();
  await t.db.query(
    `INSERT INTO wa_numbers (id, tenant_id, label, waba_id, phone_number_id, access_token_enc, app_secret_enc, verify_token_hash, display_phone_number, verified_name, created_by)
     VALUES ($1, $2, 'Test number', $3, $4, $5, $6, $7, $8, 'Test Business', $2)`,
    [
      id,
      tenantId,
      n.wabaId,
      n.phoneNumberId,
      sealNumberSecret(ring, id, 'access_token', n.accessToken ?? 'test-access-token'),
      n.appSecret ? sealNumberSecret(ring, id, 'app_secret', n.appSecret) : null,
      n.verifyToken ? sha256(n.verifyToken).toString('hex') : null,
      n.displayPhoneNumber ?? '15550783881',
    ],
  );
  return { id, tenantId, phoneNumberId: n.phoneNumberId, wabaId: n.wabaId };
}

/** The platform's webhook secret in tests: the simulator's app (no Meta app is configured). */
export const platformSecret = (t: TestPlatform) => metaAppCredentials(t.config)!.appSecret;

export function postWebhook(t: TestPlatform, body: Buffer | string | object, opts: { secret?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers = opts.headers ?? signWebhook(opts.secret ?? platformSecret(t), raw);
  return t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', ...headers }, payload: raw });
}

/** Runs the queued webhook processing jobs (as a worker would). */
export const processWebhooks = (t: TestPlatform) => t.platform.jobs.runPending(WEBHOOK_EVENT_JOB, 10_000);

/** Delivers the simulator's owed webhooks to the platform and processes them. */
export async function deliverSimulatorWebhooks(t: TestPlatform): Promise<void> {
  await t.platform.jobs.runPending(WEBHOOK_JOB, 10_000);
  await processWebhooks(t);
}

/** Credits the tenant's wallet (as a top-up would). */
export async function fundWallet(t: TestPlatform, userId: string, amount: number): Promise<void> {
  await t.db.tx(async (tx) => {
    const accounts = await customerAccounts(tx, userId);
    await postTransfer(tx, {
      kind: 'topup',
      description: 'Test top-up',
      postings: [
        { accountId: await systemAccountId(tx, 'gateway_clearing'), amount: -amount },
        { accountId: accounts.wallet, amount },
      ],
      actor: { type: 'system' },
    });
  });
}

export async function walletBalance(t: TestPlatform, userId: string): Promise<number> {
  const rows = await t.db.query<{ balance: number }>("SELECT balance FROM ledger_accounts WHERE owner_user_id = $1 AND kind = 'customer_wallet'", [userId]);
  return rows[0]?.balance ?? 0;
}

/**
 * An outbound message as the send path leaves it after a successful send: the expected price taken
 * from the wallet (here as a direct charge standing in for a credit-lease charge, which moves the
 * same money), billing_state 'reserved', and the wamid Meta answered (or none yet).
 */
export async function outboundMessage(
  t: TestPlatform,
  n: ConnectedNumber,
  m: { waId: string; wamid?: string | null; reservePaise?: number; category?: string; templateName?: string | null; type?: string; createdAt?: Date },
): Promise<string> {
  const reserve = m.reservePaise ?? 0;
  const id = randomUUID();
  if (reserve > 0) {
    await t.db.tx(async (tx) => {
      const accounts = await customerAccounts(tx, n.tenantId);
      await postTransfer(tx, {
        kind: 'debit',
        description: 'Test reserve',
        idempotencyKey: `test-reserve:${id}`,
        postings: [
          { accountId: accounts.wallet, amount: -reserve },
          { accountId: await systemAccountId(tx, 'revenue'), amount: reserve },
        ],
        actor: { type: 'system' },
      });
    });
  }
  const type = m.type ?? (m.templateName === null ? 'text' : 'template');
  await t.db.query(
    `INSERT INTO wa_messages (id, tenant_id, number_id, direction, wamid, wa_id, type, content, template_name, category, status, reserved_paise, billing_state, source, created_at)
     VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, $9, $10, $11, $12, 'api', $13)`,
    [
      id,
      n.tenantId,
      n.id,
      m.wamid ?? null,
      m.waId,
      type,
      JSON.stringify(type === 'template' ? { type, template: { name: m.templateName ?? 'promo', language: { code: 'en' } } } : { type, text: { body: 'Hello' } }),
      type === 'template' ? (m.templateName ?? 'promo') : null,
      m.category ?? (type === 'template' ? 'marketing' : 'service'),
      m.wamid ? 'accepted' : 'queued',
      reserve,
      reserve > 0 ? 'reserved' : 'none',
      m.createdAt ?? new Date(),
    ],
  );
  return id;
}

export interface MessageState {
  status: string;
  billing_state: string;
  charged_paise: number | null;
  reserved_paise: number;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  error_code: number | null;
  pricing_type: string | null;
  pricing_category: string | null;
}

export async function messageState(t: TestPlatform, id: string): Promise<MessageState> {
  const rows = await t.db.query<MessageState>(
    'SELECT status, billing_state, charged_paise, reserved_paise, sent_at, delivered_at, read_at, failed_at, error_code, pricing_type, pricing_category FROM wa_messages WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

/** A status webhook body in Meta's shape for one number. */
export function statusWebhook(phoneNumberId: string, wabaId: string, statuses: Record<string, unknown>[]): object {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, statuses } }] }],
  };
}

/** An inbound-message webhook body in Meta's shape. */
export function inboundWebhook(phoneNumberId: string, wabaId: string, from: string, messages: Record<string, unknown>[], profileName = 'Test Person'): object {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: profileName }, wa_id: from }],
              messages: messages.map((m, i) => ({ from, id: `wamid.test.${randomUUID()}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), ...m })),
            },
          },
        ],
      },
    ],
  };
}

export const pricing = (category: string, type = 'regular') => ({ billable: type === 'regular', pricing_model: 'PMP', type, category });
export const unix = (d = new Date()) => String(Math.floor(d.getTime() / 1000));

/**
 * A number in the built-in simulator, connected to the tenant as the numbers module would (its
 * token sealed); status webhooks one POST each, so tests see each report.
 */
export async function connectSimulatorNumber(t: TestPlatform, tenantId: string, settings: Record<string, unknown> = {}): Promise<ConnectedNumber & { accessToken: string; displayPhoneNumber: string }> {
  const created = await t.app.inject({ method: 'POST', url: '/sandbox/graph/_sim/numbers', payload: {} });
  if (created.statusCode !== 201) throw new Error(`simulator number: ${created.statusCode} ${created.body}`);
  const sim = created.json() as { phone_number_id: string; waba_id: string; access_token: string; display_phone_number: string };
  const patched = await t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/numbers/${sim.phone_number_id}`, payload: { webhook_batching: 'never', pair_limit: 1000, ...settings } });
  if (patched.statusCode !== 200) throw new Error(`simulator settings: ${patched.statusCode} ${patched.body}`);
  const n = await connectNumber(t, tenantId, { phoneNumberId: sim.phone_number_id, wabaId: sim.waba_id, accessToken: sim.access_token, displayPhoneNumber: sim.display_phone_number });
  return { ...n, accessToken: sim.access_token, displayPhoneNumber: sim.display_phone_number };
}

/** Runs the simulator's status job, delivers its webhooks and processes them, until nothing is left. */
export async function settleSimulator(t: TestPlatform): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const progressed = await t.platform.jobs.runPending(PROGRESS_JOB, 10_000);
    const delivered = await t.platform.jobs.runPending(WEBHOOK_JOB, 10_000);
    const processed = await processWebhooks(t);
    if (!progressed && !delivered && !processed) return;
  }
}

export async function apiKeyFor(t: TestPlatform, tenantId: string, scopes: string[], numberIds: string[] | null = null): Promise<string> {
  const k = mintApiKey();
  await t.db.query('INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, number_ids) VALUES ($1, $2, $3, $4, $5, $6)', [tenantId, 'test key', k.prefix, k.secretHash, scopes, numberIds]);
  return k.plaintext;
}
