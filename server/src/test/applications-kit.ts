/**
 * Shared set-up of the applications tests (server/src/modules/applications/*.test.ts, e2e): a platform with an admin, two
 * operators, a test service whose form has every field type, and helpers that drive applications
 * through the HTTP API into any state.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from './harness.js';
import { makePdf, makePng } from './files.js';
import { multipartBody } from './multipart.js';
import type { ApplicationState } from '../modules/applications/workflow.js';

export interface Detail {
  id: string;
  ackNumber: string | null;
  state: ApplicationState;
  total: number | null;
  amountPaise: number | null;
  formVersion: number;
  answers: Record<string, unknown>;
  fees: { platformFee: number; governmentFee: number; gstRateBps: number; gst: number; total: number; cgst: number; sgst: number };
  feesFinal: boolean;
  documents: { id: string; key: string; url: string; contentType: string }[];
  outputs: { id: string; url: string; contentType: string }[];
  customer: { id: string };
  filedBy: { id: string; name: string } | null;
  assignedTo: { id: string; name: string } | null;
  slaDueAt: string | null;
  overdue: boolean;
  infoRequest: string | null;
  rejectionReason: string | null;
  timeline: { kind: string; visibility: string; message: string | null; actor: { id: string | null; name: string | null; role: string } | null }[];
  allowedActions: string[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string; rule?: string; params?: Record<string, unknown> }[] };
}

export const L = (en: string, hi: string) => ({ en, hi });
export const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;
export const app = (res: LightMyRequestResponse) => json<{ application: Detail }>(res).application;

/** Fixed fees of the test service: ₹50 + 18 % GST (₹9) + ₹100 government fee. */
export const FEES = { platformFee: 5_000, gst: 900, governmentFee: 10_000, total: 15_900 };
export const VALID_ANSWERS = { full_name: 'Asha Verma', age: 34, gender: 'female', declaration: true };

let seq = 0;
export function testServiceBody(categoryId: string, over: Record<string, unknown> = {}) {
  seq++;
  return {
    slug: `apply-test-${seq}-${process.pid}`,
    categoryId,
    name: L(`Test certificate ${seq}`, `परीक्षण प्रमाण पत्र ${seq}`),
    description: L('A service for tests.', 'परीक्षण के लिए सेवा।'),
    platformFeePaise: FEES.platformFee,
    governmentFeePaise: FEES.governmentFee,
    gstRateBps: 1_800,
    turnaroundDays: 3,
    kycRequired: false,
    form: {
      fields: [
        { key: 'full_name', type: 'text', label: L('Full name', 'पूरा नाम'), required: true, rules: { minLength: 2, maxLength: 50 } },
        { key: 'age', type: 'number', label: L('Age', 'आयु'), required: true, rules: { min: 18, max: 120, integer: true } },
        { key: 'date_of_birth', type: 'date', label: L('Date of birth', 'जन्म तिथि'), required: false, rules: { maxDate: 'today' } },
        {
          key: 'gender',
          type: 'select',
          label: L('Gender', 'लिंग'),
          required: true,
          options: [
            { value: 'female', label: L('Female', 'महिला') },
            { value: 'male', label: L('Male', 'पुरुष') },
          ],
        },
        { key: 'declaration', type: 'checkbox', label: L('I declare', 'मैं घोषणा करता हूँ'), required: true },
        { key: 'photo', type: 'file', label: L('Photo', 'फ़ोटो'), required: true, document: 'photo' },
      ],
      documents: [
        { key: 'photo', label: L('Photo', 'फ़ोटो'), types: ['jpeg', 'png'], maxSizeBytes: 512_000, required: true },
        { key: 'address_proof', label: L('Address proof', 'पते का प्रमाण'), types: ['pdf'], maxSizeBytes: 1_048_576, required: true },
      ],
    },
    ...over,
  };
}

export interface Kit {
  t: TestPlatform;
  admin: Client;
  adminId: string;
  op1: Client;
  op1Id: string;
  op2: Client;
  op2Id: string;
  categoryId: string;
  serviceId: string;
}

export async function setUp(): Promise<Kit> {
  const t = await testPlatform();
  const a = await signedInClient(t, 'admin');
  const o1 = await signedInClient(t, 'operator');
  const o2 = await signedInClient(t, 'operator');
  const [row] = await t.db.query<{ id: string }>("SELECT id FROM service_categories WHERE slug = 'certificates'");
  const kit = { t, admin: a.client, adminId: a.person.id, op1: o1.client, op1Id: o1.person.id, op2: o2.client, op2Id: o2.person.id, categoryId: row!.id, serviceId: '' };
  kit.serviceId = await createService(kit);
  return kit;
}

export async function createService(kit: Pick<Kit, 'admin' | 'categoryId'>, over: Record<string, unknown> = {}): Promise<string> {
  const res = await kit.admin.post('/api/admin/services', testServiceBody(kit.categoryId, over));
  assert.equal(res.statusCode, 201, res.body);
  return json<{ service: { id: string } }>(res).service.id;
}

