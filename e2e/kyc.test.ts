import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { registerUser } from '../server/src/test/harness.js';
import { makeJpeg, makePdf, makePng } from '../server/src/test/files.js';
import { verhoeffCheckDigit } from '../server/src/modules/kyc/kyc.rules.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';



async function openNav(page: Page, name: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name, exact: true }).click();
}

/**
 * Waits until an image inside `scope` has loaded with this natural width. Evaluated through
 * Playwright's function calls: a polled string predicate is run with eval, which the app's CSP refuses.
 */
async function imageShown(scope: Locator, width: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const widths = await scope.locator('img').evaluateAll((imgs) => imgs.map((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete ? (el as unknown as { naturalWidth: number }).naturalWidth : 0));
    if (widths.includes(width)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no image ${width} pixels wide was shown`);
}

async function chooseFile(page: Page, kind: string, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  const card = page.getByTestId(`kyc-doc-${kind}`);
  const chooser = page.waitForEvent('filechooser');
  await card.getByRole('button', { name: /^(Choose file|Replace)/ }).click();
  await (await chooser).setFiles({ name, mimeType, buffer });
}

describe('KYC in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer submits KYC with uploads; an operator rejects with a reason; the customer re-uploads and resubmits; approved', async () => {
    const customer = await registerUser(rig.t.app, 'kycbrowser');
    const operator = await registerUser(rig.t.app, 'kycoperator');
    await rig.t.db.query("UPDATE users SET role = 'operator' WHERE id = $1", [operator.id]);
    const aadhaarBody = '52341234123';
    const aadhaar = aadhaarBody + verhoeffCheckDigit(aadhaarBody);

    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, customer);
    await openNav(page, 'KYC');
    await page.waitForURL(/\/kyc$/);
    await page.getByText('Not started').first().waitFor();

    await page.getByLabel('Full name').fill('Asha Verma');
    await page.getByLabel('PAN', { exact: true }).fill('abcpv1234k');
    await page.getByLabel('Aadhaar number').fill(aadhaar);
    await page.getByLabel('Date of birth').fill('1990-04-12');
    await page.getByLabel('House, street, area').fill('12 Station Road');
    await page.getByLabel('City / town / village').fill('Jaipur');
    await page.getByLabel('State', { exact: true }).fill('Rajasthan');
    await page.getByLabel('PIN code').fill('302001');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor();
    await page.getByText(`Saved as XXXX XXXX ${aadhaar.slice(8)}`).waitFor();

    // A hostile file is refused with the server's message, and nothing is kept.
    await chooseFile(page, 'photo', 'me.png', 'image/png', Buffer.concat([makePng(), Buffer.from('<html><script>alert(1)</script></html>')]));
    await page.getByTestId('kyc-doc-photo').getByText('extra data after its end').waitFor();

    await chooseFile(page, 'pan_card', 'pan.pdf', 'application/pdf', makePdf());
    await page.getByTestId('kyc-doc-pan_card').getByText('Open PDF').waitFor();
    await chooseFile(page, 'aadhaar_masked', 'aadhaar.png', 'image/png', makePng({ width: 60, height: 40 }));
    await chooseFile(page, 'photo', 'me.jpg', 'image/jpeg', makeJpeg());
    // Images are shown through their short-lived links.
    const photo = page.getByTestId('kyc-doc-photo').getByRole('img');
    await photo.waitFor();
    await imageShown(page.getByTestId('kyc-doc-aadhaar_masked'), 60);

    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Submitted', { exact: true }).first().waitFor();
    await page.getByText('waiting for review').first().waitFor();

    // The operator reviews in another browser.
    const staffPage = await rig.newPage();
    const staffErrors = watchErrors(staffPage);
    await signIn(staffPage, operator);
    await openNav(staffPage, 'KYC review');
    await staffPage.waitForURL(/\/admin\/kyc$/);
    await staffPage.getByRole('link', { name: `Review: ${customer.name}` }).click();
    await staffPage.waitForURL(/\/admin\/kyc\/[0-9a-f-]{36}$/);
    await staffPage.getByText('ABCPV1234K').waitFor();
    await staffPage.getByText(`XXXX XXXX ${aadhaar.slice(8)}`).waitFor();
    await imageShown(staffPage.locator('main'), 60);
    await staffPage.getByRole('link', { name: /Open PDF/ }).waitFor();
    // First a rejection with a reason: too short a reason is refused in the form.
    await staffPage.getByLabel('Reason for rejecting').fill('bad');
    await staffPage.getByRole('button', { name: 'Reject with this reason' }).click();
    await staffPage.getByText(/at least 5/).waitFor();
    await staffPage.getByLabel('Reason for rejecting').fill('The photo is too dark to recognise you.');
    await staffPage.getByRole('button', { name: 'Reject with this reason' }).click();
    await staffPage.getByText('KYC rejected. The customer has been notified.').waitFor();
    await staffPage.getByText('Not approved').first().waitFor();

    // The customer sees the state and the reason, replaces the photo and submits again.
    await page.reload();
    await page.getByText('Not approved').first().waitFor();
    await page.getByRole('alert').filter({ hasText: 'The photo is too dark to recognise you.' }).waitFor();
    await chooseFile(page, 'photo', 'me-again.png', 'image/png', makePng({ width: 48, height: 64, seed: 9 }));
    await imageShown(page.getByTestId('kyc-doc-photo'), 48);
    await page.getByRole('button', { name: 'Submit again' }).click();
    await page.getByText('Submitted again').first().waitFor();

    // Back in the queue, found by the search filter, with its age; approved this time.
    await openNav(staffPage, 'KYC review');
    await staffPage.waitForURL(/\/admin\/kyc$/);
    await staffPage.getByLabel('Search name, email or mobile').fill(customer.email);
    await staffPage.getByRole('link', { name: `Review: ${customer.name}` }).click();
    await staffPage.waitForURL(/\/admin\/kyc\/[0-9a-f-]{36}$/);
    await imageShown(staffPage.locator('main'), 48);
    await staffPage.getByRole('button', { name: 'Approve' }).click();
    await staffPage.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await staffPage.getByText('KYC approved. The customer has been notified.').waitFor();

    await page.reload();
    await page.getByText('Approved').first().waitFor();
    await page.getByText('Your identity is verified').waitFor();

    const views = await rig.t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE subject_user_id = $1 AND action = 'kyc.document_viewed'", [customer.id]);
    assert.ok(views[0]!.n >= 2, 'the operator viewing images was recorded');
    const mails = await rig.t.db.query<{ purpose: string }>("SELECT purpose FROM mail_outbox WHERE user_id = $1 AND purpose LIKE 'kyc_%' ORDER BY created_at", [customer.id]);
    assert.deepEqual(mails.map((m) => m.purpose), ['kyc_rejected', 'kyc_approved']);
    const decisions = await rig.t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE subject_user_id = $1 AND action IN ('kyc.submitted', 'kyc.rejected', 'kyc.resubmitted', 'kyc.approved') ORDER BY id", [customer.id]);
    assert.deepEqual(decisions.map((d) => d.action), ['kyc.submitted', 'kyc.rejected', 'kyc.resubmitted', 'kyc.approved']);
    assert.deepEqual(errors, []);
    assert.deepEqual(staffErrors, []);
  });
});
