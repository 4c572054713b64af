import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createPlatform } from '../../app.js';
import { loadConfig } from '../../config.js';
import { createFileLinks } from '../../platform/file-links.js';
import { keyringFromConfig, readAll } from '../../platform/storage/index.js';
import { Client, TEST_MASTER_KEY, json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import { KNOWN_MAGIC, makeExe, makeJpeg, makePdf, makePdfBomb, makePng, makeWebp, makeZip } from '../../test/files.js';
import { multipartBody, type FilePart } from '../../test/multipart.js';
import { startFakeClamd, type FakeClamd } from '../../test/fake-clamd.js';
import { createService, customer, readyDraft, type Kit } from '../../test/applications-kit.js';
import { verhoeffCheckDigit } from './kyc.rules.js';

interface Doc {
  id: string;
  kind: string;
  contentType: string;
  url: string;
  submitted: boolean;
}
interface KycBody {
  profile: { state: string; editable: boolean; pan: string | null; aadhaarMasked: string | null; rejectionReason: string | null; missing: string[]; submissionCount: number };
  documents: Doc[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;

/**
 * A valid Aadhaar number (Verhoeff check digit) that no other test uses: random digits (a number
 * built from the pid and a counter, like 73000000…, turned up inside timestamps in the logs).
 */
const aadhaarsUsed = new Set<string>();
function newAadhaar(): string {
  for (;;) {
    const body = `7${String(randomInt(1e10)).padStart(10, '0')}`;
    if (aadhaarsUsed.has(body)) continue;
    aadhaarsUsed.add(body);
    return body + verhoeffCheckDigit(body);
  }
}

const DETAILS = {
  legalName: 'Asha Verma',
  pan: 'ABCPV1234K',
  dateOfBirth: '1990-04-12',
  address: { line1: '12 Station Road', city: 'Jaipur', region: 'Rajasthan', pincode: '302001' },
};

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out.sort();
}

describe('KYC', () => {
  let t: TestPlatform;
  let operator: Awaited<ReturnType<typeof signedInClient>>;
  before(async () => {
    t = await testPlatform({ captureLogs: true });
    operator = await signedInClient(t, 'operator');
  });
  after(() => t.close());

  const upload = (c: Client, kind: string, data: Buffer, part: Partial<FilePart> = {}) => {
    const { body, headers } = multipartBody([{ filename: 'scan.png', contentType: 'image/png', ...part, data }]);
    return c.request('POST', `/api/kyc/documents/${kind}`, body, headers);
  };

  async function customerWithDetails(aadhaar = newAadhaar()) {
    const customer = await signedInClient(t, 'customer');
    const res = await customer.client.put('/api/kyc', { ...DETAILS, aadhaarNumber: aadhaar });
    assert.equal(res.statusCode, 200, res.body);
    return { ...customer, aadhaar };
  }

  async function submittedCustomer() {
    const c = await customerWithDetails();
    for (const [kind, data] of [['pan_card', makePdf()], ['aadhaar_masked', makePng()], ['photo', makeJpeg()]] as const) {
      const res = await upload(c.client, kind, data);
      assert.equal(res.statusCode, 201, res.body);
    }
    const res = await c.client.post('/api/kyc/submit');
    assert.equal(res.statusCode, 200, res.body);
    return c;
  }

  test('a customer fills in details, uploads each allowed type and submits; the documents come back intact', async () => {
    const { client, person, aadhaar } = await customerWithDetails();
    const empty = json<KycBody & { requiredDocuments: string[] }>(await client.get('/api/kyc'));
    assert.equal(empty.profile.state, 'not_started');
    assert.equal(empty.profile.aadhaarMasked, `XXXX XXXX ${aadhaar.slice(8)}`);
    assert.equal(empty.profile.pan, 'ABCPV1234K');
    assert.deepEqual(empty.requiredDocuments, ['pan_card', 'aadhaar_masked', 'photo']);
    assert.deepEqual(empty.profile.missing, ['pan_card', 'aadhaar_masked', 'photo']);

    const incomplete = await client.post('/api/kyc/submit');
    assert.equal(incomplete.statusCode, 400);
    assert.equal(code(incomplete), 'kyc_incomplete');

    const files = {
      pan_card: [makePdf(), 'application/pdf', 'attachment; filename="pan_card.pdf"'],
      aadhaar_masked: [makeWebp(), 'image/webp', 'inline; filename="aadhaar_masked.webp"'],
      photo: [makeJpeg(), 'image/jpeg', 'inline; filename="photo.jpg"'],
      address_proof: [makePng({ width: 30, height: 20 }), 'image/png', 'inline; filename="address_proof.png"'],
    } as const;
    for (const [kind, [data]] of Object.entries(files)) {
      // The name and declared type the browser sends are ignored: the bytes decide.
      const res = await upload(client, kind, data, { filename: '../../etc/passwd', contentType: 'text/html' });
      assert.equal(res.statusCode, 201, `${kind}: ${res.body}`);
    }
    const view = json<KycBody>(await client.get('/api/kyc'));
    assert.deepEqual(view.profile.missing, []);
    assert.equal(view.documents.length, 4);
    for (const doc of view.documents) {
      const [data, type, disposition] = files[doc.kind as keyof typeof files];
      assert.equal(doc.contentType, type);
      const res = await client.get(doc.url);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], type);
      assert.equal(res.headers['content-disposition'], disposition);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['cache-control'], 'private, no-store');
      assert.deepEqual(res.rawPayload, data);
    }
    const stored = await t.db.query<{ object_key: string }>('SELECT object_key FROM kyc_documents WHERE user_id = $1', [person.id]);
    assert.ok(stored.every((r) => /^kyc\/[0-9a-f]{32}$/.test(r.object_key)), 'server-chosen names');

    // Replacing a draft document deletes the old file.
    const before = filesUnder(t.config.filesDir).length;
    assert.equal((await upload(client, 'photo', makePng())).statusCode, 201);
    assert.equal(filesUnder(t.config.filesDir).length, before);
    assert.equal((await client.delete('/api/kyc/documents/address_proof')).statusCode, 204);
    assert.equal(filesUnder(t.config.filesDir).length, before - 1);
    assert.equal((await client.delete('/api/kyc/documents/address_proof')).statusCode, 404);

    const submitted = await client.post('/api/kyc/submit');
    assert.equal(submitted.statusCode, 200, submitted.body);
    const body = json<KycBody>(submitted);
    assert.equal(body.profile.state, 'submitted');
    assert.equal(body.profile.editable, false);
    assert.ok(body.documents.every((d) => d.submitted));
    const actions = (await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'kyc.%' ORDER BY id", [person.id])).map((r) => r.action);
    assert.deepEqual(actions.filter((a) => a !== 'kyc.document_uploaded'), ['kyc.details_saved', 'kyc.document_removed', 'kyc.submitted']);
  });

  describe('hostile and broken uploads are refused, leaving nothing on disk or in the database', () => {
    const bigPng = () => makePng({ extraChunks: [['tEXt', Buffer.alloc(5 * 1024 * 1024, 0x41)]] });
    const truncPng = () => {
      const b = makePng();
      return b.subarray(0, b.length - 12);
    };
    const truncJpeg = () => {
      const b = makeJpeg();
      return b.subarray(0, b.length - 2);
    };
    const truncPdf = () => {
      const b = makePdf();
      return b.subarray(0, b.length - 30);
    };
    const jpegBomb = () => {
      const b = makeJpeg();
      const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
      b.writeUInt16BE(65_000, sof + 5);
      b.writeUInt16BE(65_000, sof + 7);
      return b;
    };
    const webpBomb = () => {
      const b = makeWebp();
      // The VP8L header after the RIFF header (12) and chunk header (8) and its signature byte: width-1 and height-1, 14 bits each.
      b.writeUInt32LE((16_383 | (16_383 << 14)) >>> 0, 21);
      return b;
    };
    const cases: [string, string, () => Buffer, number, string, Partial<FilePart>?][] = [
      ['renamed Windows executable (MZ as .png)', 'photo', makeExe, 415, 'unsupported_file_type', { filename: 'me.png', contentType: 'image/png' }],
      ['HTML inside a PNG', 'photo', () => makePng({ extraChunks: [['tEXt', Buffer.from('x\0<html><script>alert(1)</script></html>')]] }), 422, 'polyglot_file'],
      ['HTML after the end of a PNG', 'photo', () => Buffer.concat([makePng(), Buffer.from('<html><body>hi</body></html>')]), 422, 'trailing_data'],
      ['ZIP renamed to .jpg', 'photo', () => makeZip(), 415, 'unsupported_file_type', { filename: 'me.jpg', contentType: 'image/jpeg' }],
      ['ZIP appended to a JPEG', 'photo', () => Buffer.concat([makeJpeg(), makeZip()]), 422, 'trailing_data'],
      ['decompression-bomb PNG (100000 × 100000 declared)', 'photo', () => makePng({ declaredWidth: 100_000, declaredHeight: 100_000 }), 422, 'image_too_large'],
      ['decompression-bomb JPEG (65000 × 65000 declared)', 'photo', jpegBomb, 422, 'image_too_large'],
      ['decompression-bomb WebP (16384 × 16384 declared)', 'photo', webpBomb, 422, 'image_too_large'],
      ['zip bomb inside a PDF (an object stream inflating to 64 MB)', 'pan_card', () => makePdfBomb(64), 422, 'image_too_large'],
      ['ZIP appended after a PDF end', 'pan_card', () => Buffer.concat([makePdf(), makeZip('a.txt', 'hello')]), 422, 'trailing_data'],
      ['oversize (over 5 MB)', 'pan_card', bigPng, 413, 'file_too_large'],
      ['zero bytes', 'pan_card', () => Buffer.alloc(0), 400, 'empty_file'],
      ['wrong magic (text named .pdf)', 'pan_card', () => Buffer.from('this is not a PDF at all, just text'), 415, 'unsupported_file_type', { filename: 'x.pdf', contentType: 'application/pdf' }],
      ['truncated PNG (no IEND)', 'pan_card', truncPng, 422, 'truncated_file'],
      ['truncated JPEG (no EOI)', 'pan_card', truncJpeg, 422, 'truncated_file'],
      ['truncated PDF (no %%EOF)', 'pan_card', truncPdf, 422, 'truncated_file'],
      ['encrypted PDF', 'pan_card', () => makePdf({ trailerExtra: '/Encrypt 6 0 R ', extraObjects: ['<< /Filter /Standard /V 2 /R 3 >>'] }), 422, 'pdf_encrypted'],
      ['PDF with /JavaScript', 'pan_card', () => makePdf({ catalogExtra: '/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ' }), 422, 'pdf_active_content'],
      ['a PDF as the photo', 'photo', () => makePdf(), 415, 'unsupported_file_type'],
    ];

    for (const [name, kind, make, status, expected, part] of cases) {
      test(name, async () => {
        const { client, person } = await signedInClient(t, 'customer');
        const filesBefore = filesUnder(t.config.filesDir);
        const res = await upload(client, kind, make(), part);
        assert.equal(res.statusCode, status, res.body);
        const err = json<ErrorBody>(res).error;
        assert.equal(err.code, expected, res.body);
        assert.ok(err.message.length > 10, 'a clear message');
        assert.deepEqual(filesUnder(t.config.filesDir), filesBefore, 'nothing left on disk');
        const rows = await t.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM kyc_documents WHERE user_id = $1) + (SELECT count(*) FROM kyc_profiles WHERE user_id = $1)
             + (SELECT count(*) FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'kyc.%') AS n`,
          [person.id],
        );
        assert.equal(Number(rows[0]!.n), 0, 'nothing in the database');
      });
    }

    test('requests that are not one file in multipart/form-data', async () => {
      const { client } = await signedInClient(t, 'customer');
      const filesBefore = filesUnder(t.config.filesDir);
      const notMultipart = await client.post('/api/kyc/documents/photo', { file: 'x' });
      assert.equal(notMultipart.statusCode, 415);
      assert.equal(code(notMultipart), 'not_multipart');
      const fieldsOnly = multipartBody([], { note: 'no file here' });
      const missing = await client.request('POST', '/api/kyc/documents/photo', fieldsOnly.body, fieldsOnly.headers);
      assert.equal(missing.statusCode, 400, missing.body);
      assert.equal(code(missing), 'missing_file');
      const badKind = await upload(client, 'passport', makePng());
      assert.equal(badKind.statusCode, 400);
      // A body cut off in the middle of the file (the client went away).
      const png = makePng({ width: 200, height: 200, noise: true });
      const cut = multipartBody([{ data: png }]);
      const broken = await client.request('POST', '/api/kyc/documents/photo', cut.body.subarray(0, cut.body.length - 2000), cut.headers);
      assert.equal(broken.statusCode, 422, broken.body);
      assert.equal(code(broken), 'truncated_file');
      assert.deepEqual(filesUnder(t.config.filesDir), filesBefore, 'nothing left on disk by any of these');
      // Two files in one request: the first is taken, the second refused by the parser; at most one is kept.
      const two = multipartBody([{ data: makePng() }, { data: makePng({ seed: 5 }) }]);
      const twoRes = await client.request('POST', '/api/kyc/documents/photo', two.body, two.headers);
      assert.ok([201, 400].includes(twoRes.statusCode), twoRes.body);
      if (twoRes.statusCode === 400) assert.equal(code(twoRes), 'too_many_files');
      const kept = filesUnder(t.config.filesDir).filter((f) => !filesBefore.includes(f));
      assert.equal(kept.length, twoRes.statusCode === 201 ? 1 : 0);
    });
  });

  test('an upload streams into the store as it arrives: its ciphertext is on disk before the last byte is sent', async () => {
    const { client } = await signedInClient(t, 'customer');
    const png = makePng({ width: 1000, height: 1000, noise: true });
    assert.ok(png.length > 2.5 * 1024 * 1024);
    const { body, headers } = multipartBody([{ data: png, filename: 'big.png', contentType: 'image/png' }]);
    const tmpDir = path.join(t.config.filesDir, '.tmp');
    const onDisk = () => filesUnder(tmpDir).reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
    const want = 2 * 1024 * 1024;
    const heldBack = 256 * 1024;
    let seen = 0;
    // The last bytes are sent only once the server has written most of the file: a server that held
    // the whole upload in memory before storing it would have nothing on disk here.
    async function* source() {
      yield body.subarray(0, body.length - heldBack);
      for (let i = 0; i < 3000 && seen < want; i++) {
        seen = onDisk();
        if (seen < want) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      yield body.subarray(body.length - heldBack);
    }
    const res = await client.request('POST', '/api/kyc/documents/photo', Readable.from(source()), headers);
    assert.equal(res.statusCode, 201, res.body);
    assert.ok(seen >= want, `only ${seen} bytes were written before the upload ended`);
    assert.deepEqual(filesUnder(tmpDir), [], 'the temp file became the stored object');
    const doc = json<KycBody>(await client.get('/api/kyc')).documents.find((d) => d.kind === 'photo')!;
    assert.deepEqual((await client.get(doc.url)).rawPayload, png);
  });

  test('the full Aadhaar number appears nowhere: database, logs, files, answers', async () => {
    const aadhaar = newAadhaar();
    const spaced = `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)} ${aadhaar.slice(8)}`;
    const wrong = aadhaar.slice(0, 11) + ((Number(aadhaar[11]) + 1) % 10);
    const { client, person } = await signedInClient(t, 'customer');
    // A mistyped number first: refused without repeating it.
    const refused = await client.put('/api/kyc', { ...DETAILS, aadhaarNumber: wrong });
    assert.equal(refused.statusCode, 400);
    assert.ok(!refused.body.includes(wrong) && !refused.body.includes(wrong.slice(0, 8)), refused.body);
    const answers: string[] = [refused.body];
    const saved = await client.put('/api/kyc', { ...DETAILS, aadhaarNumber: spaced });
    assert.equal(saved.statusCode, 200, saved.body);
    answers.push(saved.body);
    for (const [kind, data] of [['pan_card', makePdf()], ['aadhaar_masked', makePng()], ['photo', makeJpeg()]] as const) {
      answers.push((await upload(client, kind, data)).body);
    }
    answers.push((await client.post('/api/kyc/submit')).body);
    const staffView = await operator.client.get(`/api/staff/kyc/${person.id}`);
    answers.push(staffView.body);
    answers.push((await operator.client.post(`/api/staff/kyc/${person.id}/approve`)).body);
    answers.push((await client.get('/api/kyc')).body);
    await t.platform.jobs.runPending('mail.send');
    assert.equal(json<KycBody>(staffView).profile.aadhaarMasked, `XXXX XXXX ${aadhaar.slice(8)}`);

    const needles = [aadhaar, spaced, wrong, aadhaar.slice(0, 8), `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)}`];
    // Standing alone, not as part of a longer run of digits (a timestamp, an id).
    const patterns = needles.map((n) => new RegExp(`(?<![0-9])${n}(?![0-9])`));
    const findIn = (where: string, text: string) => {
      for (const [i, p] of patterns.entries()) assert.ok(!p.test(text), `${where} contains ${needles[i]}`);
    };
    for (const a of answers) findIn('an API answer', a);

    // Every row of every table, as text.
    const tables = await t.db.query<{ s: string; n: string }>(
      `SELECT table_schema AS s, table_name AS n FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    assert.ok(tables.some((x) => x.n === 'kyc_profiles') && tables.some((x) => x.s === 'pgboss'));
    let rowsSeen = 0;
    for (const { s, n } of tables) {
      const rows = await t.db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${s}"."${n}" t`);
      rowsSeen += rows.length;
      for (const r of rows) findIn(`${s}.${n}`, r.j);
    }
    assert.ok(rowsSeen > 50);
    const [profile] = await t.db.query<{ aadhaar_last4: string }>('SELECT aadhaar_last4 FROM kyc_profiles WHERE user_id = $1', [person.id]);
    assert.equal(profile!.aadhaar_last4, aadhaar.slice(8), 'the last four are kept');

    // The server log, captured down to trace level.
    const logs = t.logs();
    assert.ok(logs.includes('"url":"/api/kyc"') && logs.includes('"level":10'), 'logs were captured at trace level');
    findIn('the log', logs);

    // Every file under DATA_DIR.
    const files = filesUnder(t.config.dataDir);
    assert.ok(files.length >= 3);
    for (const f of files) findIn(f, readFileSync(f).toString('latin1'));
  });

  test('files on disk are unreadable without the master key, readable with it, and tampering is detected', async () => {
    const { client, person } = await customerWithDetails();
    const pdf = makePdf({ text: 'PAN ABCPV1234K Asha Verma' });
    assert.equal((await upload(client, 'pan_card', pdf)).statusCode, 201);
    const [row] = await t.db.query<{ object_key: string }>("SELECT object_key FROM kyc_documents WHERE user_id = $1 AND kind = 'pan_card'", [person.id]);
    const [prefix, id] = row!.object_key.split('/') as [string, string];
    const file = path.join(t.config.filesDir, prefix, id.slice(0, 2), id);
    const raw = readFileSync(file);
    for (const magic of KNOWN_MAGIC) assert.ok(!raw.subarray(0, magic.length).equals(magic));
    for (const needle of ['%PDF', 'ABCPV1234K', 'Asha', 'Helvetica', '%%EOF']) assert.ok(!raw.includes(needle), needle);
    assert.deepEqual(await readAll(await t.platform.services.files.get(row!.object_key)), pdf, 'decrypts with the master key');

    const link = json<KycBody>(await client.get('/api/kyc')).documents.find((d) => d.kind === 'pan_card')!.url;
    const tampered = Buffer.from(raw);
    tampered[100] = tampered[100]! ^ 0x01;
    writeFileSync(file, tampered);
    const res = await client.get(link);
    assert.equal(res.statusCode, 500, 'a damaged file is never served');
    assert.ok(!res.body.includes('%PDF'));
    writeFileSync(file, raw);
    assert.equal((await client.get(link)).statusCode, 200);
  });

  describe('review: states and who may move them', () => {
    test('submit locks the record; operators approve or reject with a reason; the customer resubmits', async () => {
      const c = await submittedCustomer();
      for (const res of [
        await c.client.put('/api/kyc', { legalName: 'Someone Else' }),
        await upload(c.client, 'photo', makePng()),
        await c.client.delete('/api/kyc/documents/photo'),
        await c.client.post('/api/kyc/submit'),
      ]) {
        assert.equal(res.statusCode, 409, res.body);
        assert.equal(code(res), 'kyc_not_editable');
      }
      // Customers cannot review, not even their own.
      assert.equal((await c.client.post(`/api/staff/kyc/${c.person.id}/approve`)).statusCode, 403);

      const queue = json<{ items: { userId: string; state: string; ageSeconds: number }[] }>(await operator.client.get('/api/staff/kyc'));
      const entry = queue.items.find((i) => i.userId === c.person.id);
      assert.ok(entry && entry.state === 'submitted' && entry.ageSeconds >= 0);
      const approvedOnly = json<{ items: { state: string }[] }>(await operator.client.get('/api/staff/kyc?state=approved'));
      assert.ok(approvedOnly.items.every((i) => i.state === 'approved'));
      assert.equal((await operator.client.get('/api/staff/kyc?state=bogus')).statusCode, 400);

      const short = await operator.client.post(`/api/staff/kyc/${c.person.id}/reject`, { reason: 'no' });
      assert.equal(short.statusCode, 400);
      const rejected = await operator.client.post(`/api/staff/kyc/${c.person.id}/reject`, { reason: 'The PAN card photo is blurred.' });
      assert.equal(rejected.statusCode, 200, rejected.body);
      assert.equal(json<KycBody>(rejected).profile.state, 'rejected');
      const again = await operator.client.post(`/api/staff/kyc/${c.person.id}/approve`);
      assert.equal(again.statusCode, 409);
      assert.equal(code(again), 'kyc_not_pending');

      const seen = json<KycBody>(await c.client.get('/api/kyc'));
      assert.equal(seen.profile.state, 'rejected');
      assert.equal(seen.profile.rejectionReason, 'The PAN card photo is blurred.');
      assert.equal(seen.profile.editable, true);
      // Re-upload after rejection: the submitted document is kept (superseded), not deleted.
      assert.equal((await upload(c.client, 'pan_card', makePng({ seed: 3 }))).statusCode, 201);
      const kept = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM kyc_documents WHERE user_id = $1 AND kind = 'pan_card'", [c.person.id]);
      assert.equal(kept[0]!.n, 2);
      const resubmitted = json<KycBody>(await c.client.post('/api/kyc/submit'));
      assert.equal(resubmitted.profile.state, 'resubmitted');
      assert.equal(resubmitted.profile.submissionCount, 2);
      assert.equal(resubmitted.profile.rejectionReason, null);

      const admin = await signedInClient(t, 'admin');
      const approved = await admin.client.post(`/api/staff/kyc/${c.person.id}/approve`);
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(json<KycBody>(await c.client.get('/api/kyc')).profile.state, 'approved');
      assert.equal((await admin.client.post(`/api/staff/kyc/${c.person.id}/reject`, { reason: 'changed my mind' })).statusCode, 409);
      assert.equal(code(await c.client.put('/api/kyc', { legalName: 'X' })), 'kyc_not_editable');

      // The database refuses an illegal move even if code tried one.
      await assert.rejects(t.db.query("UPDATE kyc_profiles SET state = 'submitted' WHERE user_id = $1", [c.person.id]), /cannot move/);

      const actions = (await t.db.query<{ action: string; actor_id: string }>(
        "SELECT action, actor_id FROM activity_log WHERE subject_user_id = $1 AND action IN ('kyc.approved', 'kyc.rejected') ORDER BY id",
        [c.person.id],
      )).map((r) => [r.action, r.actor_id]);
      assert.deepEqual(actions, [['kyc.rejected', operator.person.id], ['kyc.approved', admin.person.id]]);
    });

    test('unknown records answer 404, staff cannot review their own KYC', async () => {
      assert.equal((await operator.client.post(`/api/staff/kyc/${randomUUID()}/approve`)).statusCode, 404);
      assert.equal((await operator.client.get(`/api/staff/kyc/${randomUUID()}`)).statusCode, 404);
      assert.equal((await operator.client.get('/api/staff/kyc/not-a-uuid')).statusCode, 400);
      const nobody = await signedInClient(t, 'customer');
      assert.equal((await operator.client.post(`/api/staff/kyc/${nobody.person.id}/approve`)).statusCode, 404);

      const staffer = await signedInClient(t, 'operator');
      assert.equal((await staffer.client.put('/api/kyc', { ...DETAILS, aadhaarNumber: newAadhaar() })).statusCode, 200);
      for (const [kind, data] of [['pan_card', makePdf()], ['aadhaar_masked', makePng()], ['photo', makeJpeg()]] as const) {
        assert.equal((await upload(staffer.client, kind, data)).statusCode, 201);
      }
      assert.equal((await staffer.client.post('/api/kyc/submit')).statusCode, 200);
      const self = await staffer.client.post(`/api/staff/kyc/${staffer.person.id}/approve`);
      assert.equal(self.statusCode, 403);
      assert.equal(code(self), 'cannot_review_self');
    });

    test('validation: each bad field is named, none is echoed', async () => {
      const { client } = await signedInClient(t, 'customer');
      const res = await client.put('/api/kyc', {
        legalName: ' ',
        pan: 'ABCXE1234F',
        aadhaarNumber: '123456789012',
        dateOfBirth: '2015-01-01',
        address: { line1: 'x', city: 'y', region: 'z', pincode: '012345' },
      });
      assert.equal(res.statusCode, 400, res.body);
      const fields = json<ErrorBody>(res).error.details!.map((d) => d.field).sort();
      assert.deepEqual(fields, ['aadhaarNumber', 'address.pincode', 'dateOfBirth', 'legalName', 'pan']);
      assert.ok(!res.body.includes('123456789012'));
      assert.equal((await client.put('/api/kyc', { aadhaarNumber: 123 })).statusCode, 400);
      assert.equal((await client.put('/api/kyc', { extra: 1 })).statusCode, 400);
    });
  });

  describe('access to documents', () => {
    test("another customer gets 404 for a customer's documents, with or without the link", async () => {
      const a = await submittedCustomer();
      const b = await signedInClient(t, 'customer');
      const docs = json<KycBody>(await a.client.get('/api/kyc')).documents;
      for (const doc of docs) {
        const res = await b.client.get(doc.url);
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(code(res), 'not_found');
      }
      // A link B made for themselves, pointing at A's document id, is refused by the resolver.
      const links = createFileLinks(keyringFromConfig(t.config));
      const forged = links.sign('kyc', docs[0]!.id, b.person.id);
      assert.equal((await b.client.get(forged.url)).statusCode, 404);
      // Guessed and tampered tokens.
      const token = Buffer.from(docs[0]!.url.slice('/api/files/'.length), 'base64url');
      const swapped = Buffer.from(token);
      Buffer.from(b.person.id.replace(/-/g, ''), 'hex').copy(swapped, 2 + 3 + 16); // the user id inside, signature kept
      assert.equal((await b.client.get(`/api/files/${swapped.toString('base64url')}`)).statusCode, 404);
      assert.equal((await b.client.get(`/api/files/${randomBytes(57).toString('base64url')}`)).statusCode, 404);
      assert.equal((await b.client.get('/api/files/%2e%2e%2fetc%2fpasswd')).statusCode, 400);
      assert.equal((await b.client.get(`/api/staff/kyc/${a.person.id}`)).statusCode, 403);
      assert.equal((await new Client(t.app).get(docs[0]!.url)).statusCode, 401);
    });

    test('links expire after five minutes and work only for the user they were made for', async () => {
      const a = await submittedCustomer();
      const docs = json<KycBody>(await a.client.get('/api/kyc')).documents;
      const links = createFileLinks(keyringFromConfig(t.config));
      const old = links.sign('kyc', docs[0]!.id, a.person.id, Date.now() - 301_000);
      const expired = await a.client.get(old.url);
      assert.equal(expired.statusCode, 410);
      assert.equal(code(expired), 'link_expired');
      assert.equal((await operator.client.get(old.url)).statusCode, 404, 'not even told it expired');
      const fresh = links.sign('kyc', docs[0]!.id, a.person.id, Date.now() - 290_000);
      assert.equal((await a.client.get(fresh.url)).statusCode, 200);
      assert.equal((await operator.client.get(docs[0]!.url)).statusCode, 404, "the customer's link is not the operator's");
      const current = json<{ documents: { urlExpiresAt: string }[] }>(await a.client.get('/api/kyc')).documents[0]!;
      const expiresIn = Date.parse(current.urlExpiresAt) - Date.now();
      assert.ok(expiresIn > 290_000 && expiresIn <= 300_000, String(expiresIn));
    });

    test('staff see documents through their own links; every view and decision is in the activity log', async () => {
      const a = await submittedCustomer();
      const view = await operator.client.get(`/api/staff/kyc/${a.person.id}`);
      assert.equal(view.statusCode, 200, view.body);
      const staffDocs = json<KycBody>(view).documents;
      assert.equal(staffDocs.length, 3);
      for (const d of staffDocs) assert.equal((await operator.client.get(d.url)).statusCode, 200);
      assert.equal((await a.client.get(staffDocs[0]!.url)).statusCode, 404, "the operator's link is not the customer's");
      const records = await t.db.query<{ action: string; actor_id: string; object_id: string }>(
        "SELECT action, actor_id, object_id FROM activity_log WHERE subject_user_id = $1 AND action IN ('kyc.viewed', 'kyc.document_viewed') ORDER BY id",
        [a.person.id],
      );
      assert.deepEqual(records.map((r) => r.action), ['kyc.viewed', 'kyc.document_viewed', 'kyc.document_viewed', 'kyc.document_viewed']);
      assert.ok(records.every((r) => r.actor_id === operator.person.id));
      assert.deepEqual(records.slice(1).map((r) => r.object_id).sort(), staffDocs.map((d) => d.id).sort());
    });
  });

  test('the customer is notified of decisions by email when their preferences say so', async () => {
    const wants = await submittedCustomer();
    const quiet = await submittedCustomer();
    const prefs = await quiet.client.put('/api/me/preferences', { preferences: [{ topic: 'service_updates', channel: 'email', enabled: false }] });
    assert.equal(prefs.statusCode, 200, prefs.body);
    assert.equal((await operator.client.post(`/api/staff/kyc/${wants.person.id}/reject`, { reason: 'Address proof is missing a page.' })).statusCode, 200);
    assert.equal((await operator.client.post(`/api/staff/kyc/${quiet.person.id}/approve`)).statusCode, 200);
    const mails = await t.db.query<{ to_address: string; purpose: string; body_text: string }>(
      "SELECT to_address, purpose, body_text FROM mail_outbox WHERE purpose LIKE 'kyc_%' AND user_id = ANY($1::uuid[])",
      [[wants.person.id, quiet.person.id]],
    );
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.to_address, wants.person.email);
    assert.equal(mails[0]!.purpose, 'kyc_rejected');
    assert.match(mails[0]!.body_text, /Address proof is missing a page\./);
    assert.equal((await operator.client.post(`/api/staff/kyc/${wants.person.id}/approve`)).statusCode, 409);
    // Approval mail for a customer who wants it.
    assert.equal((await wants.client.post('/api/kyc/submit')).statusCode, 200);
    assert.equal((await operator.client.post(`/api/staff/kyc/${wants.person.id}/approve`)).statusCode, 200);
    const approvedMail = await t.db.query<{ purpose: string }>("SELECT purpose FROM mail_outbox WHERE user_id = $1 AND purpose = 'kyc_approved'", [wants.person.id]);
    assert.equal(approvedMail.length, 1);
  });

  test('features that need approved KYC: the gate for top-ups above the limit and for other features', async () => {
    const c = await submittedCustomer();
    const gate = t.platform.services.kycGate;
    assert.equal(await gate.hasApprovedKyc(c.person.id), false);
    const refused = await c.client.post('/api/wallet/topups', { amount: 1_500_000 });
    assert.equal(refused.statusCode, 403);
    assert.ok(refused.body.includes('kyc_required'), refused.body);
    await assert.rejects(gate.check('whatsapp_api', c.person.id), /approved KYC/);
    assert.equal(await gate.allows('service:pan_application', c.person.id), true, 'not in KYC_REQUIRED_FOR');
    assert.equal(gate.isRequired('topup_above_limit'), true);
    assert.equal((await operator.client.post(`/api/staff/kyc/${c.person.id}/approve`)).statusCode, 200);
    assert.equal(await gate.hasApprovedKyc(c.person.id), true);
    await gate.check('whatsapp_api', c.person.id);
    // A top-up above the KYC limit now passes the gate (and is only limited by the top-up maximum).
    const topup = await c.client.post('/api/wallet/topups', { amount: 1_500_000 });
    assert.ok(!topup.body.includes('kyc_required'), topup.body);
  });

  test('retention: a closed account keeps its KYC for KYC_RETENTION_DAYS (staff can still read it), then the job purges it', async () => {
    const old = await submittedCustomer();
    const recent = await submittedCustomer();
    const admin = await signedInClient(t, 'admin');
    const inQueue = async (c: { person: { id: string; email: string } }) =>
      json<{ items: { userId: string }[] }>(await operator.client.get(`/api/staff/kyc?q=${encodeURIComponent(c.person.email)}`)).items.map((i) => i.userId);
    assert.deepEqual(await inQueue(old), [old.person.id], 'found by the search filter');
    // One closes their own account, the other is closed by an admin at their request.
    assert.equal((await old.client.post('/api/me/close', { password: old.person.password })).statusCode, 204);
    const byAdmin = await admin.client.post(`/api/admin/users/${recent.person.id}/close`, { reason: 'Customer asked at the counter.' });
    assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    assert.equal((await old.client.get('/api/kyc')).statusCode, 401, 'the holder is signed out');

    // A pending submission of a closed account leaves the queue and can no longer be decided.
    assert.deepEqual(await inQueue(old), []);
    assert.deepEqual(await inQueue(recent), []);
    const decide = await operator.client.post(`/api/staff/kyc/${old.person.id}/approve`);
    assert.equal(decide.statusCode, 409);
    assert.equal(code(decide), 'account_closed');

    const keysOf = async (id: string) => (await t.db.query<{ object_key: string }>('SELECT object_key FROM kyc_documents WHERE user_id = $1', [id])).map((r) => r.object_key);
    const oldKeys = await keysOf(old.person.id);
    const recentKeys = await keysOf(recent.person.id);
    assert.equal(oldKeys.length, 3);
    const fileOf = (key: string) => path.join(t.config.filesDir, 'kyc', key.slice(4, 6), key.slice(4));
    // A stored file that no document names (an upload interrupted by a crash), an hour old.
    const orphan = await t.platform.services.files.put(Readable.from([makePng()]), { prefix: 'kyc' });
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(fileOf(orphan.key), hourAgo, hourAgo);

    const purge = async () => {
      await t.platform.jobs.enqueue(t.db, 'kyc.retention-purge', {});
      assert.equal(await t.platform.jobs.runPending('kyc.retention-purge'), 1);
    };
    // Within the retention period nothing of a closed account goes, and staff can still open it.
    await purge();
    assert.deepEqual(await keysOf(old.person.id), oldKeys);
    for (const key of oldKeys) statSync(fileOf(key));
    const during = await operator.client.get(`/api/staff/kyc/${old.person.id}`);
    assert.equal(during.statusCode, 200, during.body);
    assert.equal((await operator.client.get(json<KycBody>(during).documents[0]!.url)).statusCode, 200);

    // Past the period (the closure moved back in time), the job deletes files first, then rows.
    await t.db.query('UPDATE users SET closed_at = closed_at - make_interval(days => $2) WHERE id = $1', [old.person.id, t.config.kycRetentionDays + 1]);
    await purge();

    assert.deepEqual(await keysOf(old.person.id), []);
    assert.equal((await t.db.query('SELECT 1 FROM kyc_profiles WHERE user_id = $1', [old.person.id])).length, 0);
    for (const key of [...oldKeys, orphan.key]) assert.throws(() => statSync(fileOf(key)), /ENOENT/, key);
    assert.deepEqual(await keysOf(recent.person.id), recentKeys, 'still within the retention period');
    for (const key of recentKeys) statSync(fileOf(key));
    assert.equal((await operator.client.get(`/api/staff/kyc/${old.person.id}`)).statusCode, 404);
    const [purged] = await t.db.query<{ actor_type: string; details: { documents: number } }>("SELECT actor_type, details FROM activity_log WHERE subject_user_id = $1 AND action = 'kyc.purged'", [old.person.id]);
    assert.equal(purged!.actor_type, 'system');
    assert.equal(purged!.details.documents, 3);
  });

  test('master key rotation: files and the encrypted PAN are re-wrapped; the old key can then go', async () => {
    const c = await submittedCustomer();
    const newKey = Buffer.alloc(32, 9).toString('base64');
    const env = { NODE_ENV: 'test', DATA_DIR: t.config.dataDir, LOG_LEVEL: 'silent' };
    const rotated = await createPlatform({ config: loadConfig({ ...env, MASTER_KEY: newKey, MASTER_KEY_PREVIOUS: TEST_MASTER_KEY }), db: t.db, logger: false });
    try {
      const result = await rotated.services.rotateKeys();
      assert.ok(result.files.rewrapped >= 3 && result.files.rewrapped === result.files.checked, JSON.stringify(result));
      assert.ok(result.kycSecrets >= 1);
      // A second run finds nothing left under the old key, in files or in any encrypted column.
      const again = await rotated.services.rotateKeys();
      assert.deepEqual(again.files, { checked: result.files.checked, rewrapped: 0 });
      assert.deepEqual({ ...again, files: null }, { ...Object.fromEntries(Object.keys(again).map((k) => [k, 0])), files: null });
    } finally {
      await rotated.app.close();
    }
    const onlyNew = await createPlatform({ config: loadConfig({ ...env, MASTER_KEY: newKey }), db: t.db, logger: false });
    try {
      await onlyNew.app.ready();
      const again = new Client(onlyNew.app);
      assert.equal((await again.login(c.person.email, c.person.password)).statusCode, 200);
      const view = json<KycBody>(await again.get('/api/kyc'));
      assert.equal(view.profile.pan, 'ABCPV1234K');
      for (const d of view.documents) assert.equal((await again.get(d.url)).statusCode, 200);
    } finally {
      await onlyNew.app.close();
    }
  });
});