export async function customer(kit: Kit, fundedPaise = 0): Promise<{ client: Client; id: string; email: string; mobile: string }> {
  const c = await signedInClient(kit.t, 'customer');
  if (fundedPaise) await fund(kit, c.person.id, fundedPaise);
  return { client: c.client, id: c.person.id, email: c.person.email, mobile: c.person.mobile };
}

export async function fund(kit: Kit, userId: string, paise: number): Promise<void> {
  const res = await kit.admin.post(`/api/admin/wallets/${userId}/adjustments`, { amount: paise, reason: 'Test money for applications' });
  assert.equal(res.statusCode, 201, res.body);
}

/** Available and held balance of a customer (paise). */
export async function wallet(kit: Kit, userId: string): Promise<{ available: number; held: number }> {
  const rows = await kit.t.db.query<{ kind: string; balance: number }>('SELECT kind, balance FROM ledger_accounts WHERE owner_user_id = $1', [userId]);
  return { available: rows.find((r) => r.kind === 'customer_wallet')?.balance ?? 0, held: rows.find((r) => r.kind === 'customer_holds')?.balance ?? 0 };
}

/** A platform account's balance: the sum of its entries. */
export async function platformBalance(kit: Kit, kind: 'revenue' | 'gst_payable' | 'pass_through' | 'refunds'): Promise<number> {
  const rows = await kit.t.db.query<{ n: number }>(
    `SELECT COALESCE(sum(e.amount), 0)::bigint AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
     WHERE a.kind = $1 AND a.owner_user_id IS NULL`,
    [kind],
  );
  return rows[0]!.n;
}

export async function upload(c: Client, url: string, file: { data: Buffer; filename: string; contentType: string }): Promise<LightMyRequestResponse> {
  const { body, headers } = multipartBody([{ data: file.data, filename: file.filename, contentType: file.contentType }]);
  return c.request('POST', url, body, headers);
}

export const PHOTO = () => ({ data: makePng({ width: 16, height: 16 }), filename: 'photo.png', contentType: 'image/png' });
export const PDF = (text = 'Proof of address') => ({ data: makePdf({ text }), filename: 'proof.pdf', contentType: 'application/pdf' });

export async function draft(c: Client, serviceId: string): Promise<Detail> {
  const res = await c.post('/api/applications', { service: serviceId });
  assert.equal(res.statusCode, 201, res.body);
  return app(res);
}

/** A draft with valid answers and every required document, ready to submit. */
export async function readyDraft(c: Client, serviceId: string): Promise<Detail> {
  const d = await draft(c, serviceId);
  assert.equal((await upload(c, `/api/applications/${d.id}/documents/photo`, PHOTO())).statusCode, 201);
  assert.equal((await upload(c, `/api/applications/${d.id}/documents/address_proof`, PDF())).statusCode, 201);
  const saved = await c.put(`/api/applications/${d.id}`, { answers: VALID_ANSWERS });
  assert.equal(saved.statusCode, 200, saved.body);
  return app(saved);
}

export async function submitted(c: Client, serviceId: string): Promise<Detail> {
  const d = await readyDraft(c, serviceId);
  const res = await c.post(`/api/applications/${d.id}/submit`, {});
  assert.equal(res.statusCode, 200, res.body);
  return app(res);
}

export async function addOutput(op: Client, id: string): Promise<string> {
  const res = await upload(op, `/api/staff/applications/${id}/outputs`, PDF('Certificate issued'));
  assert.equal(res.statusCode, 201, res.body);
  return json<{ document: { id: string } }>(res).document.id;
}

/**
 * An application of the customer `c` in `state`; staff steps are taken by `op` (who ends up the
 * assignee of anything started). In progress ones carry one result document already.
 */
export async function inState(kit: Kit, c: Client, state: ApplicationState, op: Client = kit.op1): Promise<Detail> {
  if (state === 'draft') return readyDraft(c, kit.serviceId);
  if (state === 'cancelled') {
    const d = await readyDraft(c, kit.serviceId);
    return expectOk(await c.post(`/api/applications/${d.id}/cancel`, {}));
  }
  const s = await submitted(c, kit.serviceId);
  if (state === 'submitted') return s;
  if (state === 'needs_info') return expectOk(await op.post(`/api/staff/applications/${s.id}/request-info`, { message: 'Please send a clearer photo.' }));
  if (state === 'rejected') return expectOk(await op.post(`/api/staff/applications/${s.id}/reject`, { reason: 'The documents do not match.' }));
  expectOk(await op.post(`/api/staff/applications/${s.id}/start`));
  await addOutput(op, s.id);
  if (state === 'in_progress') return app(await op.get(`/api/applications/${s.id}`));
  return expectOk(await op.post(`/api/staff/applications/${s.id}/complete`, {}));
}

export function expectOk(res: LightMyRequestResponse): Detail {
  assert.equal(res.statusCode, 200, res.body);
  return app(res);
}

export async function stateOf(kit: Kit, id: string): Promise<ApplicationState> {
  const [row] = await kit.t.db.query<{ state: ApplicationState }>('SELECT state FROM applications WHERE id = $1', [id]);
  return row!.state;
}
