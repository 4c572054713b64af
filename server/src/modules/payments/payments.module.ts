import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { Jobs } from '../../platform/jobs.js';
import type { KycGate } from '../kyc/kyc-gate.js';
import type { WalletService } from '../wallet/wallet.service.js';
import { createRazorpayClient, type HttpTransport, type PaymentGateway } from './gateway.js';
import { CALLBACK_PATH, WEBHOOK_PATH, gatewayCallbackRoutes } from './gateway-callbacks.routes.js';
import { paymentsRoutes } from './payments.routes.js';
import { createPaymentsService, type PaymentsService } from './payments.service.js';
import { SANDBOX_WEBHOOK_JOB, createSandboxGateway, injectTransport, sandboxCredentials, type SandboxGateway } from './sandbox-gateway.js';
import { SANDBOX_PREFIX, sandboxGatewayRoutes } from './sandbox-gateway.routes.js';
import { RAZORPAY_CHECKOUT_PATH, razorpayCheckoutRoutes } from './razorpay-checkout.routes.js';

export const RECONCILE_JOB = 'payments.reconcile';

/**
 * Wires the payments module into the app: picks the gateway, defines its jobs and registers its
 * routes. Razorpay when its keys are configured; otherwise the built-in sandbox gateway, except in
 * production, where a sandbox would hand out free wallet credit: there top-ups are off (503).
 */
export async function registerPayments(
  app: FastifyInstance,
  deps: {
    db: Db;
    jobs: Jobs;
    config: Readonly<Config>;
    wallet: Pick<WalletService, 'creditTopup' | 'reverseTopup' | 'lockedAvailable'>;
    kycGate: Pick<KycGate, 'allows'>;
    log: FastifyBaseLogger;
    /** How the gateway client (and the sandbox's webhooks) travel; default: fetch for Razorpay, in-process for the sandbox. */
    transport?: HttpTransport;
  },
): Promise<{ payments: PaymentsService; sandbox: SandboxGateway | null }> {
  const { db, jobs, config, log } = deps;
  let gateway: PaymentGateway | null = null;
  let sandbox: SandboxGateway | null = null;

  if (config.razorpay) {
    gateway = createRazorpayClient({ name: 'razorpay', baseUrl: config.razorpayApiUrl, ...config.razorpay, ...(deps.transport ? { transport: deps.transport } : {}) });
  } else if (config.nodeEnv !== 'production') {
    const credentials = sandboxCredentials(config.masterKey);
    const transport = deps.transport ?? injectTransport(() => app);
    sandbox = createSandboxGateway({ db, jobs, credentials, webhookUrl: config.publicUrl + WEBHOOK_PATH, webhookTransport: transport, log });
    gateway = createRazorpayClient({ name: 'sandbox', baseUrl: config.publicUrl + SANDBOX_PREFIX, ...credentials, transport });
    jobs.define<{ id: string }>({ name: SANDBOX_WEBHOOK_JOB, handler: sandbox.deliverWebhook, retryLimit: 10, retryDelaySeconds: 5 });
  } else {
    log.warn('RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET are not set: online wallet top-ups are off');
  }

  const payments = createPaymentsService({
    db,
    gateway,
    wallet: deps.wallet,
    kycAllowsLargeTopup: (userId: string) => deps.kycGate.allows('topup_above_limit', userId),
    settings: config,
    log,
    checkoutUrl: sandbox
      ? (orderId: string, callbackUrl: string) => `${config.publicUrl}${SANDBOX_PREFIX}/checkout/${orderId}?callback_url=${encodeURIComponent(callbackUrl)}`
      : (orderId: string) => `${config.publicUrl}${RAZORPAY_CHECKOUT_PATH}/${orderId}`,
  });
  // pg-boss runs each cron slot once across all instances.
  jobs.define({ name: RECONCILE_JOB, cron: '*/10 * * * *', expireInSeconds: 900, handler: async () => void (await payments.reconcile()) });

  await app.register(paymentsRoutes, { db, payments });
  await app.register(gatewayCallbackRoutes, { payments });
  if (sandbox) await app.register(sandboxGatewayRoutes, { sandbox, publicUrl: config.publicUrl });
  if (config.razorpay) await app.register(razorpayCheckoutRoutes, { db, keyId: config.razorpay.keyId, callbackUrl: `${config.publicUrl}${CALLBACK_PATH}` });
  return { payments, sandbox };
}
