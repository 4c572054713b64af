import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/index.js';
import type { Keyring } from '../../../platform/encryption.js';
import type { Jobs } from '../../../platform/jobs.js';
import { createSafeFetch, type Resolver } from '../../../platform/safe-fetch.js';
import type { Notifier } from '../../notifications/notifier.js';
import { createDispatcher, type Dispatcher } from './dispatcher.js';
import { createWebhookEndpoints, type WebhookEndpoints } from './endpoints.service.js';
import { DEFAULT_DELIVERY_SETTINGS, systemClock, type Clock, type DeliverySettings } from './settings.js';
import { registerWebhookRoutes } from './webhooks-out.routes.js';

export { emitCustomerEvent, type CustomerEvent, type EmittedEvent, type MetaChange } from './emit.js';

export const PURGE_JOB = 'webhooks.purge';

/** What the composition root may replace: time, jitter, DNS and delivery settings (tests, tools). */
export interface WebhooksOutOptions {
  clock?: Clock;
  random?: () => number;
  resolve?: Resolver;
  settings?: Partial<DeliverySettings>;
}

/**
 * Customer webhooks (README.md): endpoint APIs, the dispatcher that sends the outbox, and the
 * retention job. The dispatcher runs in processes that work jobs (Jobs.addWorker).
 */
export async function registerWebhooksOut(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; config: Readonly<Config>; ring: Keyring; notifier: Notifier; log: FastifyBaseLogger; options?: WebhooksOutOptions | undefined },
): Promise<{ endpoints: WebhookEndpoints; dispatcher: Dispatcher }> {
  const { db, jobs, config, ring, notifier, log } = deps;
  const options = deps.options ?? {};
  const clock = options.clock ?? systemClock;
  const settings: DeliverySettings = {
    ...DEFAULT_DELIVERY_SETTINGS,
    timeoutMs: config.webhookTimeoutMs,
    concurrency: config.webhookConcurrency,
    ...options.settings,
  };
  const http = createSafeFetch({
    requireHttps: config.nodeEnv === 'production',
    allow: config.webhookAllowedHosts,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    connectTimeoutMs: settings.connectTimeoutMs,
    timeoutMs: settings.timeoutMs,
    // Enough for any sensible acknowledgement; 1 KB of it is logged.
    maxResponseBytes: 16 * 1024,
    userAgent: 'SevaKendra-Webhooks/1.0',
    // Kept-alive connections per origin. Several endpoints may share one (paths on one host), so the
    // pool allows every slot: the dispatcher itself keeps each endpoint to `perEndpoint` in flight.
    connectionsPerOrigin: settings.concurrency,
  });
  const endpoints = createWebhookEndpoints({ db, ring, http, clock, retentionDays: config.webhookRetentionDays });
  const dispatcher = createDispatcher({ db, http, ring, notifier, log, clock, settings, ...(options.random ? { random: options.random } : {}) });
  jobs.addWorker(dispatcher);
  // Attempts in flight finish (and are recorded) before their connections close.
  app.addHook('onClose', async () => {
    await dispatcher.stop();
    await http.close();
  });
  jobs.define({
    name: PURGE_JOB,
    cron: '47 3 * * *',
    expireInSeconds: 3600,
    handler: async () => {
      const purged = await endpoints.purge();
      if (purged) log.info({ purged }, 'webhook events past retention removed');
    },
  });

  await registerWebhookRoutes(app as never, { db, endpoints });
  return { endpoints, dispatcher };
}
