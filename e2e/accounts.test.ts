import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, registerUser, uniquePerson } from '../server/src/test/harness.js';
import { packageRoot } from '../server/src/platform/paths.js';
import { browserRig, openFromMenu, signIn, signedInPage, watchErrors, type BrowserRig } from './browser.js';

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
  test('sandbox mail: the admin reads it in the Mail outbox, the customer verifies the email and resets the password by its links', async () => {
    const customer = await registerUser(rig.t.app, 'outbox');
    const adminPerson = await registerUser(rig.t.app, 'mailadmin');
    await rig.t.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [adminPerson.id]);
    const { page: admin, errors: adminErrors } = await signedInPage(rig, adminPerson);
    await openFromMenu(admin, 'Mail outbox', /\/admin\/mail$/);

    /** The link in the newest mail with `subject` to the customer, opened as the admin sees it. */
    const linkInOutbox = async (subject: string) => {
      const card = admin.locator('.mantine-Card-root').filter({ hasText: `To: ${customer.email}` }).filter({ hasText: subject }).first();
      await card.getByRole('button', { name: `Show message: ${subject}` }).click();
      const href = await card.getByRole('link', { name: /\?token=/ }).getAttribute('href');
      assert.ok(href?.startsWith(`${rig.baseUrl}/`), String(href));
      return href!;
    };

    const page = await rig.newPage();
    const errors = watchErrors(page);
    await page.goto(await linkInOutbox('Verify your email for Seva Kendra'));
    await page.getByText('Your email address is verified. Thank you!').waitFor();
    const [verified] = await rig.t.db.query<{ email_verified_at: Date | null }>('SELECT email_verified_at FROM users WHERE id = $1', [customer.id]);
    assert.ok(verified!.email_verified_at);

    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(customer.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('Check your email').waitFor();

    await admin.reload();
    await page.goto(await linkInOutbox('Reset your Seva Kendra password'));
    const newPassword = 'Reset-in-the-browser-42';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(/\/login$/);
    await signIn(page, { ...customer, password: newPassword });
    assert.deepEqual(errors, []);
    assert.deepEqual(adminErrors, []);
  });

  test('the account pages in Hindi: devices, preferences, profile and activity', async () => {
    const person = await registerUser(rig.t.app, 'hindi');
    const laptop = new Client(rig.t.app);
    laptop.ip = '198.51.100.210';
    laptop.userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    assert.equal((await laptop.login(person.email, person.password)).statusCode, 200);
    const { page, errors } = await signedInPage(rig, person);

    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByText('डैशबोर्ड').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'hi');

    await page.goto('/sessions');
    await page.getByRole('heading', { name: 'आप कहाँ-कहाँ साइन इन हैं' }).waitFor();
    await page.getByText('198.51.100.210').waitFor();
    await page.getByRole('button', { name: /^सत्र हटाएँ:/ }).click();
    await page.getByText('उस डिवाइस से साइन आउट कर दिया गया।').waitFor();
    assert.equal((await laptop.get('/api/me')).statusCode, 401, 'the laptop was signed out');

    await page.goto('/preferences');
    await page.getByRole('heading', { name: 'सूचना की पसंद' }).waitFor();
    await page.getByRole('switch', { name: 'ऑफ़र और समाचार: व्हाट्सऐप' }).check({ force: true });
    await page.getByRole('button', { name: 'पसंद सहेजें' }).click();
    await page.getByText('पसंद सहेज ली गई').waitFor();
    const [pref] = await rig.t.db.query<{ enabled: boolean }>(
      "SELECT enabled FROM communication_preferences WHERE user_id = $1 AND topic = 'marketing' AND channel = 'whatsapp'",
      [person.id],
    );
    assert.equal(pref!.enabled, true);

    await page.goto('/profile');
    await page.getByLabel('पूरा नाम').fill('सुनीता देवी');
    await page.getByRole('button', { name: 'बदलाव सहेजें' }).click();
    await page.getByText('प्रोफ़ाइल सहेज ली गई').waitFor();
    const [user] = await rig.t.db.query<{ name: string; language: string }>('SELECT name, language FROM users WHERE id = $1', [person.id]);
    assert.equal(user!.name, 'सुनीता देवी');

    await page.goto('/activity');
    await page.getByRole('heading', { name: 'मेरी गतिविधि' }).waitFor();
    for (const label of ['सत्र हटाया गया', 'सूचना की पसंद बदली']) await page.getByText(label).first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('an admin changes a role and suspends an account on the users page', async () => {
    const customer = await registerUser(rig.t.app, 'managed');
    const adminPerson = await registerUser(rig.t.app, 'useradmin');
    await rig.t.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [adminPerson.id]);
    const { page, errors } = await signedInPage(rig, adminPerson);
    await openFromMenu(page, 'Users', /\/admin\/users/);
    await page.getByLabel('Search users').fill(customer.email);

    await page.getByRole('button', { name: `Actions for ${customer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Change role' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Operator').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`${customer.name} was updated.`).first().waitFor();
    const role = async () => (await rig.t.db.query<{ role: string; status: string }>('SELECT role, status FROM users WHERE id = $1', [customer.id]))[0]!;
    assert.equal((await role()).role, 'operator');

    await page.getByRole('button', { name: `Actions for ${customer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('row', { name: new RegExp(customer.email) }).getByText('Suspended').waitFor();
    assert.deepEqual({ ...(await role()) }, { role: 'operator', status: 'suspended' });
    assert.deepEqual(errors, []);
  });

  test('the API description is readable at /docs under the same content security policy', async () => {
    const page = await rig.newPage();
    const errors = watchErrors(page);
    const res = await page.goto('/docs');
    assert.match(String(res?.headers()['content-security-policy']), /default-src 'self'/);
    // Swagger UI is a large script: on a busy machine it takes a while to draw.
    await page.getByRole('heading', { name: /Seva Kendra API/ }).waitFor({ timeout: 60_000 });
    await page.getByText('/api/auth/register', { exact: true }).first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('every English text of the web app has its Hindi translation', () => {
    const read = (lang: string) => JSON.parse(readFileSync(path.join(packageRoot, 'web', 'src', 'i18n', `${lang}.json`), 'utf8')) as object;
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const en = keys(read('en')).sort();
    const hi = keys(read('hi')).sort();
    assert.deepEqual(en.filter((k) => !hi.includes(k)), [], 'missing in hi.json');
    assert.deepEqual(hi.filter((k) => !en.includes(k)), [], 'only in hi.json');
  });
});
