import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { registerUser } from '../server/src/test/harness.js';
import { makePng } from '../server/src/test/files.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';

async function openNav(page: Page, name: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('link', { name, exact: true }).click();
}

describe('support tickets in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer opens a ticket with a file, an operator replies (and notes internally), the customer sees the reply and a notification', async () => {
    const customer = await registerUser(rig.t.app, 'supportbrowser');
    const operator = await registerUser(rig.t.app, 'supportoperator');
    await rig.t.db.query("UPDATE users SET role = 'operator' WHERE id = $1", [operator.id]);
    const subject = 'Top-up of ₹500 not credited';
    const reply = 'We found your payment; the credit is on its way.';
    const note = 'Internal: checked the gateway dashboard, payment captured late.';

    // The customer opens a ticket with a screenshot.
    const page = await rig.newPage();
    const errors = watchErrors(page);
    await signIn(page, customer);
    await openNav(page, 'Support');
    await page.waitForURL(/\/support$/);
    await page.getByRole('heading', { name: 'Grievance officer' }).waitFor();
    await page.getByText('grievance@seva.local').waitFor();
    await page.getByRole('link', { name: 'New ticket' }).click();
    await page.waitForURL(/\/support\/new$/);
    await page.getByLabel('Subject').fill(subject);
    await page.getByRole('textbox', { name: 'What is it about?' }).click();
    await page.getByRole('option', { name: 'Wallet and payments' }).click();
    await page.getByLabel('Message').fill('I paid at 10:05 and my balance did not change.');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Add a file' }).click();
    await (await chooser).setFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: makePng({ width: 40, height: 30 }) });
    await page.getByTestId('pending-attachment').getByText('File 1: PNG').waitFor();
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.waitForURL(/\/support\/tickets\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.getByText('Open', { exact: true }).first().waitFor();
    // A function predicate, not a string: Playwright evals a string predicate on every poll, which the CSP refuses.
    await page.waitForFunction((width) => {
      const { document } = globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } };
      const img = document.querySelector('[data-testid="message"] img');
      return !!img && img.complete && img.naturalWidth === width;
    }, 40);
    const ticketUrl = page.url();
    const [row] = await rig.t.db.query<{ number: number }>('SELECT number FROM support_tickets WHERE customer_id = $1', [customer.id]);
    const reference = `T-${row!.number}`;

    // The operator finds it in the queue, adds an internal note and replies.
    const staffPage = await rig.newPage();
    const staffErrors = watchErrors(staffPage);
    await signIn(staffPage, operator);
    await openNav(staffPage, 'Support desk');
    await staffPage.waitForURL(/\/admin\/support$/);
    await staffPage.getByRole('link', { name: `Open: ${reference} ${subject}` }).click();
    await staffPage.waitForURL(/\/admin\/support\/[0-9a-f-]{36}$/);
    await staffPage.getByText('I paid at 10:05').waitFor();
    await staffPage.getByText('Internal note', { exact: true }).click();
    await staffPage.getByLabel('Note', { exact: true }).fill(note);
    await staffPage.getByRole('button', { name: 'Add note' }).click();
    await staffPage.getByTestId('internal-note').getByText(note).waitFor();
    await staffPage.getByText('Reply to customer', { exact: true }).click();
    await staffPage.getByLabel('Your reply').fill(reply);
    await staffPage.getByRole('button', { name: 'Send' }).click();
    await staffPage.getByTestId('message').getByText(reply).waitFor();

    // The customer's bell shows the reply; the notification leads to the ticket, which shows the reply but not the note.
    await page.goto('/');
    await page.getByRole('link', { name: 'Notifications: 2 unread' }).click();
    await page.waitForURL(/\/notifications$/);
    await page.getByRole('button', { name: `New reply on ticket ${reference}` }).click();
    await page.waitForURL(ticketUrl);
    await page.getByText(reply).waitFor();
    assert.equal(await page.getByText(note).count(), 0, 'internal notes never reach the customer');
    await page.getByRole('link', { name: 'Notifications: 1 unread' }).waitFor();

    // The customer answers; the ticket stays with the desk, and the customer can mark it solved.
    await page.getByLabel('Your reply').fill('Thank you, it has arrived.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Message sent.').waitFor();
    await page.getByRole('button', { name: 'My problem is solved' }).click();
    await page.getByText('This ticket is resolved').waitFor();
    await page.getByRole('button', { name: 'Reopen ticket' }).waitFor();
    const [after] = await rig.t.db.query<{ state: string }>('SELECT state FROM support_tickets WHERE customer_id = $1', [customer.id]);
    assert.equal(after!.state, 'resolved');

    assert.deepEqual(errors, []);
    assert.deepEqual(staffErrors, []);
  });
});
