import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { FileLinks } from '../../platform/file-links.js';
import type { Jobs } from '../../platform/jobs.js';
import type { FileStore } from '../../platform/storage/index.js';
import type { UploadReceiver } from '../../platform/uploads/index.js';
import type { KycGate } from '../kyc/kyc-gate.js';
import type { Notifier } from '../notifications/notifier.js';
import type { WalletService } from '../wallet/wallet.service.js';
import { applicationRoutes, staffApplicationRoutes } from './applications.routes.js';
import { createApplicationsService, type ApplicationsConfig, type ApplicationsService } from './applications.service.js';

/** Wires service applications into the app (see README.md). */
export async function registerApplications(
  app: FastifyInstance,
  deps: {
    db: Db;
    jobs: Jobs;
    store: FileStore;
    uploads: UploadReceiver;
    links: FileLinks;
    kycGate: KycGate;
    wallet: WalletService;
    notifier: Notifier;
    config: ApplicationsConfig;
  },
): Promise<{ applications: ApplicationsService }> {
  const { db, store, uploads, links, kycGate, wallet, notifier, config } = deps;
  const applications = createApplicationsService({ db, store, uploads, links, kycGate, wallet, notifier, config });
  deps.jobs.define({
    name: 'applications.sweep-files',
    cron: '47 2 * * *',
    expireInSeconds: 3600,
    handler: async () => {
      const removed = await applications.sweepOrphans();
      if (removed) app.log.info({ removed }, 'application files no document names were removed');
    },
  });
  await app.register(applicationRoutes, { applications, maxUploadBytes: config.uploadMaxBytes });
  await app.register(staffApplicationRoutes, { applications, maxUploadBytes: config.uploadMaxBytes });
  return { applications };
}