describe('KYC uploads with a ClamAV scanner configured (CLAMAV_HOST)', () => {
  let clamd: FakeClamd;
  let t: TestPlatform;
  before(async () => {
    clamd = await startFakeClamd();
    t = await testPlatform({ env: { CLAMAV_HOST: '127.0.0.1', CLAMAV_PORT: String(clamd.port), CLAMAV_TIMEOUT_MS: '20000' } });
  });
  after(async () => {
    await t.close();
    await clamd.close();
  });

  const upload = (c: Client, kind: string, data: Buffer) => {
    const { body, headers } = multipartBody([{ filename: 'scan.png', contentType: 'image/png', data }]);
    return c.request('POST', `/api/kyc/documents/${kind}`, body, headers);
  };
  const documentsOf = async (userId: string) =>
    (await t.db.query<{ kind: string }>('SELECT kind FROM kyc_documents WHERE user_id = $1 ORDER BY kind', [userId])).map((r) => r.kind);

  test('every upload is streamed to clamd (INSTREAM): clean files are kept, infected ones refused, an unreachable scanner refuses too; nothing refused is left', async () => {
    const { client, person } = await signedInClient(t, 'customer');
    const clean = makePng({ width: 40, height: 30 });
    const ok = await upload(client, 'photo', clean);
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(clamd.streams.at(-1), clean, 'clamd received exactly the uploaded bytes');
    const filesBefore = filesUnder(t.config.filesDir);

    const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    const infected = makePng({ extraChunks: [['tEXt', Buffer.from(`Comment\0${eicar}`, 'latin1')]] });
    const refused = await upload(client, 'aadhaar_masked', infected);
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(code(refused), 'virus_found');
    assert.match(json<ErrorBody>(refused).error.message, /Eicar-Test-Signature/);
    assert.deepEqual(clamd.streams.at(-1), infected);
    assert.deepEqual(filesUnder(t.config.filesDir), filesBefore, 'nothing left on disk');
    assert.deepEqual(await documentsOf(person.id), ['photo'], 'nothing recorded');

    await clamd.close();
    const down = await upload(client, 'aadhaar_masked', makePng());
    assert.equal(down.statusCode, 503, down.body);
    assert.equal(code(down), 'virus_scan_unavailable');
    assert.deepEqual(filesUnder(t.config.filesDir), filesBefore, 'a scan that could not run keeps nothing either');
    assert.deepEqual(await documentsOf(person.id), ['photo']);
  });
});

