import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { registerUser } from '../server/src/test/harness.js';
import { startReceiver, type Receiver } from '../server/src/modules/whatsapp/webhooks-out/test-receiver.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

async function openNav(page: Page, name: string, url: RegExp): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL(url);
}

describe('customer webhooks in a real browser', () => {
  let rig: BrowserRig;
  let rx: Receiver;
  before(async () => {
    // The receiver runs on this machine, which only the allow-list lets webhooks reach.
    rig = await browserRig({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    rx = await startReceiver(() => ({ status: 200, body: 'got it' }));
  });
  after(async () => {
    await rx.close();
    await rig.close();
  });

  test('a customer adds an endpoint, keeps its secret, sends a test event and reads the delivery log', async () => {
    const person = await registerUser(rig.t.app, 'hooks');
    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, person);

    await openNav(page, 'Webhooks', /\/whatsapp\/webhooks$/);
    await page.getByText('No endpoints yet. Add one to receive events.').waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await dialog.getByLabel('Endpoint URL').fill('http://10.0.0.7/hook');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    // A private address is refused by the server, next to the field.
    await dialog.getByText(/10\.0\.0\.7.*private address/).waitFor();
    await dialog.getByLabel('Endpoint URL').fill(`${rx.url}/hook`);
    await dialog.getByLabel('Description').fill('Order system');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();

    const shown = page.getByRole('dialog', { name: 'Endpoint added: its signing secret' });
    await shown.waitFor();
    const secret = (await shown.getByTestId('webhook-secret').innerText()).trim();
    assert.match(secret, /^whsec_/);
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/whatsapp\/webhooks\/[0-9a-f-]{36}$/);
    await page.getByText('Order system').waitFor();

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText('Test event queued. It appears in the log below.').waitFor();
    assert.equal(await rig.t.platform.services.webhooksOut.dispatcher.runDue(), 1);
    const ping = rx.received[0]!;
    const verified = new Webhook(secret).verify(ping.body, ping.headers as Record<string, string>) as { type: string };
    assert.equal(verified.type, 'ping');

    await page.getByRole('button', { name: 'Refresh' }).click();
    const delivery = page.getByTestId('webhook-delivery').first();
    await delivery.getByText('Delivered').waitFor();
    await delivery.getByText(/Test event · Test/).click();
    await delivery.getByText('got it').waitFor();
    await delivery.getByRole('button', { name: 'Send again' }).click();
    await page.getByText('Queued to send again.').waitFor();
    await rig.t.platform.services.webhooksOut.dispatcher.runDue();
    assert.equal(rx.received[1]!.headers['webhook-id'], ping.headers['webhook-id']);

    // Disabling stops deliveries; the badge says so.
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Endpoint disabled. Events wait until you enable it.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send test event' }).isDisabled(), true);
    assert.deepEqual(errors, []);
  });
});
