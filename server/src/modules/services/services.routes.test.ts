import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { json, signedInClient, testPlatform, type Client, type TestPlatform } from '../../test/harness.js';
import { validateFormDefinition } from './form-engine.js';

interface Fees {
  platformFee: number;
  governmentFee: number;
  gstRateBps: number;
  gst: number;
  total: number;
}
interface Summary {
  id: string;
  slug: string;
  name: { en: string; hi: string };
  category: { slug: string };
  fees: Fees;
  turnaroundDays: number;
  kycRequired: boolean;
}
interface Detail extends Summary {
  form: { version: number; fields: { key: string; type: string }[]; documents: { key: string }[] };
}
interface AdminDetail extends Detail {
  active: boolean;
  currentFormVersion: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string; rule?: string }[] };
}

const L = (en: string, hi: string) => ({ en, hi });
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;
const slugs = (res: LightMyRequestResponse) => json<{ items: Summary[] }>(res).items.map((s) => s.slug);
const search = (c: Client, q: string, extra = '') => c.get(`/api/services?q=${encodeURIComponent(q)}${extra}`);

let seq = 0;
function newService(categoryId: string, over: Record<string, unknown> = {}) {
  seq++;
  return {
    slug: `test-service-${seq}-${process.pid}`,
    categoryId,
    name: L(`Gas connection ${seq}`, `गैस कनेक्शन ${seq}`),
    description: L('A new LPG connection under Ujjwala.', 'उज्ज्वला के तहत नया एलपीजी कनेक्शन।'),
    platformFeePaise: 2_999,
    governmentFeePaise: 1_000,
    gstRateBps: 1_800,
    turnaroundDays: 5,
    kycRequired: false,
    form: {
      fields: [
        { key: 'consumer_name', type: 'text', label: L('Consumer name', 'उपभोक्ता का नाम'), required: true, rules: { maxLength: 80 } },
        { key: 'id_proof', type: 'file', label: L('ID proof', 'पहचान प्रमाण'), required: true, document: 'id_proof' },
      ],
      documents: [{ key: 'id_proof', label: L('ID proof', 'पहचान प्रमाण'), types: ['pdf', 'jpeg'], maxSizeBytes: 1_048_576, required: true }],
    },
    ...over,
  };
}