describe('KYC_REQUIRED_FOR decides which features need approved KYC', () => {
  let kit: Kit;
  before(async () => {
    const t = await testPlatform({ env: { KYC_REQUIRED_FOR: 'service:gated-by-config' } });
    const admin = await signedInClient(t, 'admin');
    const [row] = await t.db.query<{ id: string }>("SELECT id FROM service_categories WHERE slug = 'certificates'");
    kit = { t, admin: admin.client, adminId: admin.person.id, op1: admin.client, op1Id: admin.person.id, op2: admin.client, op2Id: admin.person.id, categoryId: row!.id, serviceId: '' };
  });
  after(() => kit.t.close());

  test('a service kind named there needs approved KYC although the service itself does not ask for it; features not named do not', async () => {
    const gated = await createService(kit, { slug: 'gated-by-config', kycRequired: false });
    const open = await createService(kit, { kycRequired: false });
    const c = await customer(kit, 100_000);
    const refused = await c.client.post(`/api/applications/${(await readyDraft(c.client, gated)).id}/submit`, {});
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(code(refused), 'kyc_required');
    assert.equal((await c.client.post(`/api/applications/${(await readyDraft(c.client, open)).id}/submit`, {})).statusCode, 200);
    // Not named: WhatsApp API access and large top-ups are open without KYC here.
    const gate = kit.t.platform.services.kycGate;
    assert.equal(await gate.allows('whatsapp_api', c.id), true);
    const topup = await c.client.post('/api/wallet/topups', { amount: 1_500_000 });
    assert.ok(!topup.body.includes('kyc_required'), topup.body);

    await kit.t.db.query("INSERT INTO kyc_profiles (user_id, state, submitted_at, reviewed_at) VALUES ($1, 'approved', now(), now())", [c.id]);
    const allowed = await c.client.post(`/api/applications/${(await readyDraft(c.client, gated)).id}/submit`, {});
    assert.equal(allowed.statusCode, 200, allowed.body);
  });
});
