import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, signedInClient } from '../server/src/test/harness.js';
import { browserRig, openFromMenu, signedInPage, type BrowserRig } from './browser.js';

describe('account closure in a real browser', () => {
  let rig: BrowserRig;
  let admin: Awaited<ReturnType<typeof signedInClient>>;
  before(async () => {
    rig = await browserRig();
    admin = await signedInClient(rig.t, 'admin');
  });
  after(() => rig.close());

  const account = async (id: string) =>
    (await rig.t.db.query<{ status: string; closed_at: Date | null }>('SELECT status, closed_at FROM users WHERE id = $1', [id]))[0]!;
  const adjust = async (userId: string, amount: number) => {
    const res = await admin.client.post(`/api/admin/wallets/${userId}/adjustments`, {
      amount,
      reason: amount > 0 ? 'cash deposit at the counter' : 'refunded in cash at the counter',
    });
    assert.equal(res.statusCode, 201, res.body);
  };

  test('a customer closes their own account from the profile page and cannot sign in again', async () => {
    const customer = await registerUser(rig.t.app, 'closer');
    await adjust(customer.id, 25_000);
    const { page, errors } = await signedInPage(rig, customer);

    await openFromMenu(page, 'Profile', /\/profile$/);
    await page.getByRole('heading', { name: 'Close account' }).waitFor();
    await page.getByText('Your KYC documents are kept for the period the law requires').waitFor();
    await page.getByRole('button', { name: 'Close my account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close your account?' });
    await dialog.getByLabel('Password').fill(customer.password);
    await dialog.getByRole('button', { name: 'Close account for good' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The wallet still holds ₹250.00' }).waitFor();
    await dialog.getByRole('link', { name: 'Contact support' }).waitFor();
    assert.equal((await account(customer.id)).status, 'active', 'money in the wallet stops the closure');

    await adjust(customer.id, -25_000);
    await dialog.getByLabel('Password').fill('not-my-password');
    await dialog.getByRole('button', { name: 'Close account for good' }).click();
    await dialog.getByText('Your password is not correct.').waitFor();
    assert.equal((await account(customer.id)).status, 'active', 'a wrong password closes nothing');

    await dialog.getByLabel('Password').fill(customer.password);
    await dialog.getByRole('button', { name: 'Close account for good' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByText('Your account is closed and you have been signed out.').waitFor();
    const closed = await account(customer.id);
    assert.equal(closed.status, 'closed');
    assert.ok(closed.closed_at);
    assert.equal((await page.request.get('/api/me')).status(), 401, 'the browser session ended');

    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This account has been closed.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal((await page.request.get('/api/me')).status(), 401);
    assert.deepEqual(errors, []);
  });

  test('an admin closes another account with a reason from the users page', async () => {
    const customer = await registerUser(rig.t.app, 'counter');
    await adjust(customer.id, 10_000);
    const { page, errors } = await signedInPage(rig, admin.person);
    await openFromMenu(page, 'Users', /\/admin\/users/);
    await page.getByLabel('Search users').fill(customer.email);
    const row = page.getByRole('row', { name: new RegExp(customer.email) });

    await page.getByRole('button', { name: `Actions for ${customer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Close account' }).click();
    const dialog = page.getByRole('dialog', { name: `Close the account of ${customer.name}?` });
    await dialog.getByRole('button', { name: 'Close account' }).click();
    await dialog.getByText('Give a reason of at least 5 characters.').waitFor();

    const reason = 'Asked at the counter to close the account';
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Close account' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The wallet still holds ₹100.00' }).waitFor();
    assert.equal((await account(customer.id)).status, 'active');

    await adjust(customer.id, -10_000);
    await dialog.getByRole('button', { name: 'Close account' }).click();
    await page.getByText(`The account of ${customer.name} was closed.`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Closed').waitFor();
    assert.equal((await account(customer.id)).status, 'closed');
    const [logged] = await rig.t.db.query<{ actor_id: string; details: { by: string; reason: string } }>(
      "SELECT actor_id, details FROM activity_log WHERE subject_user_id = $1 AND action = 'account.closed'",
      [customer.id],
    );
    assert.equal(logged!.actor_id, admin.person.id);
    assert.equal(logged!.details.by, 'admin');
    assert.equal(logged!.details.reason, reason);

    // A closed account is final: the menu offers no status change for it any more.
    await page.getByRole('button', { name: `Actions for ${customer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Change role' }).waitFor();
    assert.equal(await page.getByRole('menuitem', { name: 'Close account' }).count(), 0);
    assert.equal(await page.getByRole('menuitem', { name: 'Suspend' }).count(), 0);
    assert.deepEqual(errors, []);
  });
});
