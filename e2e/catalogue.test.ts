import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { registerUser } from '../server/src/test/harness.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';



/** The texts of the cells of each row of a table. */
async function rowsOf(page: Page, table: string): Promise<string[][]> {
  const rows = page.getByRole('table', { name: table }).getByRole('row');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    out.push((await rows.nth(i).getByRole('cell').allInnerTexts()).map((s) => s.trim()));
  }
  return out;
}

describe('service catalogue in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer searches in Hindi, opens the PAN card service and sees its fees, documents and form', async () => {
    const person = await registerUser(rig.t.app, 'catalogue');
    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, person);

    // Services is in the navigation, behind the menu button on a phone.
    const menu = page.getByRole('button', { name: 'Toggle navigation' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('link', { name: 'Services', exact: true }).click();
    await page.waitForURL(/\/services$/);
    await page.getByRole('link', { name: 'Income certificate' }).waitFor();

    await page.getByLabel('Search services').fill('पैन');
    await page.getByText('2 services', { exact: true }).waitFor();
    const card = page.getByRole('link', { name: 'PAN card – new application' });
    await card.getByText('₹166.00').waitFor();
    await card.getByText('KYC needed').waitFor();
    await card.getByText('15 working days').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Income certificate' }).count(), 0);
    await page.screenshot({ path: '/tmp/catalogue-search.png', fullPage: true });

    await card.click();
    await page.waitForURL(/\/services\/pan-card-new$/);
    await page.getByRole('heading', { name: 'PAN card – new application' }).waitFor();
    assert.deepEqual(await rowsOf(page, 'Fees'), [
      ['Service fee', '₹50.00'],
      ['GST on the service fee (18%)', '₹9.00'],
      ['Government fee', '₹107.00'],
      [],
    ]);
    await page.getByRole('table', { name: 'Fees' }).getByText('₹166.00').waitFor();
    await page.getByRole('list', { name: 'Documents to keep ready' }).getByText('Passport-size photo').waitFor();
    await page.getByRole('list', { name: 'The form asks for' }).getByText('Date of birth').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Apply' }).isEnabled(), true, 'customers apply from here (e2e/applications.test.ts)');
    await page.screenshot({ path: '/tmp/catalogue-detail.png', fullPage: true });

    // The same page in Hindi.
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('heading', { name: 'पैन कार्ड – नया आवेदन' }).waitFor();
    await page.getByText('सेवा शुल्क पर जीएसटी', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/catalogue-detail-hi.png', fullPage: true });
    assert.deepEqual(errors, []);
  });

  test('an admin creates a service with a small form; a customer finds it with its fees', async () => {
    const adminPerson = await registerUser(rig.t.app, 'catadmin');
    await rig.t.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [adminPerson.id]);
    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, adminPerson);

    await page.goto('/admin/services');
    await page.getByRole('link', { name: 'New service' }).click();
    await page.waitForURL(/\/admin\/services\/new$/);
    await page.getByLabel('Name (English)').fill('Birth certificate');
    await page.getByLabel('Name (हिन्दी)').fill('जन्म प्रमाण पत्र');
    assert.equal(await page.getByLabel('Slug').inputValue(), 'birth-certificate', 'the slug follows the English name');
    await page.getByRole('textbox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Certificates' }).click();
    await page.getByLabel('Service fee').fill('40');
    await page.getByLabel('Government fee').fill('20');
    await page.getByText('Customer pays ₹67.20', { exact: false }).waitFor();

    // Two fields: the child's name (with a pattern) and the date of birth (not in the future).
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('menuitem', { name: 'Text' }).click();
    const first = page.getByRole('region', { name: 'Field 1' });
    await first.getByLabel('Label (English)').fill('Child name');
    await first.getByLabel('Label (हिन्दी)').fill('बच्चे का नाम');
    assert.equal(await first.getByLabel('Key').inputValue(), 'child_name');
    await first.getByLabel('Pattern (optional)').fill('(a+)+');

    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('menuitem', { name: 'Date' }).click();
    const second = page.getByRole('region', { name: 'Field 2' });
    await second.getByLabel('Label (English)').fill('Date of birth');
    await second.getByLabel('Label (हिन्दी)').fill('जन्म तिथि');
    await second.getByLabel('Latest date').fill('today');

    // The server refuses the unsafe pattern and says so next to it.
    await page.getByRole('button', { name: 'Create service' }).click();
    await first.getByText('This pattern could make the server slow', { exact: false }).waitFor();
    await page.getByText('There is 1 problem to fix', { exact: false }).waitFor();
    await first.getByLabel('Pattern (optional)').fill("[\\p{L} .'-]+");
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL(/\/admin\/services\/[0-9a-f-]{36}$/);
    await page.getByText('Birth certificate was created.').waitFor();
    await page.getByRole('table', { name: 'Form versions' }).getByText('Current').waitFor();
    await page.screenshot({ path: '/tmp/catalogue-editor.png', fullPage: true });

    const [row] = await rig.t.db.query<{ id: string; fields: number }>(
      "SELECT s.id, jsonb_array_length(v.definition -> 'fields')::int AS fields FROM services s JOIN service_form_versions v ON v.service_id = s.id WHERE s.slug = 'birth-certificate'",
    );
    assert.equal(row?.fields, 2);
    const log = await rig.t.db.query<{ actor_id: string }>("SELECT actor_id FROM activity_log WHERE action = 'service.created' AND object_id = $1", [row!.id]);
    assert.deepEqual(log.map((l) => l.actor_id), [adminPerson.id]);

    // A customer finds it in Hindi and sees what it costs and asks.
    const customer = await registerUser(rig.t.app, 'catcustomer');
    const customerPage = await rig.newPage();
    const customerErrors = watchErrors(customerPage);
    await signIn(customerPage, customer);
    await customerPage.goto('/services');
    await customerPage.getByLabel('Search services').fill('जन्म प्रमाण');
    const card = customerPage.getByRole('link', { name: 'Birth certificate' });
    await card.getByText('₹67.20').waitFor();
    await card.click();
    await customerPage.waitForURL(/\/services\/birth-certificate$/);
    await customerPage.getByRole('table', { name: 'Fees' }).getByText('₹67.20').waitFor();
    const fields = customerPage.getByRole('list', { name: 'The form asks for' });
    await fields.getByText('Child name').waitFor();
    await fields.getByText('A date until today').waitFor();

    assert.deepEqual(errors, []);
    assert.deepEqual(customerErrors, []);
  });
});
