import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../../config.js';
import type { Db, Queryable } from '../../../db/index.js';
import type { Keyring } from '../../../platform/encryption.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { CreditLeases } from '../../wallet/credit-leases.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import { applyStatusEvents } from '../inbound/status-events.js';
import { graphCompatRoutes } from './graph-compat.routes.js';
import { purgeIdempotencyKeys } from './idempotency.js';
import { createMediaLinks } from './media-links.js';
import { createMediaService } from './media.service.js';
import { KeyRateLimiter, ThroughputPacer, createSharedWindows, databaseSlotClaim, databaseWindowFlush } from './pacing.js';
import { createPriceBook } from './send-caches.js';
import { createSendGate } from './send-http.js';
import { SEND_MAINTENANCE_JOB, SEND_RETRY_JOB, createSendService } from './send.service.js';
import { createTemplateCategories } from './template-categories.js';
import { testSendRoutes } from './test-send.routes.js';
import { v1MessagesRoutes } from './v1-messages.routes.js';

/**
 * Wires the send path (README.md beside this file): POST /v1/messages, the Graph-compatible /graph
 * endpoints, the web app's test send, the throughput retry job and the hourly maintenance
 * (idempotency keys, media records, stale reserves).
 */
export async function registerWhatsAppMessages(
  app: FastifyInstance,
  deps: {
    db: Db;
    jobs: Jobs;
    config: Readonly<Config>;
    log: FastifyBaseLogger;
    graph: GraphClient | null;
    ring: Keyring;
    leases: CreditLeases;
    /** whatsapp/inbound's listeners: consent changes a send learns of reach the customer's webhooks. */
    events?: InboundEvents | undefined;
  },
) {
  const { db, jobs, config, log, graph, ring, leases, events } = deps;
  const windows = createSharedWindows(db);
  const pacer = new ThroughputPacer({ claim: databaseSlotClaim(windows), maxWaitMs: config.waSendMaxWaitMs });
  const keyLimiter = new KeyRateLimiter({ flush: databaseWindowFlush(windows), ratePerSecond: config.waApiKeyRatePerSecond, onError: (err) => log.warn({ err }, 'API key rate window not updated') });
  const templates = graph ? createTemplateCategories({ graph, log }) : null;
  const send = createSendService({
    db,
    jobs,
    graph,
    ring,
    leases,
    pacer,
    prices: createPriceBook(db),
    templates: templates ?? { lookup: async () => ({ kind: 'unknown', category: 'marketing' }), forget: () => {} },
    log,
    // Status reports that overtook the send's answer are applied as soon as the wamid is known.
    applyStatusEvents: (q: Queryable, wamid: string) => applyStatusEvents(q, wamid, { log, events }),
    events,
  });
  const media = createMediaService({ db, graph, ring, links: createMediaLinks(ring) });

  jobs.define<{ messageId: string; attempt: number }>({ name: SEND_RETRY_JOB, handler: send.retry, retryLimit: 3, retryDelaySeconds: 10 });
  jobs.define({
    name: SEND_MAINTENANCE_JOB,
    cron: '29 * * * *',
    handler: async () => {
      const keys = await purgeIdempotencyKeys(db);
      const mediaRecords = await media.purgeExpired();
      const released = await send.releaseStale();
      if (keys || mediaRecords || released) log.info({ keys, mediaRecords, released }, 'whatsapp send maintenance');
    },
  });

  // Leases are settled when the process stops (after the server closed, so every charge committed).
  app.addHook('onClose', async () => leases.closeAll());

  const gate = createSendGate(db, keyLimiter);
  app.addHook('onClose', async () => gate.close());
  await app.register(v1MessagesRoutes, { db, send, gate });
  await app.register(graphCompatRoutes, { prefix: '/graph', db, send, media, gate, publicUrl: config.publicUrl });
  await app.register(testSendRoutes, { db, graph, ring, send });
  return { send, media, pacer, keyLimiter };
}
