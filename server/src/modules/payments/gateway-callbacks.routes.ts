import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptFormBodies, field } from './form-body.js';
import type { PaymentsService } from './payments.service.js';

export const WEBHOOK_PATH = '/webhooks/payments/razorpay';
export const CALLBACK_PATH = '/payments/razorpay/callback';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * What the gateway sends the platform, outside /api because neither carries a session or a CSRF
 * token: they are authenticated by the gateway's signatures instead.
 *  - the browser's return from checkout (GET, or POST as Razorpay's redirect mode sends a form
 *    cross-site, where SameSite=Lax cookies are not sent);
 *  - signed webhooks, verified over the raw body bytes (a re-serialised JSON would not match).
 */
export async function gatewayCallbackRoutes(app: FastifyInstance, opts: { payments: PaymentsService }): Promise<void> {
  const { payments } = opts;

  await app.register(async (callback) => {
    acceptFormBodies(callback);
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const source = request.method === 'POST' ? request.body : request.query;
      const result = await payments.handleCallback({
        razorpay_payment_id: field(source, 'razorpay_payment_id', 100),
        razorpay_order_id: field(source, 'razorpay_order_id', 100),
        razorpay_signature: field(source, 'razorpay_signature', 200),
        errorMetadata: field(source, 'error[metadata]', 2000),
      });
      const target = result.paymentId
        ? `/wallet?topup=${result.paymentId}${result.result === 'failed' ? '&result=failed' : ''}`
        : '/wallet?result=failed';
      return reply.header('cache-control', 'no-store').redirect(target, 303);
    };
    const schema = {
      tags: ['payments'],
      summary: 'Return from checkout: verifies the payment signature, marks the top-up pending and redirects to /wallet',
    };
    callback.get(CALLBACK_PATH, { schema }, handle);
    callback.post(CALLBACK_PATH, { schema }, handle);
  });

  await app.register(async (webhooks) => {
    // Keep the exact bytes: the signature is over them.
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    webhooks.post(
      WEBHOOK_PATH,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['payments'],
          summary: 'Razorpay webhooks (payment.captured, order.paid, payment.failed), signed with X-Razorpay-Signature',
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await payments.handleWebhook(raw, header(request, 'x-razorpay-signature'), header(request, 'x-razorpay-event-id'));
        return { status: 'ok', ...result };
      },
    );
  });
}
