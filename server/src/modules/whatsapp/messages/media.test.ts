import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { captureServer, example, shapeOf } from '../../../test/meta.js';
import { mediaUploadBody } from '../graph/graph-client.js';
import { sendKit, type Connected, type SendKit } from './test-fixtures.js';

/**
 * Media through the Graph-compatible endpoints: upload with Meta's rules, the media object and a
 * download URL an SDK can fetch with its API key, delete — each only for the tenant that owns the media.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
interface MetaBody {
  error: { code: number; error_subcode?: number; error_data?: { details: string; platform_code?: string } };
}
const metaErr = (r: LightMyRequestResponse) => (r.json() as MetaBody).error;

describe('media through /graph', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;
  let c: Connected;
  let key: string;

  const upload = (k: string, pnid: string, data: Buffer, mimeType: string, fields: Record<string, string> = {}) => {
    const form = mediaUploadBody({ data, mimeType, filename: 'receipt.png' });
    let payload = form.data;
    if (fields.messaging_product === '') payload = Buffer.from(payload.toString('latin1').replace(/name="messaging_product"\r\n\r\nwhatsapp\r\n/, 'name="other"\r\n\r\nx\r\n'), 'latin1');
    return t.app.inject({ method: 'POST', url: `/graph/v23.0/${pnid}/media`, headers: { authorization: `Bearer ${k}`, 'content-type': form.contentType }, payload });
  };
  const get = (k: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${k}` } });

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
    c = await s.connect(await s.tenant());
    key = await s.apiKey(c.tenantId);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  test('upload → media object with a platform download URL → download with the API key → send it → delete', async () => {
    const up = await upload(key, c.sim.phone_number_id, PNG, 'image/png');
    assert.equal(up.statusCode, 200, up.body);
    assert.deepEqual(shapeOf(up.json()), shapeOf(example('media-upload-response.json')));
    const id = (up.json() as { id: string }).id;
    const [owned] = await t.db.query<{ tenant_id: string; mime_type: string; file_size: number }>('SELECT tenant_id, mime_type, file_size FROM wa_media WHERE media_id = $1', [id]);
    assert.deepEqual({ ...owned }, { tenant_id: c.tenantId, mime_type: 'image/png', file_size: PNG.length });

    const info = await get(key, `/graph/v23.0/${id}`);
    assert.equal(info.statusCode, 200, info.body);
    assert.deepEqual(shapeOf(info.json()), shapeOf(example('media-retrieve-url-response.json')));
    const media = info.json() as { url: string; mime_type: string; id: string };
    assert.equal(media.id, id);
    assert.equal(media.mime_type, 'image/png');
    const url = new URL(media.url);
    assert.match(url.pathname, /^\/graph\/media-downloads\//);

    const file = await get(key, url.pathname);
    assert.equal(file.statusCode, 200, file.body);
    assert.equal(file.headers['content-type'], 'image/png');
    assert.deepEqual(file.rawPayload, PNG);
    // Like Meta's URL, it needs the credential; a forged token is Meta's 404.
    assert.equal((await t.app.inject({ method: 'GET', url: url.pathname })).statusCode, 401);
    assert.equal((await get(key, url.pathname.slice(0, -3) + 'abc')).statusCode, 404);

    await s.openWindow(c, '16505551234');
    const sent = await s.graph(key, c.sim.phone_number_id, { messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: { id, caption: 'Your receipt' } });
    assert.equal(sent.statusCode, 200, sent.body);
    const [row] = await t.db.query<{ media_ref: string }>('SELECT media_ref FROM wa_messages WHERE wamid = $1', [(sent.json() as { messages: { id: string }[] }).messages[0]!.id]);
    assert.equal(row!.media_ref, id);

    const del = await t.app.inject({ method: 'DELETE', url: `/graph/v23.0/${id}`, headers: { authorization: `Bearer ${key}` } });
    assert.equal(del.statusCode, 200, del.body);
    assert.deepEqual(del.json(), example('media-delete-response.json'));
    const gone = await get(key, `/graph/v23.0/${id}`);
    assert.equal(gone.statusCode, 404);
    assert.equal(metaErr(gone).code, 100);
    assert.equal(metaErr(gone).error_subcode, 33);
    const activity = await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE object_id = $1 AND actor_type = 'api_key' ORDER BY id", [id]);
    assert.deepEqual(activity.map((a) => a.action), ['whatsapp.media_uploaded', 'whatsapp.media_deleted']);
  });

  test('another tenant cannot see, download or delete the media (Meta’s "does not exist")', async () => {
    const id = (await upload(key, c.sim.phone_number_id, PNG, 'image/png')).json() as { id: string };
    const link = new URL((await get(key, `/graph/v23.0/${id.id}`)).json<{ url: string }>().url).pathname;
    const other = await s.connect(await s.tenant());
    const otherKey = await s.apiKey(other.tenantId);
    const seen = await get(otherKey, `/graph/v23.0/${id.id}`);
    assert.equal(seen.statusCode, 404, seen.body);
    assert.equal(metaErr(seen).error_subcode, 33);
    assert.equal((await get(otherKey, link)).statusCode, 404);
    const del = await t.app.inject({ method: 'DELETE', url: `/graph/v23.0/${id.id}`, headers: { authorization: `Bearer ${otherKey}` } });
    assert.equal(del.statusCode, 404);
    // Uploading to another tenant's number is refused the same way.
    const up = await upload(otherKey, c.sim.phone_number_id, PNG, 'image/png');
    assert.equal(up.statusCode, 404, up.body);
    assert.equal((await get(key, `/graph/v23.0/${id.id}`)).statusCode, 200, 'still there for its owner');
  });

  test('Meta’s type and size rules: unsupported types, oversize images and bytes that are not what they claim get 131053', async () => {
    const exe = await upload(key, c.sim.phone_number_id, Buffer.from('MZ this is not a picture'), 'application/x-msdownload');
    assert.equal(exe.statusCode, 400, exe.body);
    assert.equal(metaErr(exe).code, 131053);
    const big = await upload(key, c.sim.phone_number_id, Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png');
    assert.equal(big.statusCode, 400, big.body);
    assert.equal(metaErr(big).code, 131053);
    const fake = await upload(key, c.sim.phone_number_id, Buffer.from('<html><script>alert(1)</script></html>'), 'image/jpeg');
    assert.equal(fake.statusCode, 400, fake.body);
    assert.equal(metaErr(fake).code, 131053);
    const noProduct = await upload(key, c.sim.phone_number_id, PNG, 'image/png', { messaging_product: '' });
    assert.equal(noProduct.statusCode, 400, noProduct.body);
    assert.equal(metaErr(noProduct).code, 131008);
    const media = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM wa_media WHERE tenant_id = $1', [c.tenantId]);
    assert.equal(media[0]!.n, 2, 'only the two good uploads of the tests above were recorded');
  });

  test('media scopes: a send-only key cannot upload or read media', async () => {
    const sendOnly = await s.apiKey(c.tenantId, ['messages:send']);
    const up = await upload(sendOnly, c.sim.phone_number_id, PNG, 'image/png');
    assert.equal(up.statusCode, 403, up.body);
    assert.equal(metaErr(up).code, 10);
  });
});
