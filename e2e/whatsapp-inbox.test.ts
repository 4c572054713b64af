import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiKeyFor, deliverSimulatorWebhooks, settleSimulator } from '../server/src/test/whatsapp.js';
import { browserRig, openFromMenu, signedInPage, type BrowserRig } from './browser.js';
import { businessWithSimulatorNumber, phoneMessages, sendFromPhone, startPhoneChat } from './whatsapp.js';

/**
 * The receiving side in a phone-sized browser, against the Cloud API simulator: a person writes in
 * through "be the phone", the business answers with reply buttons, the person taps one, and every
 * message is in the log with its timeline; the person becomes a contact whose consent is recorded.
 * Webhooks are jobs here, worked by the test as a worker would.
 */
describe('WhatsApp inbox in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('"be the phone" replies arrive as webhooks; the log shows them with their timeline; consent is recorded', async () => {
    const { person, number } = await businessWithSimulatorNumber(rig, 'inbox');
    const key = await apiKeyFor(rig.t, person.id, ['messages:send']);
    const { page, errors } = await signedInPage(rig, person);

    // The person writes first, through the simulated phone.
    await startPhoneChat(page, { number: '98765 43210', name: 'Asha' });
    await sendFromPhone(page, 'Namaste, is the shop open today?');
    await deliverSimulatorWebhooks(rig.t);

    // The business answers with two reply buttons (through its API, inside the window just opened).
    const sent = await rig.t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${key}` },
      payload: {
        from: number.id,
        to: '919876543210',
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'Yes, till 8 pm. Shall we keep your order ready?' }, action: { buttons: [{ type: 'reply', reply: { id: 'ready-yes', title: 'Yes please' } }, { type: 'reply', reply: { id: 'ready-no', title: 'No' } }] } },
      },
    });
    assert.equal(sent.statusCode, 200, sent.body);
    await settleSimulator(rig.t);

    // The phone shows it (the chat refreshes by itself); the person taps a button.
    const chat = phoneMessages(page);
    await chat.getByText('Shall we keep your order ready?', { exact: false }).waitFor();
    await chat.getByRole('button', { name: 'Yes please' }).click();
    await chat.getByLabel('Sent by the person').getByText('Yes please', { exact: true }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-phone.png', fullPage: true });
    await deliverSimulatorWebhooks(rig.t);

    // The message log: both directions, newest first.
    await openFromMenu(page, 'Message log', /\/whatsapp\/messages$/);
    const tap = page.getByRole('link', { name: /Open the message with Asha/ }).filter({ hasText: 'Yes please' });
    await tap.waitFor();
    await page.getByRole('link').filter({ hasText: 'Namaste, is the shop open today?' }).waitFor();
    const answer = page.getByRole('link').filter({ hasText: 'Shall we keep your order ready?' });
    await answer.getByText('Read', { exact: true }).waitFor();

    // Filters narrow it down.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByLabel('Text contains').fill('order ready');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Filters (1)' }).waitFor();
    await page.getByRole('link').filter({ hasText: 'Namaste' }).waitFor({ state: 'detached' });
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    assert.equal(csv, '/api/whatsapp/messages.csv?q=order+ready');

    // The answer's timeline: WhatsApp's reports, each with the webhook that carried it.
    await answer.click();
    await page.waitForURL(/\/whatsapp\/messages\/[0-9a-f-]{36}$/);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    for (const status of ['Accepted', 'Sent', 'Delivered', 'Read']) await timeline.getByText(status, { exact: true }).waitFor();
    await timeline.getByRole('button', { name: 'Show WhatsApp’s webhook' }).first().click();
    await timeline.getByText('"status": "sent"', { exact: false }).waitFor();
    await page.getByText('Open until', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-message.png', fullPage: true });

    // The person is a contact now, with their WhatsApp name; the business records their opt-in.
    await openFromMenu(page, 'Contacts', /\/whatsapp\/contacts$/);
    await page.getByRole('link', { name: 'Open Asha' }).click();
    const consent = page.getByRole('region', { name: 'Consent', exact: true });
    await consent.getByText('No opt-in', { exact: true }).waitFor();
    await consent.getByRole('button', { name: 'Record opt-in' }).click();
    await consent.getByRole('button', { name: 'Save opt-in' }).click();
    await consent.getByText('An opt-in needs its evidence', { exact: false }).first().waitFor();
    await consent.getByLabel('Evidence').fill('Asked at the counter to get order updates from Sharma Stores on WhatsApp; signed the register.');
    await consent.getByRole('textbox', { name: 'How', exact: true }).fill('shop counter');
    await consent.getByRole('button', { name: 'Save opt-in' }).click();
    await consent.getByText('Opted in', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Consent history' }).getByText('Web app · shop counter', { exact: false }).waitFor();

    // STOP from the phone opts the person out.
    await openFromMenu(page, 'Be the phone', /\/whatsapp\/phone$/);
    await page.getByRole('button', { name: /Asha/ }).first().click();
    await sendFromPhone(page, 'STOP');
    await deliverSimulatorWebhooks(rig.t);
    await openFromMenu(page, 'Contacts', /\/whatsapp\/contacts$/);
    await page.getByRole('link', { name: 'Open Asha' }).getByText('Opted out').waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-contacts.png', fullPage: true });

    // The log in Hindi.
    await openFromMenu(page, 'Message log', /\/whatsapp\/messages$/);
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('heading', { name: 'संदेश लॉग' }).waitFor();
    await page.getByRole('link', { name: 'CSV डाउनलोड करें' }).waitFor();
    await page.screenshot({ path: '/tmp/whatsapp-log-hi.png', fullPage: true });
    await page.getByText('EN', { exact: true }).click();
    assert.deepEqual(errors, []);
  });
});
