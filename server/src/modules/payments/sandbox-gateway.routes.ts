import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../platform/crypto.js';
import { acceptFormBodies, escapeHtml, field, formatRupees } from './form-body.js';
import { orderEntity, paymentEntity, type SandboxGateway } from './sandbox-gateway.js';

/**
 * The sandbox gateway over HTTP: Razorpay's REST API (orders and their payments) under
 * /sandbox/razorpay/v1, answering with Razorpay's shapes and errors, and a checkout page with
 * "Pay (succeed)" and "Fail" buttons. The pages are plain HTML forms: the CSP allows no inline script.
 */

export const SANDBOX_PREFIX = '/sandbox/razorpay';

class RazorpayError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly field: string | null = null,
    readonly reason = 'input_validation_failed',
  ) {
    super(description);
  }
}

function razorpayErrorBody(e: RazorpayError) {
  return {
    error: {
      code: e.status === 401 ? 'BAD_REQUEST_ERROR' : e.status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST_ERROR',
      description: e.description,
      source: e.status === 401 ? 'NA' : 'business',
      step: e.status === 401 ? 'NA' : 'payment_initiation',
      reason: e.reason,
      metadata: {},
      ...(e.field ? { field: e.field } : {}),
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates an order body the way Razorpay does (amount in paise, at least ₹1; INR; short receipt; ≤15 notes). */
function orderInput(body: unknown) {
  if (!isRecord(body)) throw new RazorpayError(400, 'The request body must be a JSON object');
  const { amount, currency, receipt, notes } = body;
  if (!Number.isSafeInteger(amount)) throw new RazorpayError(400, 'The amount must be an integer.', 'amount');
  if ((amount as number) < 100) throw new RazorpayError(400, 'Order amount less than minimum amount allowed', 'amount');
  if (currency !== 'INR') throw new RazorpayError(400, 'Currency is not supported', 'currency');
  if (receipt !== undefined && receipt !== null && (typeof receipt !== 'string' || receipt.length > 40)) {
    throw new RazorpayError(400, 'The receipt may not be greater than 40 characters.', 'receipt');
  }
  const out: Record<string, string> = {};
  if (notes !== undefined && notes !== null && !(Array.isArray(notes) && notes.length === 0)) {
    if (!isRecord(notes) || Object.keys(notes).length > 15) throw new RazorpayError(400, 'notes should be an object of at most 15 items', 'notes');
    for (const [k, v] of Object.entries(notes)) {
      if ((typeof v !== 'string' && typeof v !== 'number') || String(v).length > 256) throw new RazorpayError(400, 'notes values must be at most 256 characters', 'notes');
      out[k] = String(v);
    }
  }
  return { amount: amount as number, currency, receipt: (receipt as string | undefined) ?? null, notes: out };
}

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family: system-ui, sans-serif; background: #f4f6fb; margin: 0; padding: 24px;">` +
        `<main style="max-width: 420px; margin: 40px auto; background: #fff; border-radius: 12px; padding: 24px; box-shadow: 0 2px 12px rgba(0,0,0,.08);">` +
        `<p style="margin: 0 0 16px; padding: 6px 10px; background: #fff4d6; border-radius: 6px; font-size: 13px;">Sandbox gateway: a test checkout. No money moves.</p>` +
        body +
        `</main></body></html>`,
    );
}

/** Only callback URLs on the platform itself: the sandbox must not become an open redirect. */
function safeCallbackUrl(raw: string | undefined, publicUrl: string): string | null {
  if (!raw) return null;
  if (raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\')) return raw;
  try {
    const u = new URL(raw);
    return u.origin === new URL(publicUrl).origin ? u.toString() : null;
  } catch {
    return null;
  }
}

function withParams(url: string, params: Record<string, string>): string {
  return url + (url.includes('?') ? '&' : '?') + new URLSearchParams(params).toString();
}

const ORDER_ID = /^order_[A-Za-z0-9]{14}$/;

export async function sandboxGatewayRoutes(app: FastifyInstance, opts: { sandbox: SandboxGateway; publicUrl: string }): Promise<void> {
  const { sandbox, publicUrl } = opts;
  const { keyId, keySecret } = sandbox.credentials;

  // The REST API, with Razorpay's Basic auth and error shapes.
  await app.register(async (api) => {
    api.setErrorHandler((err: FastifyError | RazorpayError, _request, reply) => {
      if (err instanceof RazorpayError) return reply.status(err.status).send(razorpayErrorBody(err));
      const status = (err as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) return reply.status(status).send(razorpayErrorBody(new RazorpayError(400, err.message)));
      api.log.error({ err }, 'sandbox gateway error');
      return reply.status(500).send(razorpayErrorBody(new RazorpayError(500, 'The server encountered an error', null, 'server_error')));
    });
    api.addHook('onRequest', async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
      const [id, secret] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':', 2) : [];
      if (!id || secret === undefined || !safeEqual(id, keyId) || !safeEqual(secret, keySecret)) {
        throw new RazorpayError(401, 'The api key provided is invalid', null, 'NA');
      }
    });
    const hide = { schema: { hide: true } };

    api.post(`${SANDBOX_PREFIX}/v1/orders`, hide, async (request) => orderEntity(await sandbox.createOrder(orderInput(request.body))));

    api.get<{ Params: { id: string } }>(`${SANDBOX_PREFIX}/v1/orders/:id`, hide, async (request) => {
      const order = ORDER_ID.test(request.params.id) ? await sandbox.findOrder(request.params.id) : undefined;
      if (!order) throw new RazorpayError(400, 'The id provided does not exist', 'id');
      return orderEntity(order);
    });

    api.get<{ Params: { id: string } }>(`${SANDBOX_PREFIX}/v1/orders/:id/payments`, hide, async (request) => {
      const order = ORDER_ID.test(request.params.id) ? await sandbox.findOrder(request.params.id) : undefined;
      if (!order) throw new RazorpayError(400, 'The id provided does not exist', 'id');
      const items = (await sandbox.orderPayments(order.id)).map((p) => paymentEntity(p, order.notes));
      return { entity: 'collection', count: items.length, items };
    });
  });

  // The checkout page and its two buttons.
  await app.register(async (checkout) => {
    acceptFormBodies(checkout);
    checkout.setErrorHandler((err: FastifyError, _request, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) checkout.log.error({ err }, 'sandbox checkout error');
      return page(reply, status, 'Checkout error', `<h1 style="font-size: 20px;">Something is wrong</h1><p>${escapeHtml(status === 500 ? 'Please try again.' : err.message)}</p>`);
    });
    const hide = { schema: { hide: true } };

    checkout.get<{ Params: { orderId: string }; Querystring: Record<string, unknown> }>(`${SANDBOX_PREFIX}/checkout/:orderId`, hide, async (request, reply) => {
      const order = ORDER_ID.test(request.params.orderId) ? await sandbox.findOrder(request.params.orderId) : undefined;
      if (!order) return page(reply, 404, 'Order not found', '<h1 style="font-size: 20px;">Order not found</h1><p>This checkout link is not valid.</p>');
      const callback = safeCallbackUrl(field(request.query, 'callback_url', 2000), publicUrl);
      if (!callback) return page(reply, 400, 'Checkout error', '<h1 style="font-size: 20px;">Missing return address</h1><p>The checkout link has no valid <code>callback_url</code> on this platform.</p>');
      const amount = `₹${formatRupees(order.amount)}`;
      const action = `${SANDBOX_PREFIX}/checkout/${order.id}`;
      const button = (outcome: string, label: string, style: string) =>
        `<form method="post" action="${escapeHtml(action)}" style="margin: 0 0 12px;">` +
        `<input type="hidden" name="outcome" value="${outcome}"><input type="hidden" name="callback_url" value="${escapeHtml(callback)}">` +
        `<button type="submit" style="width: 100%; padding: 12px; font-size: 16px; border-radius: 8px; cursor: pointer; ${style}">${escapeHtml(label)}</button></form>`;
      const body =
        `<h1 style="font-size: 20px; margin: 0 0 4px;">Seva Kendra wallet top-up</h1>` +
        `<p style="margin: 0 0 16px; color: #555;">Order <code>${escapeHtml(order.id)}</code></p>` +
        `<p style="font-size: 32px; font-weight: 700; margin: 0 0 24px;" data-testid="amount">${escapeHtml(amount)}</p>` +
        (order.status === 'paid'
          ? `<p>This order is already paid.</p>${button('succeed', 'Return to Seva Kendra', 'background: #1c7ed6; color: #fff; border: 0;')}`
          : button('succeed', `Pay ${amount} (succeed)`, 'background: #2f9e44; color: #fff; border: 0;') +
            button('fail', 'Fail', 'background: #fff; color: #c92a2a; border: 1px solid #c92a2a;'));
      return page(reply, 200, `Pay ${amount}`, body);
    });

    checkout.post<{ Params: { orderId: string } }>(`${SANDBOX_PREFIX}/checkout/:orderId`, hide, async (request, reply) => {
      const outcome = field(request.body, 'outcome');
      const callback = safeCallbackUrl(field(request.body, 'callback_url', 2000), publicUrl);
      if ((outcome !== 'succeed' && outcome !== 'fail') || !callback) {
        return page(reply, 400, 'Checkout error', '<h1 style="font-size: 20px;">Invalid checkout request</h1><p>Open the checkout link again.</p>');
      }
      const result = ORDER_ID.test(request.params.orderId) ? await sandbox.pay(request.params.orderId, outcome) : null;
      if (!result) return page(reply, 404, 'Order not found', '<h1 style="font-size: 20px;">Order not found</h1>');
      if (result.alreadyPaid && outcome === 'fail') {
        return page(reply, 409, 'Already paid', '<h1 style="font-size: 20px;">This order is already paid</h1>');
      }
      // Like Razorpay's redirect mode: the browser goes back to the platform with the result.
      return reply.redirect(withParams(callback, result.callbackParams), 303);
    });
  });
}
