import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, signedInClient } from '../../test/harness.js';
import { makeJpeg, makePng } from '../../test/files.js';
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
  fund,
  platformBalance,
  readyDraft,
  setUp,
  stateOf,
  submitted,
  testServiceBody,
  upload,
  wallet,
  type Detail,
  type ErrorBody,
  type Kit,
} from '../../test/applications-kit.js';

describe('service applications', () => {
  let kit: Kit;
  before(async () => {
    kit = await setUp();
  });
  after(() => kit.t.close());

  describe('drafts', () => {
    test('a draft is pinned to the current form version, saved with partial answers and resumed with its uploads', async () => {
      const serviceId = await createService(kit);
      const c = await customer(kit);
      const d = await draft(c.client, serviceId);
      assert.equal(d.state, 'draft');
      assert.equal(d.ackNumber, null);
      assert.equal(d.formVersion, 1);
      assert.equal(d.feesFinal, false);
      assert.deepEqual({ platformFee: d.fees.platformFee, gst: d.fees.gst, governmentFee: d.fees.governmentFee, total: d.fees.total }, FEES);
      assert.deepEqual([d.fees.cgst, d.fees.sgst], [450, 450]);
      assert.ok(d.allowedActions.includes('submit') && d.allowedActions.includes('edit') && !d.allowedActions.includes('receipt'));

      // Half a form is fine for a draft; what is given is checked.
      const partial = await c.client.put(`/api/applications/${d.id}`, { answers: { full_name: '  Asha  ' } });
      assert.equal(partial.statusCode, 200, partial.body);
      assert.deepEqual(app(partial).answers, { full_name: 'Asha', declaration: false });
      const bad = await c.client.put(`/api/applications/${d.id}`, { answers: { age: 12 } });
      assert.equal(bad.statusCode, 400);
      assert.equal(code(bad), 'invalid_answers');
      assert.deepEqual(json<ErrorBody>(bad).error.details!.map((x) => [x.field, x.rule]), [['age', 'min']]);

      // Uploading the photo answers its file field; the address proof has no field.
      const up = await upload(c.client, `/api/applications/${d.id}/documents/photo`, PHOTO());
      assert.equal(up.statusCode, 201, up.body);
      const photoId = json<{ document: { id: string } }>(up).document.id;
      assert.equal((await upload(c.client, `/api/applications/${d.id}/documents/address_proof`, PDF())).statusCode, 201);

      // A new version of the form does not move the draft.
      const form = json<{ service: { form: unknown } }>(await kit.admin.get(`/api/admin/services/${serviceId}`)).service.form as { fields: { key: string }[]; documents: unknown[] };
      const published = await kit.admin.post(`/api/admin/services/${serviceId}/form-versions`, {
        baseVersion: 1,
        form: { fields: form.fields.filter((f) => f.key !== 'date_of_birth'), documents: form.documents },
      });
      assert.equal(published.statusCode, 201, published.body);

      const resumed = app(await c.client.get(`/api/applications/${d.id}`));
      assert.equal(resumed.formVersion, 1);
      assert.ok(resumed.answers.full_name === 'Asha' && resumed.answers.photo === photoId);
      assert.deepEqual(resumed.documents.map((x) => x.key).sort(), ['address_proof', 'photo']);
      const listed = json<{ items: { id: string; state: string }[] }>(await c.client.get('/api/applications?state=draft')).items;
      assert.deepEqual(listed.map((x) => x.id), [d.id]);
      // A draft is private: staff neither list nor open it.
      assert.equal((await kit.op1.get(`/api/applications/${d.id}`)).statusCode, 404);
      const queue = json<{ items: { id: string }[] }>(await kit.op1.get('/api/staff/applications?state=all&limit=200')).items;
      assert.ok(!queue.some((x) => x.id === d.id));
    });

    test('uploads follow the document rules of the pinned version, and replacing a draft upload deletes the old file', async () => {
      const c = await customer(kit);
      const d = await draft(c.client, kit.serviceId);
      const wrongType = await upload(c.client, `/api/applications/${d.id}/documents/address_proof`, PHOTO());
      assert.equal(wrongType.statusCode, 415, wrongType.body);
      const big = await upload(c.client, `/api/applications/${d.id}/documents/photo`, { data: makePng({ width: 500, height: 500, noise: true }), filename: 'big.png', contentType: 'image/png' });
      assert.equal(big.statusCode, 413, big.body);
      const unknown = await upload(c.client, `/api/applications/${d.id}/documents/passport`, PDF());
      assert.equal(unknown.statusCode, 404, unknown.body);
      assert.equal((await kit.t.db.query('SELECT 1 FROM application_documents WHERE application_id = $1', [d.id])).length, 0);

      const first = json<{ document: { id: string } }>(await upload(c.client, `/api/applications/${d.id}/documents/photo`, PHOTO())).document.id;
      const [firstKey] = await kit.t.db.query<{ object_key: string }>('SELECT object_key FROM application_documents WHERE id = $1', [first]);
      const second = json<{ document: { id: string } }>(await upload(c.client, `/api/applications/${d.id}/documents/photo`, { data: makeJpeg(), filename: 'p.jpg', contentType: 'image/jpeg' })).document.id;
      assert.notEqual(first, second);
      const rows = await kit.t.db.query<{ id: string }>('SELECT id FROM application_documents WHERE application_id = $1', [d.id]);
      assert.deepEqual(rows.map((r) => r.id), [second]);
      await assert.rejects(kit.t.platform.services.files.get(firstKey!.object_key), /No stored object/);
      assert.equal(app(await c.client.get(`/api/applications/${d.id}`)).answers.photo, second);

      assert.equal((await c.client.delete(`/api/applications/${d.id}/documents/photo`)).statusCode, 204);
      assert.equal(app(await c.client.get(`/api/applications/${d.id}`)).answers.photo, undefined);
      assert.equal((await c.client.delete(`/api/applications/${d.id}/documents/photo`)).statusCode, 404);
    });
  });

  describe('hostile input at submission gets a clear 4xx and changes nothing', () => {
    let c: Awaited<ReturnType<typeof customer>>;
    let d: Detail;
    before(async () => {
      c = await customer(kit, 100_000);
      d = await readyDraft(c.client, kit.serviceId);
    });

    const cases: [string, unknown, number, string, [string, string]?][] = [
      ['an unknown key', { ...VALID_ANSWERS, nickname: 'x' }, 400, 'invalid_answers', ['nickname', 'unknown']],
      ['"constructor" as a key', { ...VALID_ANSWERS, constructor: 'x' }, 400, 'invalid_answers', ['constructor', 'unknown']],
      ['a number given as text', { ...VALID_ANSWERS, age: '34' }, 400, 'invalid_answers', ['age', 'type']],
      ['text given as an object', { ...VALID_ANSWERS, full_name: { first: 'Asha' } }, 400, 'invalid_answers', ['full_name', 'type']],
      ['text given as an array', { ...VALID_ANSWERS, full_name: ['Asha'] }, 400, 'invalid_answers', ['full_name', 'type']],
      ['a huge string', { ...VALID_ANSWERS, full_name: 'A'.repeat(200_000) }, 400, 'invalid_answers', ['full_name', 'max_length']],
      ['a fraction where a whole number is needed', { ...VALID_ANSWERS, age: 34.5 }, 400, 'invalid_answers', ['age', 'integer']],
      ['an impossible date', { ...VALID_ANSWERS, date_of_birth: '1990-02-30' }, 400, 'invalid_answers', ['date_of_birth', 'date']],
      ['a choice that is not an option', { ...VALID_ANSWERS, gender: 'robot' }, 400, 'invalid_answers', ['gender', 'option']],
      ['a checkbox as "true"', { ...VALID_ANSWERS, declaration: 'true' }, 400, 'invalid_answers', ['declaration', 'type']],
      ['a missing required answer', { full_name: 'Asha Verma', gender: 'female', declaration: true }, 400, 'invalid_answers', ['age', 'required']],
      ['an unticked declaration', { ...VALID_ANSWERS, declaration: false }, 400, 'invalid_answers', ['declaration', 'required']],
      ['a file answer naming another file', { ...VALID_ANSWERS, photo: randomUUID() }, 400, 'invalid_answers', ['photo', 'file']],
      ['control characters', { ...VALID_ANSWERS, full_name: 'Asha\u202eVerma' }, 400, 'invalid_answers', ['full_name', 'invalid_characters']],
      ['answers as an array', [1, 2, 3], 400, 'validation_failed'],
      ['answers as null', null, 400, 'validation_failed'],
      ['answers as text', 'full_name=Asha', 400, 'validation_failed'],
    ];
    for (const [name, answers, status, errorCode, issue] of cases) {
      test(name, async () => {
        const res = await c.client.post(`/api/applications/${d.id}/submit`, { answers });
        assert.equal(res.statusCode, status, res.body);
        assert.equal(code(res), errorCode);
        if (issue) assert.ok(json<ErrorBody>(res).error.details!.some((x) => x.field === issue[0] && x.rule === issue[1]), res.body);
      });
    }

    test('an unknown body field, an amount for a fixed-fee service, prototype keys in raw JSON, a body over the limit', async () => {
      const extra = await c.client.post(`/api/applications/${d.id}/submit`, { answers: VALID_ANSWERS, admin: true });
      assert.equal(extra.statusCode, 400);
      const amount = await c.client.post(`/api/applications/${d.id}/submit`, { answers: VALID_ANSWERS, amountPaise: 500 });
      assert.equal(amount.statusCode, 400);
      assert.equal(code(amount), 'amount_not_applicable');
      for (const raw of [
        `{"answers": {"__proto__": {"polluted": true}, "full_name": "Asha Verma"}}`,
        `{"answers": {"constructor": {"prototype": {"polluted": true}}}}`,
      ]) {
        const res = await c.client.request('POST', `/api/applications/${d.id}/submit`, raw, { 'content-type': 'application/json' });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }
      const huge = await c.client.request('POST', `/api/applications/${d.id}/submit`, JSON.stringify({ answers: { full_name: 'A'.repeat(2_000_000) } }), { 'content-type': 'application/json' });
      assert.equal(huge.statusCode, 413, huge.body);
      const tooMany = await c.client.post(`/api/applications/${d.id}/submit`, { answers: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 1])) });
      assert.equal(tooMany.statusCode, 400);
    });

    test('a missing required document is named; after all that the draft is unchanged, unpaid, unnumbered', async () => {
      assert.equal((await c.client.delete(`/api/applications/${d.id}/documents/address_proof`)).statusCode, 204);
      const res = await c.client.post(`/api/applications/${d.id}/submit`, { answers: VALID_ANSWERS });
      assert.equal(res.statusCode, 400);
      assert.ok(json<ErrorBody>(res).error.details!.some((x) => x.field === 'documents.address_proof' && x.rule === 'required'), res.body);
      const [row] = await kit.t.db.query<{ state: string; ack_number: string | null; hold_id: string | null; total_paise: number | null }>(
        'SELECT state, ack_number, hold_id, total_paise FROM applications WHERE id = $1',
        [d.id],
      );
      assert.deepEqual({ ...row }, { state: 'draft', ack_number: null, hold_id: null, total_paise: null });
      assert.deepEqual(await wallet(kit, c.id), { available: 100_000, held: 0 });
    });
  });

  describe('money: hold on submit, settle on completion, release on rejection and cancellation', () => {
    test('submission holds the total; completion charges fee to revenue, GST to gst_payable, the government fee to pass_through', async () => {
      const serviceId = await createService(kit);
      const c = await customer(kit, 100_000);
      const before = { revenue: await platformBalance(kit, 'revenue'), gst: await platformBalance(kit, 'gst_payable'), passThrough: await platformBalance(kit, 'pass_through') };
      const s = await submitted(c.client, serviceId);
      assert.equal(s.state, 'submitted');
      assert.match(s.ackNumber!, /^SK-\d{4}-\d{6}$/);
      assert.equal(s.ackNumber!.slice(3, 7), new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 4));
      assert.equal(s.total, FEES.total);
      assert.equal(s.feesFinal, true);
      assert.deepEqual(await wallet(kit, c.id), { available: 100_000 - FEES.total, held: FEES.total });
      const [hold] = await kit.t.db.query<{ status: string; amount: number; reference: string; far: boolean }>(
        "SELECT status, amount, reference, expires_at > now() + interval '50 years' AS far FROM ledger_holds WHERE id = (SELECT hold_id FROM applications WHERE id = $1)",
        [s.id],
      );
      assert.deepEqual({ ...hold }, { status: 'open', amount: FEES.total, reference: s.id, far: true }, 'the expiry job never releases an application’s hold');
      assert.ok(s.slaDueAt && Date.parse(s.slaDueAt) > Date.now());

      // The fee change after submission does not touch the money held.
      assert.equal((await kit.admin.patch(`/api/admin/services/${serviceId}`, { platformFeePaise: 9_999 })).statusCode, 200);

      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
      const noOutput = await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {});
      assert.equal(noOutput.statusCode, 409);
      assert.equal(code(noOutput), 'output_required');
      const outputId = await addOutput(kit.op1, s.id);
      // Results are the operator's until the work is complete.
      const meanwhile = app(await c.client.get(`/api/applications/${s.id}`));
      assert.deepEqual(meanwhile.outputs, []);
      const staffUrl = app(await kit.op1.get(`/api/applications/${s.id}`)).outputs[0]!.url;
      assert.equal((await c.client.get(staffUrl)).statusCode, 404, 'a link is bound to the user it was made for');

      const done = expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/complete`, { message: 'Your certificate is ready.' }));
      assert.equal(done.state, 'completed');
      assert.deepEqual(await wallet(kit, c.id), { available: 100_000 - FEES.total, held: 0 });
      assert.equal((await platformBalance(kit, 'revenue')) - before.revenue, FEES.platformFee);
      assert.equal((await platformBalance(kit, 'gst_payable')) - before.gst, FEES.gst);
      assert.equal((await platformBalance(kit, 'pass_through')) - before.passThrough, FEES.governmentFee);
      const [closed] = await kit.t.db.query<{ status: string; settled: number }>('SELECT status, settled FROM ledger_holds WHERE reference = $1', [s.id]);
      assert.deepEqual({ ...closed }, { status: 'settled', settled: FEES.total });

      // The customer downloads the result through a fresh link made for them.
      const mine = app(await c.client.get(`/api/applications/${s.id}`));
      assert.deepEqual(mine.outputs.map((o) => o.id), [outputId]);
      const file = await c.client.get(mine.outputs[0]!.url);
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'application/pdf');
      assert.match(file.rawPayload.toString('latin1'), /Certificate issued/);
      const other = await customer(kit);
      assert.equal((await other.client.get(mine.outputs[0]!.url)).statusCode, 404);

      const notices = await kit.t.db.query<{ kind: string }>("SELECT kind FROM notifications WHERE user_id = $1 AND kind LIKE 'application.%' ORDER BY created_at", [c.id]);
      assert.deepEqual(notices.map((n) => n.kind), ['application.submitted', 'application.completed']);
      const logged = await kit.t.db.query<{ action: string; ip: string | null; user_agent: string | null }>(
        "SELECT action, ip, user_agent FROM activity_log WHERE object_type = 'application' AND object_id = $1 AND action IN ('application.submitted', 'application.started', 'application.completed') ORDER BY id",
        [s.id],
      );
      assert.deepEqual(logged.map((l) => l.action), ['application.submitted', 'application.started', 'application.completed']);
      assert.ok(logged.every((l) => l.ip && l.user_agent));
    });

    test('rejection releases the hold in full and tells the customer why', async () => {
      const c = await customer(kit, 20_000);
      const revenue = await platformBalance(kit, 'revenue');
      const s = await submitted(c.client, kit.serviceId);
      const shortReason = await kit.op1.post(`/api/staff/applications/${s.id}/reject`, { reason: '  no ' });
      assert.equal(shortReason.statusCode, 400);
      const r = expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/reject`, { reason: 'The address proof is older than three months.' }));
      assert.equal(r.state, 'rejected');
      assert.deepEqual(await wallet(kit, c.id), { available: 20_000, held: 0 });
      assert.equal(await platformBalance(kit, 'revenue'), revenue);
      const seen = app(await c.client.get(`/api/applications/${s.id}`));
      assert.equal(seen.rejectionReason, 'The address proof is older than three months.');
      const [n] = await kit.t.db.query<{ body_en: string }>("SELECT body_en FROM notifications WHERE user_id = $1 AND kind = 'application.rejected'", [c.id]);
      assert.match(n!.body_en, /older than three months.*₹159\.00 held is back/);
    });

    test('cancelling: a draft costs nothing and loses its uploads; a submitted one gets its hold back; work started cannot be cancelled', async () => {
      const c = await customer(kit, 40_000);
      const d = await readyDraft(c.client, kit.serviceId);
      const keys = await kit.t.db.query<{ object_key: string }>('SELECT object_key FROM application_documents WHERE application_id = $1', [d.id]);
      const cancelled = expectOk(await c.client.post(`/api/applications/${d.id}/cancel`, {}));
      assert.equal(cancelled.state, 'cancelled');
      assert.equal((await kit.t.db.query('SELECT 1 FROM application_documents WHERE application_id = $1', [d.id])).length, 0);
      for (const k of keys) await assert.rejects(kit.t.platform.services.files.get(k.object_key), /No stored object/);

      const s = await submitted(c.client, kit.serviceId);
      assert.deepEqual(await wallet(kit, c.id), { available: 40_000 - FEES.total, held: FEES.total });
      expectOk(await c.client.post(`/api/applications/${s.id}/cancel`, { reason: 'Applied twice by mistake' }));
      assert.deepEqual(await wallet(kit, c.id), { available: 40_000, held: 0 });
      const [hold] = await kit.t.db.query<{ status: string }>('SELECT status FROM ledger_holds WHERE reference = $1', [s.id]);
      assert.equal(hold!.status, 'released');

      const w = await submitted(c.client, kit.serviceId);
      expectOk(await kit.op1.post(`/api/staff/applications/${w.id}/start`));
      const late = await c.client.post(`/api/applications/${w.id}/cancel`, {});
      assert.equal(late.statusCode, 409);
      assert.equal(code(late), 'invalid_transition');
      assert.deepEqual(await wallet(kit, c.id), { available: 40_000 - FEES.total, held: FEES.total });
    });

    test('a short wallet is refused with insufficient_funds before anything is held or numbered', async () => {
      const c = await customer(kit, FEES.total - 1);
      const d = await readyDraft(c.client, kit.serviceId);
      const res = await c.client.post(`/api/applications/${d.id}/submit`, {});
      assert.equal(res.statusCode, 409);
      assert.equal(code(res), 'insufficient_funds');
      assert.match(json<ErrorBody>(res).error.message, /₹158\.99.*₹159\.00.*Add ₹0\.01/);
      assert.equal(await stateOf(kit, d.id), 'draft');
      assert.deepEqual(await wallet(kit, c.id), { available: FEES.total - 1, held: 0 });
      await fund(kit, c.id, 1);
      expectOk(await c.client.post(`/api/applications/${d.id}/submit`, {}));
      assert.deepEqual(await wallet(kit, c.id), { available: 0, held: FEES.total });
    });

    test('needs information → the customer corrects and resubmits: same number, same hold, the SLA clock paused', async () => {
      const c = await customer(kit, 20_000);
      const s = await submitted(c.client, kit.serviceId);
      const asked = expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/request-info`, { message: 'The photo is blurred; please upload a clearer one.' }));
      assert.equal(asked.state, 'needs_info');
      const seen = app(await c.client.get(`/api/applications/${s.id}`));
      assert.equal(seen.infoRequest, 'The photo is blurred; please upload a clearer one.');
      assert.ok(seen.allowedActions.includes('edit') && seen.allowedActions.includes('submit') && !seen.allowedActions.includes('cancel'));
      // The customer took two days to answer.
      await kit.t.db.query("UPDATE applications SET info_requested_at = info_requested_at - interval '2 days' WHERE id = $1", [s.id]);
      assert.equal((await upload(c.client, `/api/applications/${s.id}/documents/photo`, { data: makeJpeg(), filename: 'clear.jpg', contentType: 'image/jpeg' })).statusCode, 201);
      const changed = await c.client.put(`/api/applications/${s.id}`, { answers: { ...VALID_ANSWERS, full_name: 'Asha Kumari Verma' } });
      assert.equal(changed.statusCode, 200, changed.body);
      const again = expectOk(await c.client.post(`/api/applications/${s.id}/submit`, {}));
      assert.equal(again.state, 'submitted');
      assert.equal(again.ackNumber, s.ackNumber);
      assert.equal(again.answers.full_name, 'Asha Kumari Verma');
      const shift = Date.parse(again.slaDueAt!) - Date.parse(s.slaDueAt!);
      assert.ok(shift >= 2 * 86_400_000 && shift < 3 * 86_400_000, `SLA moved by ${shift} ms`);
      assert.equal((await kit.t.db.query('SELECT 1 FROM ledger_holds WHERE reference = $1', [s.id])).length, 1);
      assert.deepEqual(await wallet(kit, c.id), { available: 20_000 - FEES.total, held: FEES.total });
      // The superseded photo is kept for the record, the current one answers the field.
      const docs = await kit.t.db.query<{ superseded: boolean }>("SELECT superseded_at IS NOT NULL AS superseded FROM application_documents WHERE application_id = $1 AND document_key = 'photo' ORDER BY uploaded_at", [s.id]);
      assert.deepEqual(docs.map((x) => x.superseded), [true, false]);
      assert.deepEqual(
        app(await c.client.get(`/api/applications/${s.id}`)).timeline.map((e) => e.kind),
        ['created', 'submitted', 'info_requested', 'document_uploaded', 'resubmitted'],
      );
    });
  });

  test('concurrent double-submit of one draft makes one submitted application with one hold and one number', async () => {
    const c = await customer(kit, 100_000);
    const d = await readyDraft(c.client, kit.serviceId);
    const results = await Promise.all(Array.from({ length: 6 }, () => c.client.post(`/api/applications/${d.id}/submit`, {})));
    const statuses = results.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409], results.map((r) => r.body).join('\n'));
    for (const r of results.filter((x) => x.statusCode === 409)) assert.equal(code(r), 'invalid_transition');
    const holds = await kit.t.db.query<{ amount: number }>('SELECT amount FROM ledger_holds WHERE reference = $1', [d.id]);
    assert.deepEqual(holds.map((h) => h.amount), [FEES.total]);
    const transfers = await kit.t.db.query("SELECT 1 FROM ledger_transfers WHERE kind = 'hold' AND metadata->>'reference' = $1", [d.id]);
    assert.equal(transfers.length, 1);
    assert.deepEqual(await wallet(kit, c.id), { available: 100_000 - FEES.total, held: FEES.total });
    const events = await kit.t.db.query("SELECT 1 FROM application_events WHERE application_id = $1 AND kind = 'submitted'", [d.id]);
    assert.equal(events.length, 1);
  });

  test('another customer’s application answers 404 on every route, and their links are worthless', async () => {
    const owner = await customer(kit, 20_000);
    const s = await submitted(owner.client, kit.serviceId);
    const d = await readyDraft(owner.client, kit.serviceId);
    const intruder = await customer(kit, 20_000);
    for (const id of [s.id, d.id]) {
      const tries = [
        intruder.client.get(`/api/applications/${id}`),
        intruder.client.put(`/api/applications/${id}`, { answers: {} }),
        intruder.client.post(`/api/applications/${id}/submit`, {}),
        intruder.client.post(`/api/applications/${id}/cancel`, {}),
        intruder.client.post(`/api/applications/${id}/comments`, { message: 'hello' }),
        upload(intruder.client, `/api/applications/${id}/documents/photo`, PHOTO()),
        intruder.client.delete(`/api/applications/${id}/documents/photo`),
        intruder.client.get(`/api/applications/${id}/receipt.pdf`),
      ];
      for (const res of await Promise.all(tries)) {
        assert.equal(res.statusCode, 404, `${res.statusCode} ${res.body}`);
        assert.equal(code(res), 'not_found');
      }
    }
    const ownerView = app(await owner.client.get(`/api/applications/${s.id}`));
    assert.equal((await intruder.client.get(ownerView.documents[0]!.url)).statusCode, 404);
    assert.equal(json<{ total: number }>(await intruder.client.get('/api/applications')).total, 0);
    assert.equal(await stateOf(kit, d.id), 'draft');
    assert.equal(await stateOf(kit, s.id), 'submitted');
    assert.deepEqual(await wallet(kit, intruder.id), { available: 20_000, held: 0 });
    // A random id is not found either (and not a 500).
    assert.equal((await intruder.client.get(`/api/applications/${randomUUID()}`)).statusCode, 404);
  });

  describe('services with a customer-entered amount', () => {
    test('the seeded electricity bill payment: amount within limits, fees from it, fixed after submission, settled to pass_through', async () => {
      const service = json<{ service: { id: string; variableAmount: { minPaise: number; maxPaise: number } | null; fees: { governmentFee: number } } }>(
        await kit.admin.get('/api/services/electricity-bill-payment'),
      ).service;
      assert.deepEqual(service.variableAmount, { minPaise: 1_000, maxPaise: 10_000_000 });
      assert.equal(service.fees.governmentFee, 0);

      const c = await customer(kit, 200_000);
      const d = await draft(c.client, service.id);
      const answers = { board: 'jvvnl', consumer_number: 'K-1234567', consumer_name: 'Ramesh Kumar', mobile: '9876543210' };
      assert.equal((await c.client.put(`/api/applications/${d.id}`, { answers })).statusCode, 200);
      const noAmount = await c.client.post(`/api/applications/${d.id}/submit`, {});
      assert.equal(noAmount.statusCode, 400);
      assert.equal(code(noAmount), 'amount_required');
      for (const amountPaise of [999, 10_000_001]) {
        const res = await c.client.put(`/api/applications/${d.id}`, { answers, amountPaise });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(code(res), 'amount_out_of_range');
      }
      const estimate = app(await c.client.put(`/api/applications/${d.id}`, { answers, amountPaise: 123_456 }));
      assert.deepEqual([estimate.fees.platformFee, estimate.fees.gst, estimate.fees.governmentFee, estimate.fees.total], [1_000, 180, 123_456, 124_636]);

      const passThrough = await platformBalance(kit, 'pass_through');
      const s = expectOk(await c.client.post(`/api/applications/${d.id}/submit`, {}));
      assert.equal(s.total, 124_636);
      assert.equal(s.amountPaise, 123_456);
      assert.deepEqual(await wallet(kit, c.id), { available: 200_000 - 124_636, held: 124_636 });
      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/request-info`, { message: 'Please check the consumer number.' }));
      const locked = await c.client.put(`/api/applications/${s.id}`, { answers, amountPaise: 100_000 });
      assert.equal(locked.statusCode, 409);
      assert.equal(code(locked), 'amount_locked');
      expectOk(await c.client.post(`/api/applications/${s.id}/submit`, { answers: { ...answers, consumer_number: 'K-7654321' } }));
      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
      await addOutput(kit.op1, s.id);
      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {}));
      assert.equal((await platformBalance(kit, 'pass_through')) - passThrough, 123_456);
      assert.deepEqual(await wallet(kit, c.id), { available: 200_000 - 124_636, held: 0 });

      const pdf = await c.client.get(`/api/applications/${s.id}/receipt.pdf`);
      assert.match(pdf.rawPayload.toString('latin1'), /bill \/ recharge/);
    });

    test('admins set the amount limits; a fixed government fee and a customer amount exclude each other', async () => {
      const both = await kit.admin.post('/api/admin/services', {
        ...testServiceBody(kit.categoryId),
        variableAmount: { minPaise: 1_000, maxPaise: 50_000 },
      });
      assert.equal(both.statusCode, 400, both.body);
      assert.equal(code(both), 'variable_amount_with_government_fee');
      const id = await createService(kit, { governmentFeePaise: 0, variableAmount: { minPaise: 1_000, maxPaise: 50_000 } });
      const reversed = await kit.admin.patch(`/api/admin/services/${id}`, { variableAmount: { minPaise: 60_000, maxPaise: 50_000 } });
      assert.equal(reversed.statusCode, 400);
      const fixed = await kit.admin.patch(`/api/admin/services/${id}`, { variableAmount: null, governmentFeePaise: 2_500 });
      assert.equal(fixed.statusCode, 200, fixed.body);
      assert.equal(json<{ service: { variableAmount: unknown } }>(fixed).service.variableAmount, null);
      const again = await kit.admin.patch(`/api/admin/services/${id}`, { variableAmount: { minPaise: 1_000, maxPaise: 5_000 } });
      assert.equal(again.statusCode, 400, 'the government fee must go to 0 first');
    });
  });

  test('KYC: a service that needs it refuses submission until the customer’s KYC is approved', async () => {
    const serviceId = await createService(kit, { kycRequired: true });
    const c = await customer(kit, 50_000);
    const d = await readyDraft(c.client, serviceId);
    const refused = await c.client.post(`/api/applications/${d.id}/submit`, {});
    assert.equal(refused.statusCode, 403);
    assert.equal(code(refused), 'kyc_required');
    assert.equal(await stateOf(kit, d.id), 'draft');
    assert.deepEqual(await wallet(kit, c.id), { available: 50_000, held: 0 });
    await kit.t.db.query("INSERT INTO kyc_profiles (user_id, state, submitted_at, reviewed_at) VALUES ($1, 'approved', now(), now())", [c.id]);
    expectOk(await c.client.post(`/api/applications/${d.id}/submit`, {}));
  });

  test('receipt: an acknowledgement once submitted with CGST and SGST halves, a receipt once completed', async () => {
    const c = await customer(kit, 50_000);
    const d = await readyDraft(c.client, kit.serviceId);
    const early = await c.client.get(`/api/applications/${d.id}/receipt.pdf`);
    assert.equal(early.statusCode, 409);
    assert.equal(code(early), 'receipt_unavailable');
    const s = expectOk(await c.client.post(`/api/applications/${d.id}/submit`, {}));
    const ack = await c.client.get(`/api/applications/${s.id}/receipt.pdf`);
    assert.equal(ack.statusCode, 200);
    assert.equal(ack.headers['content-type'], 'application/pdf');
    assert.match(String(ack.headers['content-disposition']), new RegExp(`${s.ackNumber}\\.pdf`));
    const text = ack.rawPayload.toString('latin1');
    assert.ok(text.startsWith('%PDF-1.4') && text.trimEnd().endsWith('%%EOF'));
    for (const needle of [s.ackNumber!, 'Acknowledgement of a service application', 'CGST @ 9%', 'SGST @ 9%', '4.50', '159.00', 'Submitted - waiting']) assert.ok(text.includes(needle), needle);
    // Staff print it for the customer at the counter.
    assert.equal((await kit.op1.get(`/api/applications/${s.id}/receipt.pdf`)).statusCode, 200);
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
    await addOutput(kit.op1, s.id);
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {}));
    const receipt = (await c.client.get(`/api/applications/${s.id}/receipt.pdf`)).rawPayload.toString('latin1');
    assert.ok(receipt.includes('Receipt for a service application') && receipt.includes('Completed on') && receipt.includes('Total charged from the wallet'));
  });

  test('retention: files of an account closed more than RECORDS_RETENTION_DAYS ago are purged, the applications stay', async () => {
    const days = kit.t.config.recordsRetentionDays;
    // A completed application (two uploads, one result) of an account closed past the period, one of an
    // account closed within it, and one of an active account.
    const make = async () => {
      const c = await customer(kit, 100_000);
      const s = await submitted(c.client, kit.serviceId);
      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
      await addOutput(kit.op1, s.id);
      expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/complete`, {}));
      return { ...c, appId: s.id };
    };
    const [old, recent, active] = [await make(), await make(), await make()];
    const closeAgo = (id: string, n: number) => kit.t.db.query("UPDATE users SET status = 'closed', closed_at = now() - make_interval(days => $2) WHERE id = $1", [id, n]);
    await closeAgo(old.id, days + 1);
    await closeAgo(recent.id, days - 1);
    const docsOf = async (appId: string) =>
      kit.t.db.query<{ id: string; purpose: string; object_key: string }>('SELECT id, purpose, object_key FROM application_documents WHERE application_id = $1 ORDER BY id', [appId]);
    const fileOf = (key: string) => {
      const [prefix, id] = key.split('/') as [string, string];
      return path.join(kit.t.config.filesDir, prefix, id.slice(0, 2), id);
    };
    const oldDocs = await docsOf(old.appId);
    assert.deepEqual(oldDocs.map((d) => d.purpose).sort(), ['input', 'input', 'output']);
    const kept = [...(await docsOf(recent.appId)), ...(await docsOf(active.appId))];
    assert.equal(kept.length, 6);
    const rowOf = async (id: string) => (await kit.t.db.query('SELECT state, ack_number, total_paise, hold_id, answers FROM applications WHERE id = $1', [id]))[0];
    const before = await rowOf(old.appId);
    const purged = () => kit.t.db.query<{ actor_type: string; details: { input: number; output: number } }>(
      "SELECT actor_type, details FROM activity_log WHERE subject_user_id = $1 AND action = 'application.files_purged' ORDER BY id",
      [old.id],
    );
    const purge = async () => {
      await kit.t.platform.jobs.enqueue(kit.t.db, 'records.retention-purge', {});
      assert.equal(await kit.t.platform.jobs.runPending('records.retention-purge'), 1);
    };

    // One file cannot be deleted (a directory stands in its place): the others still go, its row stays.
    const stuck = oldDocs.find((d) => d.purpose === 'output')!;
    unlinkSync(fileOf(stuck.object_key));
    mkdirSync(fileOf(stuck.object_key));
    writeFileSync(path.join(fileOf(stuck.object_key), 'x'), 'x');
    await purge();
    assert.deepEqual((await docsOf(old.appId)).map((d) => d.id), [stuck.id]);
    for (const d of oldDocs.filter((x) => x.id !== stuck.id)) assert.throws(() => statSync(fileOf(d.object_key)), /ENOENT/);
    assert.deepEqual((await purged()).map((r) => [r.actor_type, r.details.input, r.details.output]), [['system', 2, 0]]);

    // The next run takes what is left; after that there is nothing to do.
    rmSync(fileOf(stuck.object_key), { recursive: true });
    await purge();
    await purge();
    assert.deepEqual(await docsOf(old.appId), []);
    assert.deepEqual((await purged()).map((r) => [r.details.input, r.details.output]), [[2, 0], [0, 1]]);

    // The application, its money and its timeline stay; staff see it without files.
    assert.deepEqual(await rowOf(old.appId), before);
    const seen = app(await kit.op1.get(`/api/applications/${old.appId}`));
    assert.equal(seen.state, 'completed');
    assert.deepEqual([seen.documents.length, seen.outputs.length], [0, 0]);
    assert.ok((await kit.t.db.query('SELECT 1 FROM application_events WHERE application_id = $1', [old.appId])).length > 0);

    // Within the period and for an active account, every file and row is still there.
    assert.deepEqual([...(await docsOf(recent.appId)), ...(await docsOf(active.appId))], kept);
    for (const d of kept) statSync(fileOf(d.object_key));
    const others = await kit.t.db.query("SELECT 1 FROM activity_log WHERE subject_user_id = ANY($1::uuid[]) AND action = 'application.files_purged'", [[recent.id, active.id]]);
    assert.equal(others.length, 0);
  });

  test('an operator applying for themselves uses the customer routes, but cannot process their own application', async () => {
    const me = await signedInClient(kit.t, 'operator');
    await fund(kit, me.person.id, 20_000);
    const s = await submitted(me.client, kit.serviceId);
    const own = await me.client.post(`/api/staff/applications/${s.id}/start`);
    assert.equal(own.statusCode, 403);
    assert.equal(code(own), 'cannot_process_own');
    expectOk(await kit.op1.post(`/api/staff/applications/${s.id}/start`));
  });
});
