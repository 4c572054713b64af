import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import { notFound } from '../../platform/errors.js';
import { findUserById } from '../accounts/accounts.repo.js';
import { escapeHtml, formatRupees } from './form-body.js';
import { findPaymentByOrder } from './payments.repo.js';
import { ISSUER } from './payments.service.js';

export const RAZORPAY_CHECKOUT_PATH = '/payments/razorpay/checkout';
const LAUNCHER_PATH = '/payments/razorpay/launcher.js';

/**
 * Opens Razorpay's standard checkout in redirect mode (the result comes back to the callback URL).
 * The page carries the options in data attributes; the launcher is a static script of our own, so the
 * CSP needs no inline script, only Razorpay's origins (admitted when Razorpay is configured).
 */
const LAUNCHER = `(function () {
  var el = document.getElementById('rzp');
  var d = el.dataset;
  function open() {
    new window.Razorpay({
      key: d.key, order_id: d.order, amount: Number(d.amount), currency: 'INR', name: d.name,
      description: d.description, callback_url: d.callback, redirect: true,
      prefill: { name: d.prefillName, email: d.prefillEmail, contact: d.prefillContact }
    }).open();
  }
  document.getElementById('pay').addEventListener('click', open);
  if (window.Razorpay) open();
})();
`;

export async function razorpayCheckoutRoutes(app: FastifyInstance, opts: { db: Db; keyId: string; callbackUrl: string }): Promise<void> {
  const { db, keyId, callbackUrl } = opts;

  app.get(LAUNCHER_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(LAUNCHER),
  );

  app.get<{ Params: { orderId: string } }>(
    `${RAZORPAY_CHECKOUT_PATH}/:orderId`,
    {
      // Signed in, and only the payer's own order: the page shows their name, email and mobile.
      config: { access: 'signed-in' },
      schema: { tags: ['payments'], summary: "Razorpay's checkout for one of your top-ups", params: { type: 'object', properties: { orderId: { type: 'string', pattern: '^order_[A-Za-z0-9]{6,40}$' } }, required: ['orderId'] } },
    },
    async (request, reply) => {
      const payment = await findPaymentByOrder(db, request.params.orderId);
      if (!payment || payment.user_id !== request.signedIn?.userId || payment.gateway !== 'razorpay') throw notFound('Top-up');
      const user = await findUserById(db, payment.user_id);
      const attr = (name: string, value: string | null | undefined) => ` data-${name}="${escapeHtml(value ?? '')}"`;
      const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay ₹${formatRupees(payment.amount)} · Seva Kendra</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; text-align: center">
<div id="rzp"${attr('key', keyId)}${attr('order', request.params.orderId)}${attr('amount', String(payment.amount))}${attr('name', ISSUER)}${attr('description', 'Wallet top-up')}${attr('callback', callbackUrl)}${attr('prefill-name', user?.name)}${attr('prefill-email', user?.email)}${attr('prefill-contact', user?.mobile)}>
<h1 style="font-size: 1.4rem">Add ₹${formatRupees(payment.amount)} to your wallet</h1>
<p><button id="pay" type="button" style="font-size: 1.1rem; padding: .7rem 1.5rem">Pay ₹${formatRupees(payment.amount)}</button></p>
<p><a href="/wallet">Back to the wallet</a></p></div>
<script src="https://checkout.razorpay.com/v1/checkout.js"></script>
<script src="${LAUNCHER_PATH}"></script>
</body></html>`;
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}
