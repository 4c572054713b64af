import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { FileLinks } from '../../platform/file-links.js';
import type { Jobs } from '../../platform/jobs.js';
import type { FileStore } from '../../platform/storage/index.js';
import type { UploadReceiver } from '../../platform/uploads/index.js';
import type { Notifier } from '../notifications/notifier.js';
import { supportRoutes, supportStaffRoutes } from './support.routes.js';
import { createSupportService, type SupportConfig, type SupportService } from './support.service.js';

export const CLOSE_RESOLVED_JOB = 'support.close-resolved';
export const ATTACHMENT_CLEANUP_JOB = 'support.attachment-cleanup';

/** Wires support tickets into the app (see README.md): service, jobs, routes. */
export async function registerSupport(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; store: FileStore; uploads: UploadReceiver; links: FileLinks; notifier: Notifier; config: SupportConfig & { nodeEnv: string }; log: FastifyBaseLogger },
): Promise<{ support: SupportService }> {
  const { db, jobs, config, log } = deps;
  const support = createSupportService(deps);
  // pg-boss runs each cron slot once across all instances.
  jobs.define({
    name: CLOSE_RESOLVED_JOB,
    cron: '11 * * * *',
    expireInSeconds: 900,
    handler: async () => {
      const closed = await support.closeExpired();
      if (closed) log.info({ closed }, 'support: resolved tickets past the reopen period closed');
    },
  });
  jobs.define({
    name: ATTACHMENT_CLEANUP_JOB,
    cron: '47 * * * *',
    expireInSeconds: 1800,
    handler: async () => {
      const purged = await support.purgeAttachments();
      if (purged.pending || purged.orphans) log.info({ purged }, 'support: unsent attachments removed');
    },
  });
  if (config.nodeEnv === 'production' && !config.grievanceOfficer.configured) {
    log.warn('GRIEVANCE_OFFICER_EMAIL is not set: the support pages show the placeholder grievance officer contact');
  }
  await app.register(supportRoutes, { db, support, maxUploadBytes: config.uploadMaxBytes });
  await app.register(supportStaffRoutes, { support });
  return { support };
}
