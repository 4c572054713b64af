import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { registerUser, type TestPlatform } from '../../../test/harness.js';
import { sandboxKit, type CapturedRequest, type SimNumber } from '../../../test/meta.js';
import { keyringFromConfig } from '../../../platform/storage/index.js';
import { createWalletService } from '../../wallet/wallet.service.js';
import { mintApiKey, type Scope } from '../api-keys/api-key-auth.js';
import { sealNumberSecret, type NumberRow } from '../numbers/numbers.repo.js';

/**
 * Test fixtures of the send path, independent of the numbers and API-key routes: a customer with
 * money in the wallet, a simulator number connected as a wa_numbers row (its token sealed as the
 * numbers module seals it), API keys minted into api_keys, and recorded opt-ins.
 */

export interface Connected {
  tenantId: string;
  sim: SimNumber;
  number: NumberRow;
}

export function sendKit(t: TestPlatform, hook: { take(): CapturedRequest[] }) {
  const kit = sandboxKit(t, hook);
  const ring = keyringFromConfig(t.config);
  const wallet = createWalletService({ db: t.db });

  async function tenant(balancePaise = 100_000): Promise<string> {
    const person = await registerUser(t.app, 'wa');
    if (balancePaise > 0) await fund(person.id, balancePaise);
    return person.id;
  }

  async function fund(tenantId: string, paise: number): Promise<void> {
    await t.db.tx((tx) => wallet.creditTopup(tx, { userId: tenantId, paymentId: `test-${randomUUID()}`, amount: paise, gateway: 'test' }));
  }

  /** A simulator number (with `sim` settings) connected to `tenantId`, paced at `mps`. */
  async function connect(tenantId: string, opts: { mps?: number; sim?: Record<string, unknown> } = {}): Promise<Connected> {
    const mps = opts.mps ?? 80;
    const sim = await kit.newNumber({ pair_limit: 1000, mps: Math.max(mps, 80), ...opts.sim });
    const id = randomUUID();
    const [number] = await t.db.query<NumberRow>(
      `INSERT INTO wa_numbers (id, tenant_id, label, waba_id, phone_number_id, access_token_enc, display_phone_number, verified_name, mps, status)
       VALUES ($1, $2, 'Test number', $3, $4, $5, $6, 'Sandbox Business', $7, 'connected') RETURNING *`,
      [id, tenantId, sim.waba_id, sim.phone_number_id, sealNumberSecret(ring, id, 'access_token', sim.access_token), sim.display_phone_number, mps],
    );
    return { tenantId, sim, number: number! };
  }

  async function apiKey(tenantId: string, scopes: Scope[] = ['messages:send', 'media:write', 'media:read'], numberIds: string[] | null = null): Promise<string> {
    const k = mintApiKey();
    await t.db.query('INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, number_ids) VALUES ($1, $2, $3, $4, $5, $6)', [
      tenantId,
      'test key',
      k.prefix,
      k.secretHash,
      scopes,
      numberIds,
    ]);
    return k.plaintext;
  }

  /** Records the contact's opt-in (what the contacts module does with proof). */
  async function optIn(tenantId: string, waId: string): Promise<void> {
    await t.db.query(
      `INSERT INTO wa_contacts (tenant_id, wa_id, opted_in_at) VALUES ($1, $2, now())
       ON CONFLICT (tenant_id, wa_id) DO UPDATE SET opted_in_at = now(), opted_out_at = NULL`,
      [tenantId, waId],
    );
  }

  /** The person writes in: the 24-hour customer-service window opens at the simulator. */
  async function openWindow(c: Connected, waId: string, extra: Record<string, unknown> = {}) {
    return kit.inbound(c.sim, waId, [{ type: 'text', text: { body: 'Hi' }, ...extra }]);
  }

  function v1(key: string | null, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return t.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers }, payload: body as object });
  }

  function graph(key: string | null, phoneNumberId: string, body: unknown, headers: Record<string, string> = {}, version = 'v23.0'): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method: 'POST',
      url: `/graph/${version}/${phoneNumberId}/messages`,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      payload: body as object,
    });
  }

  async function balance(tenantId: string): Promise<{ available: number; held: number }> {
    const b = await wallet.balances(tenantId);
    return { available: b.available, held: b.held };
  }

  /** What was reserved for messages of the tenant (lease usage net of refunds). */
  async function reserved(tenantId: string): Promise<number> {
    const [row] = await t.db.query<{ used: number }>(
      `SELECT (COALESCE((SELECT sum(u.amount) FROM ledger_lease_usage u JOIN ledger_holds h ON h.id = u.hold_id WHERE h.user_id = $1), 0)
             - COALESCE((SELECT sum(e.amount) FROM ledger_entries e JOIN ledger_transfers tr ON tr.id = e.transfer_id JOIN ledger_accounts a ON a.id = e.account_id
                          WHERE a.owner_user_id = $1 AND a.kind = 'customer_wallet' AND tr.kind = 'refund'), 0))::bigint AS used`,
      [tenantId],
    );
    return row!.used;
  }

  async function messages(tenantId: string) {
    return t.db.query<{ id: string; status: string; wamid: string | null; type: string; category: string; reserved_paise: number; billing_state: string; error_code: number | null; source: string; content: Record<string, unknown>; biz_opaque_callback_data: string | null; hold_id: string | null; api_key_id: string | null }>(
      'SELECT * FROM wa_messages WHERE tenant_id = $1 ORDER BY created_at',
      [tenantId],
    );
  }

  return { kit, ring, tenant, fund, connect, apiKey, optIn, openWindow, v1, graph, balance, reserved, messages };
}

export type SendKit = ReturnType<typeof sendKit>;
