import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser } from '../server/src/test/harness.js';
import { EXAMPLE_TEMPLATES } from '../server/src/test/meta.js';
import { sendKit } from '../server/src/modules/whatsapp/messages/test-fixtures.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

/** "Send a test message" in a phone-sized browser, against the Cloud API simulator. */
describe('WhatsApp test send in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer sends a text and a template from their number, sees WhatsApp’s answer, and reads the page in Hindi', async () => {
    const s = sendKit(rig.t, { take: () => [] });
    const person = await registerUser(rig.t.app, 'sender');
    await s.fund(person.id, 10_000);
    const c = await s.connect(person.id);
    await s.kit.template(c.sim, EXAMPLE_TEMPLATES[2]!);
    await s.openWindow(c, '919812345678');
    await s.optIn(person.id, '919812345678');

    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, person);
    const menu = page.getByRole('button', { name: 'Toggle navigation' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('link', { name: 'Send a test message', exact: true }).click();
    await page.waitForURL(/\/whatsapp\/send$/);

    // A text inside the 24-hour window the person opened.
    await page.getByRole('textbox', { name: /^To\b/ }).fill('+91 98123 45678');
    await page.getByRole('textbox', { name: 'Message' }).fill('Namaste! Your documents are ready.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const accepted = page.getByRole('status').filter({ hasText: 'WhatsApp accepted the message' });
    await accepted.waitFor();
    await accepted.getByText(/^wamid\./).waitFor();
    await accepted.getByText('₹0.14 reserved', { exact: false }).waitFor();
    await accepted.getByRole('button').click();

    // An approved template with its two values.
    await page.getByText('Template', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Template' }).click();
    await page.getByRole('option', { name: '2023_april_promo (en_US)' }).click();
    await page.getByText('our Fall Sale is on!', { exact: false }).waitFor();
    await page.getByLabel('Value for 1').fill('Asha');
    await page.getByLabel('Value for 2').fill('DIWALI25');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'WhatsApp accepted the message' }).getByText('marketing rate', { exact: false }).waitFor();

    const chat = await s.kit.sim('GET', `/numbers/${c.sim.phone_number_id}/conversations/919812345678`);
    const received = (chat.json() as { data: { direction: string; type: string }[] }).data.filter((m) => m.direction === 'outbound').map((m) => m.type);
    assert.deepEqual(received, ['text', 'template']);

    // WhatsApp's refusal is shown as WhatsApp said it: no message from this person in 24 hours.
    await page.getByText('Text', { exact: true }).click();
    await page.getByRole('textbox', { name: /^To\b/ }).fill('+91 90000 00001');
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('alert').getByText('24 hours', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-send.png', fullPage: true });

    // The same page in Hindi.
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('heading', { name: 'परीक्षण संदेश भेजें' }).waitFor();
    await page.getByRole('button', { name: 'भेजें', exact: true }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-send-hi.png', fullPage: true });
    await page.getByText('EN', { exact: true }).click();
    assert.deepEqual(errors, []);
  });
});
