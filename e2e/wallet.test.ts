import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_WEBHOOK_JOB } from '../server/src/modules/payments/sandbox-gateway.js';
import { Client, registerUser } from '../server/src/test/harness.js';
import { browserRig, signIn, watchErrors, type BrowserRig } from './browser.js';



describe('wallet in a real browser', () => {
  let rig: BrowserRig;
  before(async () => {
    rig = await browserRig();
  });
  after(() => rig.close());

  test('a customer adds ₹250 through the sandbox checkout and sees balance, passbook and receipt', async () => {
    const person = await registerUser(rig.t.app, 'wallet');
    const page = await rig.newPage();
    const errors = watchErrors(page);

    await signIn(page, person);

    // The Wallet entry is in the navigation, behind the menu button on a phone.
    const menu = page.getByRole('button', { name: 'Toggle navigation' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('link', { name: 'Wallet', exact: true }).click();
    await page.waitForURL(/\/wallet$/);

    const available = page.getByRole('region', { name: 'Available balance' });
    await available.getByText('₹0.00').waitFor();
    await page.getByText('No movements yet', { exact: false }).waitFor();

    // The server's minimum is shown next to the amount.
    const amount = page.getByLabel('Amount (₹)');
    await amount.fill('5');
    await page.getByRole('button', { name: 'Add money' }).click();
    await page.getByText('The smallest top-up is ₹10.00.').waitFor();

    await amount.fill('250');
    await page.getByRole('button', { name: 'Add money' }).click();

    // The sandbox gateway's own (server-rendered) checkout page.
    await page.waitForURL(/\/sandbox\/razorpay\/checkout\/order_/);
    await page.getByText('₹250.00').first().waitFor();
    await page.getByRole('button', { name: 'Pay ₹250.00 (succeed)' }).click();

    // Back on the wallet: the gateway's webhooks are jobs, worked here as a worker would.
    await page.waitForURL(/\/wallet\?topup=[0-9a-f-]{36}/);
    const delivered = await rig.t.platform.jobs.runPending(SANDBOX_WEBHOOK_JOB);
    assert.ok(delivered >= 1, 'the sandbox queued its payment.captured / order.paid webhooks');

    await page.getByText('Payment received').waitFor();
    await available.getByText('₹250.00').waitFor();

    const passbook = page.getByRole('table', { name: 'Wallet passbook' });
    const topupLine = passbook.getByRole('row').filter({ hasText: 'Top-up' });
    await topupLine.waitFor();
    const cells = await topupLine.getByRole('cell').allInnerTexts();
    assert.equal(cells.length, 3);
    assert.match(cells[1]!, /\+₹250\.00/);
    assert.equal(cells[2]!.trim(), '₹250.00', 'running balance after the top-up');

    // The top-up is listed as received, with its PDF receipt.
    const topups = page.getByRole('region', { name: 'Recent top-ups' });
    await topups.getByText('Received').waitFor();
    const receipt = topups.getByRole('link', { name: /receipt/i });
    const href = await receipt.getAttribute('href');
    assert.ok(href, 'receipt link');
    const pdf = await page.request.get(href);
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'] ?? '', /^application\/pdf/);
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    const [download] = await Promise.all([page.waitForEvent('download'), receipt.click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);

    // The CSV export carries the same line.
    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    assert.ok(csvHref);
    const csv = await page.request.get(csvHref);
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    assert.match(await csv.text(), /topup.*250\.00,250\.00/);

    const rows = await rig.t.db.query<{ status: string }>(
      'SELECT p.status FROM payments p JOIN users u ON u.id = p.user_id WHERE u.email = $1',
      [person.email],
    );
    assert.deepEqual(rows.map((r) => r.status), ['captured']);

    await page.screenshot({ path: '/tmp/wallet.png', fullPage: true });

    // The same page in Hindi.
    await page.getByText('हिन्दी', { exact: true }).click();
    await page.getByRole('region', { name: 'उपलब्ध बैलेंस' }).getByText('₹250.00').waitFor();
    await page.getByText('भुगतान मिल गया').waitFor();
    await page.screenshot({ path: '/tmp/wallet-hi.png', fullPage: true });

    assert.deepEqual(errors, []);
  });

  test('a failed checkout says so and adds nothing', async () => {
    const person = await registerUser(rig.t.app, 'walletfail');
    const page = await rig.newPage();
    const errors = watchErrors(page);

    await signIn(page, person);

    await page.goto('/wallet');
    await page.getByRole('group', { name: 'Quick amounts' }).getByText('₹500', { exact: true }).click();
    assert.equal(await page.getByLabel('Amount (₹)').inputValue(), '500');
    await page.getByRole('button', { name: 'Add money' }).click();
    await page.waitForURL(/\/sandbox\/razorpay\/checkout\/order_/);
    await page.getByRole('button', { name: 'Fail' }).click();

    await page.waitForURL(/\/wallet\?topup=[0-9a-f-]{36}&result=failed/);
    await page.getByText('Payment failed').waitFor();
    await page.getByText('The payment of ₹500.00 did not go through.', { exact: false }).waitFor();
    await rig.t.platform.jobs.runPending(SANDBOX_WEBHOOK_JOB);
    await page.getByRole('region', { name: 'Available balance' }).getByText('₹0.00').waitFor();

    // After the gateway's payment.failed webhook the list shows the top-up as failed.
    await page.getByRole('button', { name: 'Close' }).first().click();
    await page.waitForURL(/\/wallet$/);
    await page.reload();
    await page.getByRole('region', { name: 'Recent top-ups' }).getByText('Failed', { exact: true }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('an admin finds a wallet, credits it with a reason and reads its passbook, payments and reports', async () => {
    const customer = await registerUser(rig.t.app, 'walletcust');
    // The customer opened their wallet once (its ledger accounts exist from then on).
    const client = new Client(rig.t.app);
    assert.equal((await client.login(customer.email, customer.password)).statusCode, 200);
    assert.equal((await client.get('/api/wallet/passbook')).statusCode, 200);
    const admin = await registerUser(rig.t.app, 'walletadmin');
    await rig.t.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.id]);
    const page = await rig.newPage();
    const errors = watchErrors(page);

    await signIn(page, admin);

    await page.goto('/admin/wallets');
    await page.getByLabel('Search wallets').fill(customer.email);

    const adjustFor = `Adjust balance of ${customer.name}`;
    await page.getByRole('button', { name: adjustFor }).click();
    const dialog = page.getByRole('dialog', { name: adjustFor });
    await dialog.getByLabel('Amount (₹)').fill('50');
    await dialog.getByLabel('Reason').fill('abc');
    await dialog.getByRole('button', { name: 'Credit ₹50.00' }).click();
    await dialog.getByText('Give a reason of at least 5 characters').waitFor();
    await dialog.getByLabel('Reason').fill('Cash paid at the counter');
    await dialog.getByRole('button', { name: 'Credit ₹50.00' }).click();
    await page.getByText(`Balance of ${customer.name} is now ₹50.00.`).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('row').filter({ hasText: customer.email }).getByText('₹50.00').waitFor();
    await page.getByRole('link', { name: customer.name, exact: true }).click();
    await page.waitForURL(/\/admin\/wallets\/[0-9a-f-]{36}$/);
    const line = page.getByRole('table', { name: 'Wallet passbook' }).getByRole('row').filter({ hasText: 'Credit by Seva Kendra' });
    await line.getByText('Cash paid at the counter').waitFor();
    await line.getByText('+₹50.00').waitFor();

    const audit = await rig.t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM activity_log WHERE action = 'wallet.adjusted' AND subject_user_id = $1",
      [customer.id],
    );
    assert.equal(audit[0]!.n, 1, 'the adjustment is in the activity log once');

    await page.goto('/admin/payments');
    await page.getByText(/\d+ payments?/).first().waitFor();

    await page.goto('/admin/reconciliations');
    await page.getByRole('button', { name: 'Check gateway now' }).click();
    await page.getByText(/Gateway check done/).waitFor();
    await page.getByText('Gateway payments').first().waitFor();

    assert.deepEqual(errors, []);
  });
});
