import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { registerUser, signedInClient } from '../server/src/test/harness.js';
import { makePdf, makePng } from '../server/src/test/files.js';
import { FEES, testServiceBody } from '../server/src/test/applications-kit.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

async function openNav(page: Page, name: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name, exact: true }).click();
}

async function chooseFile(page: Page, button: RegExp | string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button }).click();
  await (await chooser).setFiles(file);
}

describe('service applications in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('browse → apply with a document → pay from the wallet → an operator completes with a result → the customer downloads it', async () => {
    // A service with a form of several field types and two documents, made by an admin.
    const admin = await signedInClient(rig.t, 'admin');
    const [category] = await rig.t.db.query<{ id: string }>("SELECT id FROM service_categories WHERE slug = 'certificates'");
    const body = testServiceBody(category!.id, { name: { en: 'Residence certificate (test)', hi: 'निवास प्रमाण पत्र (परीक्षण)' } });
    const created = await admin.client.post('/api/admin/services', body);
    assert.equal(created.statusCode, 201, created.body);

    const customer = await registerUser(rig.t.app, 'applicant');
    const operator = await registerUser(rig.t.app, 'counter');
    await rig.t.db.query("UPDATE users SET role = 'operator' WHERE id = $1", [operator.id]);
    // The customer's wallet has ₹500 (a top-up is tested in e2e/wallet.test.ts).
    await rig.t.platform.services.wallet.adjust(
      { type: 'user', userId: admin.person.id, role: 'admin', sessionId: 'e2e' },
      { userId: customer.id, amount: 50_000, reason: 'Wallet top-up for the test' },
      { ip: null, userAgent: null, requestId: null },
    );

    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, customer);
    await openNav(page, 'Services');
    await page.getByLabel('Search services').fill('residence');
    await page.getByRole('link', { name: 'Residence certificate (test)' }).click();
    await page.waitForURL(/\/services\/apply-test-/);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    const applicationId = page.url().split('/').pop()!;

    // Fill the form, saving a draft half way.
    await page.getByRole('textbox', { name: 'Full name', exact: true }).fill('Asha Verma');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    await page.reload();
    assert.equal(await page.getByRole('textbox', { name: 'Full name', exact: true }).inputValue(), 'Asha Verma', 'the draft resumes');
    await page.getByRole('textbox', { name: 'Age', exact: true }).fill('34');
    await page.getByRole('combobox', { name: 'Gender', exact: true }).selectOption('female');
    await page.getByLabel('I declare').check();
    // A missing document is named by the server.
    await page.getByRole('button', { name: 'Submit and pay from wallet' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit' }).click();
    await page.getByTestId('document-address_proof').getByRole('alert').waitFor();
    await chooseFile(page, 'Choose file: Photo', { name: 'photo.png', mimeType: 'image/png', buffer: makePng({ width: 24, height: 24 }) });
    await page.getByTestId('document-photo').getByText('Uploaded').waitFor();
    await chooseFile(page, 'Choose file: Address proof', { name: 'proof.pdf', mimeType: 'application/pdf', buffer: makePdf({ text: 'Electricity bill' }) });
    await page.getByTestId('document-address_proof').getByText('Uploaded').waitFor();
    await page.getByTestId('fees-total').getByText('₹159.00').waitFor();
    await page.screenshot({ path: '/tmp/application-draft.png', fullPage: true });

    await page.getByRole('button', { name: 'Submit and pay from wallet' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('₹159.00 will be held in your wallet').waitFor();
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/Submitted\. Your acknowledgement number is SK-\d{4}-\d{6}/).waitFor();
    const ackNumber = (await page.getByTestId('ack-number').innerText()).trim();
    assert.match(ackNumber, /^SK-\d{4}-\d{6}$/);
    const [held] = await rig.t.db.query<{ balance: number }>("SELECT balance FROM ledger_accounts WHERE owner_user_id = $1 AND kind = 'customer_holds'", [customer.id]);
    assert.equal(held!.balance, FEES.total);
    await page.getByRole('link', { name: 'Download acknowledgement' }).waitFor();

    // The operator works the queue in another browser.
    const staff = await rig.newPage();
    const staffErrors = watchErrors(staff);
    await signIn(staff, operator);
    await openNav(staff, 'Work queue');
    await staff.waitForURL(/\/admin\/applications$/);
    await staff.getByRole('link', { name: `Open: ${ackNumber}` }).click();
    await staff.waitForURL(new RegExp(`/admin/applications/${applicationId}$`));
    await staff.getByText(customer.email).waitFor();
    await staff.getByRole('button', { name: 'Start work' }).click();
    await staff.getByText('Work started.').waitFor();
    const chooser = staff.waitForEvent('filechooser');
    await staff.getByRole('button', { name: 'Attach result document' }).click();
    await (await chooser).setFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: makePdf({ text: 'Residence certificate issued to Asha Verma' }) });
    await staff.getByText(/Download Result document 1/).waitFor();
    await staff.screenshot({ path: '/tmp/application-staff.png', fullPage: true });
    await staff.getByRole('button', { name: 'Complete' }).click();
    await staff.getByRole('dialog').getByLabel('Message to the customer (optional)').fill('Your certificate is ready.');
    await staff.getByRole('dialog').getByRole('button', { name: 'Complete' }).click();
    await staff.getByText('Completed. The fees were charged and the customer was notified.').waitFor();

    // The customer sees it done and downloads the result through its short-lived link.
    await page.reload();
    await page.getByText('Completed', { exact: true }).first().waitFor();
    await page.getByText('Your certificate is ready.').waitFor();
    const outputs = page.getByTestId('outputs');
    const download = page.waitForEvent('download');
    await outputs.getByRole('link', { name: /Download Result document 1/ }).click();
    const file = await download;
    const content = await readFile((await file.path())!, 'latin1');
    assert.match(content, /Residence certificate issued to Asha Verma/);
    assert.match(file.suggestedFilename(), new RegExp(`^${ackNumber}-result-.*\\.pdf$`));
    await page.getByRole('link', { name: 'Download receipt' }).waitFor();
    await page.screenshot({ path: '/tmp/application-completed.png', fullPage: true });

    const [after] = await rig.t.db.query<{ wallet: number; holds: number }>(
      `SELECT (SELECT balance FROM ledger_accounts WHERE owner_user_id = $1 AND kind = 'customer_wallet') AS wallet,
              (SELECT balance FROM ledger_accounts WHERE owner_user_id = $1 AND kind = 'customer_holds') AS holds`,
      [customer.id],
    );
    assert.deepEqual({ ...after }, { wallet: 50_000 - FEES.total, holds: 0 });

    // The same page in Hindi.
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByText('पूरा हुआ', { exact: true }).first().waitFor();
    await page.getByText('आपके दस्तावेज़').waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(staffErrors, []);
  });
});
