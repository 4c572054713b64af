import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { registerUser } from '../server/src/test/harness.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

/** Opens a page of the navigation (behind the menu button on a phone). */
async function openNav(page: Page, name: string, url: RegExp): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL(url);
}

describe('WhatsApp numbers and API keys in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer connects a simulator number, creates a key that is shown once, uses it, and revokes it', async () => {
    const person = await registerUser(rig.t.app, 'wa');
    const page = await rig.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const errors = watchErrors(page);
    await signIn(page, person);

    // Numbers: one click connects a number of the built-in simulator, checked like a real one.
    await openNav(page, 'Numbers', /\/whatsapp\/numbers$/);
    await page.getByText('No number is connected yet.').waitFor();
    await page.getByRole('button', { name: 'Connect a simulator test number' }).click();
    const card = page.getByRole('article', { name: 'Simulator test number' });
    await card.waitFor();
    await card.getByText('Connected', { exact: true }).waitFor();
    await card.getByText('High', { exact: true }).waitFor();
    await card.getByText('250 people a day').waitFor();
    await card.getByText('Standard · 80 messages/s').waitFor();
    await card.getByRole('button', { name: 'Check Simulator test number again' }).click();
    await page.getByText('Checked with Meta: all well.').waitFor();

    // API keys: created for that number only; the key is shown once, with a copy button.
    await openNav(page, 'API keys', /\/whatsapp\/keys$/);
    await page.getByText('You have no active key.').waitFor();
    await page.getByRole('button', { name: 'Create a key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('Shop billing');
    await dialog.getByLabel('Only these numbers').check();
    await dialog.getByLabel('Simulator test number').check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: 'Your new key: Shop billing' });
    await shown.waitFor();
    const secret = (await shown.getByTestId('api-key-secret').innerText()).trim();
    assert.match(secret, /^sk_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    await shown.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    // (A string, so the server's type-check needs no DOM types: it runs in the page.)
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret);

    // The key works against the platform's API, for the one number it was given.
    const me = await page.request.get('/v1/me', { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status(), 200, await me.text());
    const body = (await me.json()) as { key: { name: string }; allNumbers: boolean; numbers: { phoneNumberId: string }[] };
    assert.equal(body.key.name, 'Shop billing');
    assert.equal(body.allNumbers, false);
    assert.equal(body.numbers.length, 1);

    // Once closed, the key is gone from the page, also after a reload: only its prefix is listed.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'hidden' });
    const keyCard = page.getByRole('article', { name: 'Shop billing' });
    await keyCard.getByText(`${secret.slice(0, 16)}…`).waitFor();
    assert.ok(!(await page.content()).includes(secret.slice(16)));
    await page.reload();
    await keyCard.getByText('Active', { exact: true }).waitFor();
    await keyCard.getByText('Only: Simulator test number').waitFor();
    await keyCard.getByText(/^Last used /).waitFor();
    assert.ok(!(await page.content()).includes(secret.slice(16)));

    // Revoking asks first, then works at once.
    await keyCard.getByRole('button', { name: 'Revoke Shop billing' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke Shop billing?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await keyCard.getByText('Revoked', { exact: true }).waitFor();
    const refused = await page.request.get('/v1/me', { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(refused.status(), 401);

    // Disconnecting the number asks too, and moves it to the disconnected list.
    await openNav(page, 'Numbers', /\/whatsapp\/numbers$/);
    await card.getByRole('button', { name: 'Disconnect Simulator test number' }).click();
    await page.getByRole('dialog', { name: 'Disconnect Simulator test number?' }).getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('Disconnected numbers').waitFor();
    await card.getByText('Disconnected', { exact: true }).waitFor();

    assert.deepEqual(errors, []);
  });
});