describe('service catalogue over HTTP', () => {
  let t: TestPlatform;
  let admin: Client;
  let adminId: string;
  let customer: Client;
  let operator: Client;
  let categoryId: string;

  before(async () => {
    t = await testPlatform();
    const a = await signedInClient(t, 'admin');
    admin = a.client;
    adminId = a.person.id;
    customer = (await signedInClient(t, 'customer')).client;
    operator = (await signedInClient(t, 'operator')).client;
    const [row] = await t.db.query<{ id: string }>("SELECT id FROM service_categories WHERE slug = 'certificates'");
    categoryId = row!.id;
  });
  after(() => t.close());

  test('the seed catalogue: a dozen services in five categories, every form valid, fees with GST', async () => {
    const list = await customer.get('/api/services');
    assert.equal(list.statusCode, 200, list.body);
    const body = json<{ items: Summary[]; total: number }>(list);
    assert.ok(body.total >= 10, `${body.total} services`);
    for (const s of ['pan-card-new', 'pan-card-correction', 'aadhaar-update-appointment', 'income-certificate', 'caste-certificate', 'domicile-certificate', 'pm-kisan-registration', 'ayushman-card', 'passport-application', 'fastag', 'voter-id-registration', 'pmsby-enrolment']) {
      assert.ok(slugs(list).includes(s), s);
    }
    for (const s of body.items) {
      assert.match(s.name.hi, /[\u0900-\u097f]/, `${s.slug} has a Hindi name in Devanagari`);
      assert.equal(s.fees.total, s.fees.platformFee + s.fees.gst + s.fees.governmentFee);
    }
    // Bills and recharges (0009_applications.sql): the customer enters the amount.
    const bill = body.items.find((s) => s.slug === 'electricity-bill-payment')!;
    assert.deepEqual((bill as Summary & { variableAmount: unknown }).variableAmount, { minPaise: 1_000, maxPaise: 10_000_000 });
    assert.ok(slugs(list).includes('mobile-recharge'));
    const pan = body.items.find((s) => s.slug === 'pan-card-new')!;
    assert.deepEqual(pan.fees, { platformFee: 5_000, governmentFee: 10_700, gstRateBps: 1_800, gst: 900, total: 16_600 });
    assert.equal(pan.kycRequired, true);

    const categories = json<{ items: { slug: string; name: { hi: string }; serviceCount: number }[] }>(await customer.get('/api/service-categories')).items;
    assert.deepEqual(categories.map((c) => c.slug), ['identity', 'certificates', 'welfare-schemes', 'insurance', 'travel-transport', 'bill-payments']);
    assert.ok(categories.every((c) => c.serviceCount > 0 && /[\u0900-\u097f]/.test(c.name.hi)));

    // Every stored form is one the engine itself accepts, unchanged.
    const versions = await t.db.query<{ definition: unknown }>('SELECT definition FROM service_form_versions');
    assert.ok(versions.length >= 12);
    for (const v of versions) {
      const r = validateFormDefinition(v.definition);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
      assert.deepEqual(r.value, v.definition);
    }
  });

  test('search by name in English or Hindi, any case, every word; by category', async () => {
    assert.deepEqual(slugs(await search(customer, 'PAN')).sort(), ['pan-card-correction', 'pan-card-new']);
    assert.deepEqual(slugs(await search(customer, 'pAn CaRd')).sort(), ['pan-card-correction', 'pan-card-new']);
    assert.deepEqual(slugs(await search(customer, 'पैन')).sort(), ['pan-card-correction', 'pan-card-new']);
    assert.deepEqual(slugs(await search(customer, 'pan correction')), ['pan-card-correction']);
    assert.deepEqual(slugs(await search(customer, 'पैन सुधार')), ['pan-card-correction']);
    assert.deepEqual(slugs(await search(customer, 'आय प्रमाण')), ['income-certificate']);
    assert.deepEqual(slugs(await search(customer, 'आयुष्मान')), ['ayushman-card']);
    assert.deepEqual(slugs(await search(customer, 'प्रमाण पत्र', '&category=certificates')).sort(), ['caste-certificate', 'domicile-certificate', 'income-certificate']);
    // Typed with a decomposed nukta (फ + ़), stored composed: still found.
    assert.deepEqual(slugs(await search(customer, '\u092b\u093c\u093e\u0938\u094d\u091f\u0948\u0917')), ['fastag']);
    assert.deepEqual(slugs(await customer.get('/api/services?category=insurance')), ['pmsby-enrolment']);
    // LIKE wildcards are text, not patterns.
    assert.deepEqual(slugs(await search(customer, '%')), []);
    assert.deepEqual(slugs(await search(customer, '_')), []);
    assert.deepEqual(slugs(await search(customer, 'no such service')), []);
    assert.equal((await customer.get('/api/services?category=NOT%20A%20SLUG')).statusCode, 400);
    assert.equal((await customer.get('/api/services?unknown=1')).statusCode, 400);
    const page = json<{ items: Summary[]; total: number }>(await customer.get('/api/services?limit=2&offset=1'));
    assert.equal(page.items.length, 2);
    assert.ok(page.total >= 12);
  });

  test('a service by slug or id with its fee breakdown, documents and form; unknown ones 404', async () => {
    const bySlug = await customer.get('/api/services/income-certificate');
    assert.equal(bySlug.statusCode, 200, bySlug.body);
    const s = json<{ service: Detail }>(bySlug).service;
    assert.deepEqual(s.fees, { platformFee: 4_000, governmentFee: 3_000, gstRateBps: 1_800, gst: 720, total: 7_720 });
    assert.equal(s.form.version, 1);
    assert.ok(s.form.fields.some((f) => f.key === 'annual_income' && f.type === 'number'));
    assert.ok(s.form.documents.some((d) => d.key === 'self_declaration'));
    const byId = json<{ service: Detail }>(await customer.get(`/api/services/${s.id}`)).service;
    assert.deepEqual(byId, s);
    assert.equal(code(await customer.get(`/api/services/${randomUUID()}`)), 'not_found');
    assert.equal((await customer.get('/api/services/no-such-service')).statusCode, 404);
    assert.equal((await customer.get('/api/services/Not_A_Slug')).statusCode, 400);
  });

  test('an admin creates a service with a form; customers find it; duplicate slug 409; every change logged', async () => {
    const input = newService(categoryId);
    const res = await admin.post('/api/admin/services', input);
    assert.equal(res.statusCode, 201, res.body);
    const created = json<{ service: AdminDetail }>(res).service;
    assert.equal(created.currentFormVersion, 1);
    assert.equal(created.active, true);
    assert.deepEqual(created.fees, { platformFee: 2_999, governmentFee: 1_000, gstRateBps: 1_800, gst: 540, total: 4_539 });
    assert.deepEqual(created.form.fields.map((f) => f.key), ['consumer_name', 'id_proof']);

    assert.deepEqual(slugs(await search(customer, `गैस कनेक्शन ${seq}`)), [input.slug]);
    assert.equal((await customer.get(`/api/services/${input.slug}`)).statusCode, 200);

    const dup = await admin.post('/api/admin/services', { ...newService(categoryId), slug: input.slug });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.equal(code(dup), 'slug_taken');

    const log = await t.db.query<{ action: string; actor_id: string; details: { slug: string } }>(
      "SELECT action, actor_id, details FROM activity_log WHERE object_type = 'service' AND object_id = $1 ORDER BY id",
      [created.id],
    );
    assert.deepEqual(log.map((l) => [l.action, l.actor_id, l.details.slug]), [['service.created', adminId, input.slug]]);
  });

  test('bad input answers a clear 4xx: unknown fields, unknown category, unsafe patterns, broken forms', async () => {
    const cases: [unknown, number, string][] = [
      [{ ...newService(categoryId), extra: true }, 400, 'validation_failed'],
      [{ ...newService(categoryId), categoryId: randomUUID() }, 400, 'unknown_category'],
      [{ ...newService(categoryId), slug: 'Bad Slug' }, 400, 'validation_failed'],
      [{ ...newService(categoryId), platformFeePaise: -1 }, 400, 'validation_failed'],
      [{ ...newService(categoryId), platformFeePaise: 10.5 }, 400, 'validation_failed'],
      [{ ...newService(categoryId), gstRateBps: 10_000 }, 400, 'validation_failed'],
      [{ ...newService(categoryId), name: L('   ', 'नाम') }, 400, 'validation_failed'],
      [{ ...newService(categoryId), name: L('Evil\u202eName', 'नाम') }, 400, 'validation_failed'],
      [{ ...newService(categoryId), form: { fields: [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { pattern: '(a+)+$' } }] } }, 400, 'invalid_form'],
      [{ ...newService(categoryId), form: { fields: [{ key: 'a', type: 'select', label: L('a', 'a'), options: [] }] } }, 400, 'invalid_form'],
      [{ ...newService(categoryId), form: { fields: [{ key: 'a', type: 'text', label: L('a', 'a') }, { key: 'a', type: 'date', label: L('b', 'b') }] } }, 400, 'invalid_form'],
      [{ ...newService(categoryId), form: { fields: [{ key: 'a', type: 'text', label: L('a', 'a'), evil: 1 }] } }, 400, 'validation_failed'],
      [{ ...newService(categoryId), form: { fields: Array.from({ length: 51 }, (_, i) => ({ key: `f${i}`, type: 'checkbox', label: L('x', 'x') })) } }, 400, 'validation_failed'],
    ];
    for (const [body, status, errorCode] of cases) {
      const res = await admin.post('/api/admin/services', body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body).slice(0, 200)}: ${res.body}`);
      assert.equal(code(res), errorCode, res.body);
    }
    const unsafe = json<ErrorBody>(await admin.post('/api/admin/services', { ...newService(categoryId), form: { fields: [{ key: 'a', type: 'text', label: L('a', 'a'), rules: { pattern: '(a|aa)*' } }] } }));
    assert.deepEqual(unsafe.error.details!.map((d) => [d.field, d.rule]), [['form.fields.0.rules.pattern', 'unsafe_pattern']], 'the rule code reaches the client');
    const poisoned = await admin.request('POST', '/api/admin/services', JSON.stringify({ ...newService(categoryId), __proto__: { active: false } }).replace('{', '{"__proto__":{"x":1},'), { 'content-type': 'application/json' });
    assert.equal(poisoned.statusCode, 400, poisoned.body);
    const none = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM services WHERE slug LIKE 'test-service-%' AND created_by = $1", [adminId]);
    assert.equal(none[0]!.n, 1, 'only the service of the previous test exists');
  });

  test('editing details, deactivating and activating: customers see only active services', async () => {
    const created = json<{ service: AdminDetail }>(await admin.post('/api/admin/services', newService(categoryId))).service;
    const patched = await admin.patch(`/api/admin/services/${created.id}`, { platformFeePaise: 10_000, gstRateBps: 500, turnaroundDays: 2, name: L('Renamed service', 'नया नाम सेवा') });
    assert.equal(patched.statusCode, 200, patched.body);
    const after = json<{ service: AdminDetail }>(patched).service;
    assert.deepEqual(after.fees, { platformFee: 10_000, governmentFee: 1_000, gstRateBps: 500, gst: 500, total: 11_500 });
    assert.equal(after.currentFormVersion, 1, 'details do not make a form version');
    assert.deepEqual(slugs(await search(customer, 'नया नाम सेवा')), [created.slug], 'the search follows the new name');

    assert.equal((await admin.patch(`/api/admin/services/${created.id}`, {})).statusCode, 400, 'nothing to change');
    assert.equal((await admin.patch(`/api/admin/services/${created.id}`, { form: { fields: [] } })).statusCode, 400, 'the form is not a detail');
    assert.equal((await admin.patch(`/api/admin/services/${randomUUID()}`, { turnaroundDays: 1 })).statusCode, 404);
    assert.equal(code(await admin.patch(`/api/admin/services/${created.id}`, { slug: 'pan-card-new' })), 'slug_taken');

    const off = await admin.post(`/api/admin/services/${created.id}/deactivate`);
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(json<{ service: AdminDetail }>(off).service.active, false);
    assert.equal((await customer.get(`/api/services/${created.id}`)).statusCode, 404, 'hidden from customers');
    assert.deepEqual(slugs(await search(customer, 'नया नाम सेवा')), []);
    assert.equal((await operator.get(`/api/services/${created.slug}`)).statusCode, 404);
    const adminView = json<{ items: AdminDetail[] }>(await admin.get('/api/admin/services?status=inactive&q=renamed'));
    assert.deepEqual(adminView.items.map((s) => [s.slug, s.active]), [[created.slug, false]], 'admins list inactive services');
    assert.equal((await admin.post(`/api/admin/services/${created.id}/deactivate`)).statusCode, 200, 'idempotent');
    assert.equal((await admin.post(`/api/admin/services/${created.id}/activate`)).statusCode, 200);
    assert.equal((await customer.get(`/api/services/${created.id}`)).statusCode, 200);

    const log = await t.db.query<{ action: string; details: { changes?: Record<string, { from: unknown; to: unknown }> } }>(
      "SELECT action, details FROM activity_log WHERE object_type = 'service' AND object_id = $1 ORDER BY id",
      [created.id],
    );
    assert.deepEqual(log.map((l) => l.action), ['service.created', 'service.updated', 'service.deactivated', 'service.activated']);
    assert.deepEqual(log[1]!.details.changes!.platform_fee_paise, { from: 2_999, to: 10_000 });
  });

  test('a new form version is published, old versions stay readable and cannot be changed in the database', async () => {
    const created = json<{ service: AdminDetail }>(await admin.post('/api/admin/services', newService(categoryId))).service;
    const form2 = {
      fields: [
        { key: 'consumer_name', type: 'text', label: L('Consumer name', 'उपभोक्ता का नाम'), required: true, rules: { maxLength: 80 } },
        { key: 'date_of_birth', type: 'date', label: L('Date of birth', 'जन्म तिथि'), required: true, rules: { maxDate: '-18y' } },
      ],
      documents: [],
    };
    const published = await admin.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 1, form: form2 });
    assert.equal(published.statusCode, 201, published.body);
    const v2 = json<{ service: AdminDetail; created: boolean }>(published);
    assert.deepEqual([v2.created, v2.service.currentFormVersion, v2.service.form.version], [true, 2, 2]);
    assert.deepEqual(json<{ service: Detail }>(await customer.get(`/api/services/${created.id}`)).service.form.fields.map((f) => f.key), ['consumer_name', 'date_of_birth']);

    const again = await admin.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 2, form: form2 });
    assert.equal(again.statusCode, 200, 'the same form publishes nothing');
    assert.equal(json<{ created: boolean }>(again).created, false);
    const stale = await admin.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 1, form: { fields: [], documents: [] } });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(code(stale), 'form_version_conflict');
    const bad = await admin.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 2, form: { fields: [{ key: 'x', type: 'file', label: L('x', 'x'), document: 'nope' }] } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(json<ErrorBody>(bad).error.details!.map((d) => [d.field, d.rule]), [['form.fields.0.document', 'unknown_document']]);

    const v1 = json<{ form: Detail['form'] }>(await admin.get(`/api/admin/services/${created.id}/form-versions/1`)).form;
    assert.deepEqual(v1.fields.map((f) => f.key), ['consumer_name', 'id_proof'], 'version 1 is what it was');
    assert.equal((await admin.get(`/api/admin/services/${created.id}/form-versions/3`)).statusCode, 404);
    const versions = json<{ items: { version: number; publishedBy: { id: string } | null; fieldCount: number }[] }>(await admin.get(`/api/admin/services/${created.id}/form-versions`)).items;
    assert.deepEqual(versions.map((v) => [v.version, v.publishedBy?.id, v.fieldCount]), [[2, adminId, 2], [1, adminId, 2]]);
    const full = json<{ versions: unknown[] }>(await admin.get(`/api/admin/services/${created.id}`));
    assert.equal(full.versions.length, 2);

    for (const sql of [
      "UPDATE service_form_versions SET definition = '{\"fields\": [], \"documents\": []}' WHERE service_id = $1",
      'DELETE FROM service_form_versions WHERE service_id = $1',
    ]) {
      await assert.rejects(t.db.query(sql, [created.id]), /immutable/, sql);
    }
    await assert.rejects(t.db.query('TRUNCATE service_form_versions CASCADE'), /immutable/);
    await assert.rejects(t.db.query('UPDATE services SET current_form_version = 9 WHERE id = $1', [created.id]), /foreign key|violates/i, 'a service points at one of its own versions');
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM service_form_versions WHERE service_id = $1', [created.id]);
    assert.equal(row!.n, 2);

    const log = await t.db.query<{ action: string; details: { version: number } }>(
      "SELECT action, details FROM activity_log WHERE object_id = $1 AND action = 'service.form_published'",
      [created.id],
    );
    assert.deepEqual(log.map((l) => l.details.version), [2]);
  });

  test('two admins publishing from the same version at once: one new version, the other 409', async () => {
    const created = json<{ service: AdminDetail }>(await admin.post('/api/admin/services', newService(categoryId))).service;
    const other = (await signedInClient(t, 'admin')).client;
    const form = (key: string) => ({ fields: [{ key, type: 'text', label: L(key, key) }], documents: [] });
    const results = await Promise.all([
      admin.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 1, form: form('first') }),
      other.post(`/api/admin/services/${created.id}/form-versions`, { baseVersion: 1, form: form('second') }),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409], results.map((r) => r.body).join('\n'));
    const [row] = await t.db.query<{ n: number; current: number }>(
      'SELECT count(*)::int AS n, (SELECT current_form_version FROM services WHERE id = $1) AS current FROM service_form_versions WHERE service_id = $1',
      [created.id],
    );
    assert.deepEqual({ ...row }, { n: 2, current: 2 });
  });

  test('categories: create, duplicate 409, rename, deactivate hides its services from customers', async () => {
    const res = await admin.post('/api/admin/service-categories', { slug: `utilities-${process.pid}`, name: L('Utilities', 'उपयोगिताएँ'), sortOrder: 60 });
    assert.equal(res.statusCode, 201, res.body);
    const category = json<{ category: { id: string; slug: string; serviceCount: number; active: boolean } }>(res).category;
    assert.deepEqual([category.serviceCount, category.active], [0, true]);
    assert.equal(code(await admin.post('/api/admin/service-categories', { slug: category.slug, name: L('Again', 'फिर') })), 'slug_taken');
    assert.equal((await admin.post('/api/admin/service-categories', { slug: 'x', name: L('', 'फिर') })).statusCode, 400);

    const service = json<{ service: AdminDetail }>(await admin.post('/api/admin/services', newService(category.id))).service;
    const customerCategories = () => customer.get('/api/service-categories').then((r) => json<{ items: { slug: string }[] }>(r).items.map((c) => c.slug));
    assert.ok((await customerCategories()).includes(category.slug));

    const renamed = await admin.patch(`/api/admin/service-categories/${category.id}`, { name: L('Utility services', 'उपयोगिता सेवाएँ') });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(json<{ category: { serviceCount: number } }>(renamed).category.serviceCount, 1);
    assert.equal(json<{ service: Detail }>(await customer.get(`/api/services/${service.id}`)).service.category.slug, category.slug);

    assert.equal((await admin.patch(`/api/admin/service-categories/${category.id}`, { active: false })).statusCode, 200);
    assert.ok(!(await customerCategories()).includes(category.slug));
    assert.equal((await customer.get(`/api/services/${service.id}`)).statusCode, 404, "an inactive category's services are hidden");
    assert.deepEqual(slugs(await customer.get(`/api/services?category=${category.slug}`)), []);
    const all = json<{ items: { slug: string; active: boolean }[] }>(await admin.get('/api/admin/service-categories')).items;
    assert.deepEqual(all.filter((c) => c.slug === category.slug).map((c) => c.active), [false]);
    assert.equal((await admin.patch(`/api/admin/service-categories/${randomUUID()}`, { active: true })).statusCode, 404);

    const log = await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE object_type = 'service_category' AND object_id = $1 ORDER BY id", [category.id]);
    assert.deepEqual(log.map((l) => l.action), ['service_category.created', 'service_category.updated', 'service_category.deactivated']);
  });

  test('customers and operators cannot manage the catalogue; a refusal changes nothing', async () => {
    const target = json<{ service: AdminDetail }>(await admin.post('/api/admin/services', newService(categoryId))).service;
    for (const c of [customer, operator]) {
      const attempts = [
        c.get('/api/admin/services'),
        c.get(`/api/admin/services/${target.id}`),
        c.post('/api/admin/services', newService(categoryId)),
        c.patch(`/api/admin/services/${target.id}`, { platformFeePaise: 1 }),
        c.post(`/api/admin/services/${target.id}/deactivate`),
        c.post(`/api/admin/services/${target.id}/form-versions`, { baseVersion: 1, form: { fields: [], documents: [] } }),
        c.get(`/api/admin/services/${target.id}/form-versions`),
        c.get('/api/admin/service-categories'),
        c.post('/api/admin/service-categories', { slug: 'sneaky', name: L('Sneaky', 'चुपके') }),
        c.patch(`/api/admin/service-categories/${categoryId}`, { active: false }),
      ];
      for (const res of await Promise.all(attempts)) {
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(code(res), 'forbidden');
      }
    }
    const after = json<{ service: AdminDetail }>(await admin.get(`/api/admin/services/${target.id}`)).service;
    assert.deepEqual([after.fees.platformFee, after.active, after.currentFormVersion], [2_999, true, 1]);
    const [cat] = await t.db.query<{ active: boolean }>('SELECT active FROM service_categories WHERE id = $1', [categoryId]);
    assert.equal(cat!.active, true);
    assert.equal((await t.db.query("SELECT 1 FROM service_categories WHERE slug = 'sneaky'")).length, 0);
  });
});
