import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { Jobs } from '../../platform/jobs.js';
import { createInbox, type Inbox } from './inbox.service.js';
import { notificationRoutes } from './notifications.routes.js';

export const PURGE_JOB = 'notifications.purge';

/** The in-app inbox's routes and its retention job (the notifier itself is built in app.ts, before its users). */
export async function registerNotifications(app: FastifyInstance, deps: { db: Db; jobs: Jobs; log: FastifyBaseLogger }): Promise<{ inbox: Inbox }> {
  const inbox = createInbox({ db: deps.db });
  deps.jobs.define({
    name: PURGE_JOB,
    cron: '53 2 * * *',
    expireInSeconds: 1800,
    handler: async () => {
      const purged = await inbox.purge();
      if (purged) deps.log.info({ purged }, 'notifications past retention removed');
    },
  });
  await app.register(notificationRoutes, { inbox });
  return { inbox };
}
