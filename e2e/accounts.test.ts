import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { uniquePerson } from '../server/src/test/harness.js';
import { browserRig, watchErrors, type BrowserRig } from './browser.js';

describe('accounts in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer registers, signs in and signs out on a phone-sized screen', async () => {
    const person = uniquePerson('browser');
    const page = await rig.newPage();
    const errors = watchErrors(page);

    await page.goto('/register');
    await page.getByLabel(/name/i).first().fill(person.name);
    await page.getByLabel('Mobile number').fill(person.mobile);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(/check your email/i).waitFor();

    const users = await rig.t.db.query<{ email: string; mobile: string }>('SELECT email, mobile FROM users WHERE email = $1', [person.email]);
    assert.equal(users.length, 1);
    assert.equal(users[0]!.mobile, `+91${person.mobile}`);

    await page.goto('/login');
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(person.name).first().waitFor();
    assert.equal(new URL(page.url()).pathname, '/');

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'sk_session');
    assert.ok(session?.httpOnly, 'HttpOnly session cookie');
    assert.deepEqual(cookies.map((c) => c.name).sort(), ['sk_session'], 'only the essential session cookie');

    // Sign out may sit in the collapsed mobile menu.
    const signOut = page.getByRole('button', { name: 'Sign out' });
    if (!(await signOut.isVisible())) await page.getByRole('button', { name: /menu|navigation/i }).first().click();
    await signOut.click();
    await page.waitForURL(/\/login/);
    const me = await page.request.get('/api/me');
    assert.equal(me.status(), 401);
    assert.deepEqual(errors, []);
  });
});
