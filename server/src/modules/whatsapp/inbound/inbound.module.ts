import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../../db/index.js';
import type { Keyring } from '../../../platform/encryption.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { MetaAppCredentials } from '../graph/graph.module.js';
import { InboundEvents } from './inbound-events.js';
import { inboundRoutes } from './inbound.routes.js';
import { STATUS_SWEEP_JOB, WEBHOOK_EVENT_JOB, createWebhookProcessor } from './webhook-processor.js';
import { createWebhookReceiver } from './webhook-receiver.js';

/**
 * Receiving Meta's webhooks (README.md beside this file): the GET/POST /webhooks/whatsapp routes,
 * the job that processes each stored POST, and the minute sweep for status reports whose message
 * learnt its wamid late.
 */
export async function registerWhatsAppInbound(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; ring: Keyring; metaApp: MetaAppCredentials | null; log: FastifyBaseLogger; events?: InboundEvents },
) {
  const events = deps.events ?? new InboundEvents();
  const processor = createWebhookProcessor({ db: deps.db, log: deps.log, events });
  const receiver = createWebhookReceiver(deps);
  // Meta retries for days; a failed processing is retried for about an hour, then left `failed` for operators.
  // One at a time per process: the listeners (automations' first contact, the inbox's conversations)
  // look at what earlier messages left behind, and two POSTs of one person processed at once could both
  // see nothing yet. Meta's own out-of-order deliveries are handled; concurrent processing is not.
  deps.jobs.define<{ id: string }>({ name: WEBHOOK_EVENT_JOB, handler: processor.processEvent, retryLimit: 8, retryDelaySeconds: 15, wakeOnEnqueue: true });
  deps.jobs.define({ name: STATUS_SWEEP_JOB, cron: '* * * * *', handler: async () => void (await processor.sweepStatuses()) });
  await app.register(inboundRoutes, { receiver });
  return { processor, receiver, events };
}
