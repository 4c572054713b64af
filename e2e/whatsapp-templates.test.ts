import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser } from '../server/src/test/harness.js';
import { keyringFromConfig } from '../server/src/platform/storage/index.js';
import { sealNumberSecret } from '../server/src/modules/whatsapp/numbers/numbers.repo.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

/** The template manager in a phone-sized browser, against the Cloud API simulator. */
describe('WhatsApp message templates in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  /** A simulator number connected to the person, stored the way the numbers module stores one. */
  async function connectSimulatorNumber(tenantId: string) {
    const res = await rig.t.app.inject({ method: 'POST', url: '/sandbox/graph/_sim/numbers', payload: { verified_name: 'Seva Test Shop' } });
    assert.equal(res.statusCode, 201, res.body);
    const n = res.json() as { phone_number_id: string; waba_id: string; display_phone_number: string; access_token: string };
    const id = randomUUID();
    await rig.t.db.query(
      `INSERT INTO wa_numbers (id, tenant_id, label, waba_id, phone_number_id, access_token_enc, display_phone_number, verified_name)
       VALUES ($1, $2, 'Shop', $3, $4, $5, $6, 'Seva Test Shop')`,
      [id, tenantId, n.waba_id, n.phone_number_id, sealNumberSecret(keyringFromConfig(rig.t.config), id, 'access_token', n.access_token), n.display_phone_number],
    );
    return n;
  }

  test('create a template with a live preview, see it in review, approved by Meta after a sync, in Hindi too, then delete it', async () => {
    const person = await registerUser(rig.t.app, 'templates');
    await connectSimulatorNumber(person.id);
    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, person);

    const menu = page.getByRole('button', { name: 'Toggle navigation' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('link', { name: 'Message templates', exact: true }).click();
    await page.waitForURL(/\/whatsapp\/templates$/);
    await page.getByText('No templates match', { exact: false }).waitFor();

    await page.getByRole('link', { name: 'New template' }).click();
    await page.waitForURL(/\/whatsapp\/templates\/new$/);
    await page.getByLabel('Template name').fill('Order Ready');
    assert.equal(await page.getByLabel('Template name').inputValue(), 'order_ready', 'typed names take Meta’s form');
    await page.getByLabel('Message text').fill('Hi {{1}}, your order {{2}} is ready for pickup.');
    // Meta's rules, live: samples are missing.
    await page.getByText('Meta would refuse this template', { exact: false }).waitFor();
    await page.getByLabel('Sample for {{1}}').fill('Asha');
    await page.getByLabel('Sample for {{2}}').fill('A-1001');
    await page.getByLabel('Footer (optional)').fill('Seva Kendra');
    await page.getByRole('button', { name: 'Add button' }).click();
    await page.getByRole('menuitem', { name: 'Quick reply' }).click();
    await page.getByLabel('Button text').fill('Thanks');

    const bubble = page.getByRole('figure', { name: 'Preview' });
    await bubble.getByText('Hi Asha, your order A-1001 is ready for pickup.').waitFor();
    await bubble.getByText('Seva Kendra').waitFor();
    await bubble.getByText('Thanks').waitFor();
    await page.getByText('Meta\'s rules are met. Ready to submit for review.').waitFor();
    await page.screenshot({ path: '/tmp/templates-new.png', fullPage: true });

    await page.getByRole('button', { name: 'Submit to Meta for review' }).click();
    await page.waitForURL(/\/whatsapp\/templates\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'order_ready' }).waitFor();
    await page.getByText('In review', { exact: true }).first().waitFor();
    await page.getByText('Submitted to Meta').waitFor();

    // Meta approves it (the simulator's admin API); the sync brings the news.
    const [row] = await rig.t.db.query<{ meta_template_id: string }>("SELECT meta_template_id FROM wa_templates WHERE tenant_id = $1 AND name = 'order_ready'", [person.id]);
    const approve = await rig.t.app.inject({ method: 'PATCH', url: `/sandbox/graph/_sim/templates/${row!.meta_template_id}`, payload: { status: 'APPROVED' } });
    assert.equal(approve.statusCode, 200, approve.body);

    await page.getByRole('link', { name: 'All templates' }).click();
    await page.waitForURL(/\/whatsapp\/templates$/);
    const card = page.getByRole('link', { name: 'order_ready (en)' });
    await card.getByText('In review').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Synced with Meta: 1 new, 1 changed, 0 removed.').waitFor();
    await card.getByText('Approved').waitFor();
    await page.screenshot({ path: '/tmp/templates-list.png', fullPage: true });

    await card.click();
    await page.getByText('Approved', { exact: true }).first().waitFor();
    // The history says where the news came from.
    await page.getByText('sync with Meta', { exact: false }).waitFor();

    // The same page in Hindi.
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByText('स्वीकृत', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'हटाएँ' }).waitFor();
    await page.screenshot({ path: '/tmp/templates-detail-hi.png', fullPage: true });
    await page.getByText('EN', { exact: true }).click();

    // Delete, after confirming.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByText('is deleted at Meta', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Delete template' }).click();
    await page.waitForURL(/\/whatsapp\/templates$/);
    await page.getByText('order_ready was deleted.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'order_ready (en)' }).count(), 0);
    const [gone] = await rig.t.db.query<{ status: string }>("SELECT status FROM wa_templates WHERE tenant_id = $1 AND name = 'order_ready'", [person.id]);
    assert.equal(gone!.status, 'DELETED');
    assert.deepEqual(errors, []);
  });
});
