import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json } from '../../test/harness.js';
import {
  FEES,
  PDF,
  PHOTO,
  VALID_ANSWERS,
  addOutput,
  app,
  code,
  createService,
  customer,
  draft,
  expectOk,
  setUp,
  submitted,
  upload,
  wallet,
  type Kit,
} from '../../test/applications-kit.js';

interface QueueItem {
  id: string;
  ackNumber: string;
  state: string;
  overdue: boolean;
  slaDueAt: string;
  ageSeconds: number;
  customer: { id: string; name: string };
  assignedTo: { id: string } | null;
  filedBy: { id: string } | null;
}
const items = (res: { body: string }) => (JSON.parse(res.body) as { items: QueueItem[] }).items;
const ids = (res: { body: string }) => items(res).map((i) => i.id);

describe('operators’ work queue', () => {
  let kit: Kit;
  before(async () => {
    kit = await setUp();
  });
  after(() => kit.t.close());

  test('lists open work oldest first with SLA due times; filters by state, service, assignee, overdue and search', async () => {
    const serviceId = await createService(kit, { turnaroundDays: 2 });
    const c = await customer(kit, 100_000);
    const a = await submitted(c.client, serviceId);
    const b = await submitted(c.client, serviceId);
    const other = await submitted(c.client, kit.serviceId);
    const privateDraft = await draft(c.client, serviceId);

    const open = ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}`));
    assert.deepEqual(open, [a.id, b.id]);
    assert.ok(!open.includes(privateDraft.id));
    const first = items(await kit.op1.get(`/api/staff/applications?service=${serviceId}`))[0]!;
    assert.equal(first.customer.id, c.id);
    assert.ok(Date.parse(first.slaDueAt) > Date.now() && !first.overdue);

    // b is past its due time: flagged, filterable, first by due date.
    await kit.t.db.query("UPDATE applications SET sla_due_at = now() - interval '1 hour' WHERE id = $1", [b.id]);
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}&overdue=true`)), [b.id]);
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}&sort=due`)), [b.id, a.id]);
    assert.equal(items(await kit.op1.get(`/api/staff/applications?service=${serviceId}&overdue=true`))[0]!.overdue, true);
    // Waiting on the customer is never overdue.
    expectOk(await kit.op1.post(`/api/staff/applications/${b.id}/request-info`, { message: 'Which district do you live in?' }));
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}&overdue=true`)), []);
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}&state=needs_info`)), [b.id]);

    expectOk(await kit.op1.post(`/api/staff/applications/${a.id}/start`));
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?service=${serviceId}&assigned=me`)), [a.id]);
    assert.deepEqual(ids(await kit.op2.get(`/api/staff/applications?service=${serviceId}&assigned=me`)), []);
    assert.deepEqual(ids(await kit.op2.get(`/api/staff/applications?service=${serviceId}&assigned=unassigned`)), [b.id]);
    assert.deepEqual(ids(await kit.op2.get(`/api/staff/applications?service=${serviceId}&assigned=${kit.op1Id}`)), [a.id]);

    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?q=${other.ackNumber!.toLowerCase()}`)), [other.id]);
    const byEmail = ids(await kit.op1.get(`/api/staff/applications?q=${encodeURIComponent(c.email)}&state=all`));
    assert.deepEqual(byEmail.sort(), [a.id, b.id, other.id].sort());
    assert.deepEqual(ids(await kit.op1.get(`/api/staff/applications?q=${encodeURIComponent('%')}&service=${serviceId}`)), []);

    const bad = await kit.op1.get('/api/staff/applications?state=everything');
    assert.equal(bad.statusCode, 400);
    assert.equal((await c.client.get('/api/staff/applications')).statusCode, 403);
  });

  test('assignment: operators take unassigned work or hand back their own; admins assign anyone; assignments stay internal', async () => {
    const c = await customer(kit, 50_000);
    const s = await submitted(c.client, kit.serviceId);
    const taken = expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/assign`, { operatorId: kit.op1Id }));
    assert.equal(taken.assignedTo?.id, kit.op1Id);
    const steal = await kit.op2.post(`/api/staff/applications/${s.id}/assign`, { operatorId: kit.op2Id });
    assert.equal(steal.statusCode, 409);
    assert.equal(code(steal), 'assigned_to_other');
    const push = await kit.op1.post(`/api/staff/applications/${s.id}/assign`, { operatorId: kit.op2Id });
    assert.equal(push.statusCode, 403);
    const notStaff = await kit.admin.post(`/api/staff/applications/${s.id}/assign`, { operatorId: c.id });
    assert.equal(notStaff.statusCode, 400);
    assert.equal(code(notStaff), 'unknown_operator');

    expectOk(await kit.admin.post(`/api/staff/applications/${s.id}/assign`, { operatorId: kit.op2Id }));
    const blocked = await kit.op1.post(`/api/staff/applications/${s.id}/start`);
    assert.equal(blocked.statusCode, 409);
    assert.equal(code(blocked), 'assigned_to_other');
    expectOk(await kit.op2.post(`/api/staff/applications/${s.id}/start`));
    const back = expectOk(await kit.op2.post(`/api/staff/applications/${s.id}/assign`, { operatorId: null }));
    assert.equal(back.assignedTo, null);

    const staffKinds = app(await kit.op1.get(`/api/applications/${s.id}`)).timeline.map((e) => e.kind);
    assert.equal(staffKinds.filter((k) => k === 'assigned').length, 3);
    const customerView = app(await c.client.get(`/api/applications/${s.id}`));
    assert.ok(!customerView.timeline.some((e) => e.kind === 'assigned'));
    assert.equal(customerView.assignedTo, null);
    // Customers see that an operator acted, not which one.
    const started = customerView.timeline.find((e) => e.kind === 'started')!;
    assert.deepEqual(started.actor, { id: null, name: null, role: 'operator' });
  });

  test('comments: internal ones stay with staff; public ones reach the customer, who can answer', async () => {
    const c = await customer(kit, 50_000);
    const d = await draft(c.client, kit.serviceId);
    const early = await c.client.post(`/api/applications/${d.id}/comments`, { message: 'Hello?' });
    assert.equal(early.statusCode, 409);
    assert.equal(code(early), 'comments_closed');

    const s = await submitted(c.client, kit.serviceId);
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/comments`, { message: 'Check the photo against Aadhaar.', visibility: 'internal' }));
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/comments`, { message: 'We will call you tomorrow.', visibility: 'customer' }));
    expectOk(await c.client.post(`/api/applications/${s.id}/comments`, { message: 'Thank you, I will be available.' }));
    const bidi = await c.client.post(`/api/applications/${s.id}/comments`, { message: 'evil\u202etext' });
    assert.equal(bidi.statusCode, 400);
    const blank = await c.client.post(`/api/applications/${s.id}/comments`, { message: '   ' });
    assert.equal(blank.statusCode, 400);
    const wrongSide = await c.client.post(`/api/staff/applications/${s.id}/comments`, { message: 'x', visibility: 'internal' });
    assert.equal(wrongSide.statusCode, 403);

    const seen = app(await c.client.get(`/api/applications/${s.id}`)).timeline.filter((e) => e.kind === 'comment').map((e) => e.message);
    assert.deepEqual(seen, ['We will call you tomorrow.', 'Thank you, I will be available.']);
    assert.doesNotMatch(JSON.stringify(app(await c.client.get(`/api/applications/${s.id}`))), /Aadhaar/);
    const staff = app(await kit.op2.get(`/api/applications/${s.id}`)).timeline.filter((e) => e.kind === 'comment');
    assert.deepEqual(staff.map((e) => [e.visibility, e.message]), [
      ['internal', 'Check the photo against Aadhaar.'],
      ['customer', 'We will call you tomorrow.'],
      ['customer', 'Thank you, I will be available.'],
    ]);
    const notices = await kit.t.db.query<{ kind: string; body_en: string }>("SELECT kind, body_en FROM notifications WHERE user_id = $1 AND kind = 'application.comment'", [c.id]);
    assert.deepEqual(notices.map((n) => n.body_en), ['We will call you tomorrow.']);
  });

  test('result documents: attached while in progress, removable before completion', async () => {
    const c = await customer(kit, 50_000);
    const s = await submitted(c.client, kit.serviceId);
    const tooEarly = await upload(kit.op1, `/api/staff/applications/${s.id}/outputs`, PDF());
    assert.equal(tooEarly.statusCode, 409);
    assert.equal(code(tooEarly), 'not_in_progress');
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
    const hostile = await upload(kit.op1, `/api/staff/applications/${s.id}/outputs`, { data: Buffer.from('MZ\x90\x00 not a pdf'), filename: 'result.pdf', contentType: 'application/pdf' });
    assert.equal(hostile.statusCode, 415);
    const first = await addOutput(kit.op1, s.id);
    assert.equal((await upload(c.client, `/api/staff/applications/${s.id}/outputs`, PDF())).statusCode, 403);
    assert.equal((await kit.op1.delete(`/api/staff/applications/${s.id}/outputs/${first}`)).statusCode, 204);
    assert.equal((await kit.op1.delete(`/api/staff/applications/${s.id}/outputs/${first}`)).statusCode, 404);
    const none = await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {});
    assert.equal(code(none), 'output_required');
    await addOutput(kit.op1, s.id);
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {}));
    assert.equal(app(await c.client.get(`/api/applications/${s.id}`)).outputs.length, 1);
  });

  test('an operator files for a walk-in customer: found by mobile, paid from the customer’s wallet, recorded as filed by the operator', async () => {
    const walkIn = await customer(kit, 30_000);
    const found = json<{ items: { id: string; role: string }[] }>(await kit.op1.get(`/api/staff/users?q=${walkIn.mobile.slice(-10)}&role=customer`)).items;
    assert.deepEqual(found.map((u) => u.id), [walkIn.id]);

    for (const customerId of [kit.op2Id, kit.adminId, randomUUID()]) {
      const res = await kit.op1.post('/api/staff/applications', { service: kit.serviceId, customerId });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(code(res), 'unknown_customer');
    }
    const created = await kit.op1.post('/api/staff/applications', { service: kit.serviceId, customerId: walkIn.id });
    assert.equal(created.statusCode, 201, created.body);
    const d = app(created);
    assert.equal(d.customer.id, walkIn.id);
    assert.equal(d.filedBy?.id, kit.op1Id);
    assert.ok(d.allowedActions.includes('submit'));
    assert.deepEqual(ids(await kit.op2.get('/api/staff/applications?state=draft')), [d.id], 'drafts filed at the counter are shared with staff');

    assert.equal((await upload(kit.op1, `/api/applications/${d.id}/documents/photo`, PHOTO())).statusCode, 201);
    assert.equal((await upload(kit.op1, `/api/applications/${d.id}/documents/address_proof`, PDF())).statusCode, 201);
    const s = expectOk(await kit.op1.post(`/api/applications/${d.id}/submit`, { answers: VALID_ANSWERS }));
    assert.equal(s.state, 'submitted');
    assert.deepEqual(await wallet(kit, walkIn.id), { available: 30_000 - FEES.total, held: FEES.total });
    assert.deepEqual(await wallet(kit, kit.op1Id), { available: 0, held: 0 });

    const mine = json<{ items: { id: string }[] }>(await walkIn.client.get('/api/applications')).items;
    assert.deepEqual(mine.map((x) => x.id), [d.id]);
    const [logged] = await kit.t.db.query<{ actor_id: string; subject_user_id: string }>(
      "SELECT actor_id, subject_user_id FROM activity_log WHERE action = 'application.filed_for_customer' AND object_id = $1",
      [d.id],
    );
    assert.deepEqual({ ...logged }, { actor_id: kit.op1Id, subject_user_id: walkIn.id });
    const pdf = (await kit.op1.get(`/api/applications/${d.id}/receipt.pdf`)).rawPayload.toString('latin1');
    assert.ok(pdf.includes('Filed at the centre by'));

    const short = await customer(kit, 100);
    const d2 = app(await kit.op1.post('/api/staff/applications', { service: kit.serviceId, customerId: short.id }));
    await upload(kit.op1, `/api/applications/${d2.id}/documents/photo`, PHOTO());
    await upload(kit.op1, `/api/applications/${d2.id}/documents/address_proof`, PDF());
    const refused = await kit.op1.post(`/api/applications/${d2.id}/submit`, { answers: VALID_ANSWERS });
    assert.equal(code(refused), 'insufficient_funds');
    assert.match(refused.body, /customer’s wallet has ₹1\.00/);
    assert.equal((await walkIn.client.post('/api/staff/applications', { service: kit.serviceId, customerId: walkIn.id })).statusCode, 403);
  });
});
