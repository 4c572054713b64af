import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../../db/index.js';
import type { Keyring } from '../../../platform/encryption.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { Notifier } from '../../notifications/notifier.js';
import type { GraphClient } from '../graph/graph-client.js';
import { createTemplateStatusUpdates } from './template-status-update.js';
import { SYNC_DUE_JOB, SYNC_JOB, createTemplateSync, queueTemplateSync } from './template-sync.js';
import { templateRoutes } from './templates.routes.js';
import { createTemplatesService } from './templates.service.js';
import { templateApiRoutes } from './templates.v1.routes.js';

/**
 * Wires the template manager (README.md beside this file): its jobs (the sync of one business
 * account; every minute, queueing the accounts due for their 15-minute sync), the web UI routes and
 * /v1. Answers the status-update handlers for the inbound webhook processor.
 */
export async function registerWhatsAppTemplates(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; graph: GraphClient | null; ring: Keyring; notifier: Pick<Notifier, 'notify'>; log: FastifyBaseLogger },
) {
  const { db, jobs, graph, ring, notifier, log } = deps;
  // A status report about a template nobody knows yet queues a sync that fetches it.
  const statusUpdates = createTemplateStatusUpdates({ notifier, queueSync: (q, tenantId, wabaId) => queueTemplateSync(jobs, q, tenantId, wabaId) });
  const sync = createTemplateSync({ db, jobs, graph, ring, statusUpdates, log });
  const templates = createTemplatesService({ db, graph, ring, sync });

  jobs.define<{ tenantId: string; wabaId: string }>({ name: SYNC_JOB, handler: sync.runSyncJob, retryLimit: 2, retryDelaySeconds: 60, expireInSeconds: 900 });
  const { queueDue } = sync;
  jobs.define({ name: SYNC_DUE_JOB, cron: '* * * * *', handler: async () => void (await queueDue()) });

  await app.register(templateRoutes, { db, templates });
  await app.register(templateApiRoutes, { db, templates });

  return {
    templates,
    sync,
    /** For the inbound webhook processor: field `message_template_status_update`. */
    applyTemplateStatusUpdate: statusUpdates.applyTemplateStatusUpdate,
    /** For the inbound webhook processor: field `message_template_quality_update`. */
    applyTemplateQualityUpdate: statusUpdates.applyTemplateQualityUpdate,
  };
}

export type WhatsAppTemplates = Awaited<ReturnType<typeof registerWhatsAppTemplates>>;
