import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, type Client, type TestPlatform } from '../../../test/harness.js';

/** Helpers shared by the tests of numbers, API keys and billing: simulated numbers and message rows. */

export interface SimNumber {
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string;
  access_token: string;
}

async function sim(t: TestPlatform, method: 'POST' | 'PATCH', url: string, body: unknown): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({ method, url: `/sandbox/graph/_sim${url}`, payload: body as object });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

/** A new number in the simulator (its own business account unless `waba_id` names one), with a token. */
export async function simNumber(t: TestPlatform, body: Record<string, unknown> = {}): Promise<SimNumber> {
  return json<SimNumber>(await sim(t, 'POST', '/numbers', body));
}

export const simPatch = (t: TestPlatform, phoneNumberId: string, body: Record<string, unknown>) => sim(t, 'PATCH', `/numbers/${phoneNumberId}`, body);

export async function simToken(t: TestPlatform, wabaId: string, expiresInSeconds?: number): Promise<string> {
  return json<{ access_token: string }>(await sim(t, 'POST', `/wabas/${wabaId}/tokens`, expiresInSeconds === undefined ? {} : { expires_in_seconds: expiresInSeconds })).access_token;
}

export const revokeSimToken = (t: TestPlatform, token: string) => sim(t, 'POST', '/tokens/revoke', { access_token: token });

/** Marks the person's KYC approved, as a reviewer would have. */
export async function approveKyc(t: TestPlatform, userId: string): Promise<void> {
  await t.db.query(`INSERT INTO kyc_profiles (user_id, state, submitted_at, reviewed_at) VALUES ($1, 'approved', now(), now())`, [userId]);
}

/** A signed-in customer whose KYC is approved, so they may connect numbers. */
export async function waCustomer(t: TestPlatform) {
  const c = await signedInClient(t, 'customer');
  await approveKyc(t, c.person.id);
  return c;
}

export interface NumberDto {
  id: string;
  label: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: string | null;
  messagingLimitTier: string | null;
  throughputLevel: string | null;
  mps: number;
  status: 'connected' | 'error' | 'disconnected';
  lastCheckedAt: string | null;
  lastError: { code: string; message: string } | null;
  tokenRotatedAt: string | null;
  hasAppSecret: boolean;
  hasVerifyToken: boolean;
  disconnectedAt: string | null;
}

export function connectBody(n: SimNumber, extra: Record<string, unknown> = {}) {
  return { wabaId: n.waba_id, phoneNumberId: n.phone_number_id, accessToken: n.access_token, ...extra };
}

/** Connects a simulated number for the client; fails the test unless it answers 201. */
export async function connectNumber(client: Client, n: SimNumber, extra: Record<string, unknown> = {}): Promise<NumberDto> {
  const res = await client.post('/api/whatsapp/numbers', connectBody(n, extra));
  if (res.statusCode !== 201) throw new Error(`connect: ${res.statusCode} ${res.body}`);
  return json<{ number: NumberDto }>(res).number;
}

/** A row of the message log, as the send path or the webhook processor would have written it. */
export async function insertMessage(
  t: TestPlatform,
  m: {
    tenantId: string;
    numberId: string;
    direction?: 'outbound' | 'inbound';
    status?: string;
    category?: string | null;
    pricingCategory?: string | null;
    billingState?: 'none' | 'reserved' | 'charged' | 'released';
    reservedPaise?: number;
    chargedPaise?: number | null;
    apiKeyId?: string | null;
    createdAt?: string;
    waId?: string;
  },
): Promise<void> {
  const direction = m.direction ?? 'outbound';
  await t.db.query(
    `INSERT INTO wa_messages (tenant_id, number_id, direction, wa_id, type, content, status, category, pricing_category, billing_state, reserved_paise, charged_paise, source, api_key_id, created_at)
     VALUES ($1, $2, $3, $4, 'text', '{"text":{"body":"hi"}}', $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13::timestamptz, now()))`,
    [
      m.tenantId,
      m.numberId,
      direction,
      m.waId ?? '919876543210',
      m.status ?? (direction === 'inbound' ? 'received' : 'delivered'),
      m.category ?? null,
      m.pricingCategory ?? null,
      m.billingState ?? 'none',
      m.reservedPaise ?? 0,
      m.chargedPaise ?? null,
      direction === 'inbound' ? 'meta' : m.apiKeyId ? 'api' : 'ui',
      m.apiKeyId ?? null,
      m.createdAt ?? null,
    ],
  );
}
