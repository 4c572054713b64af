import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { Jobs } from '../../platform/jobs.js';
import { createPooledTransport, injectTransport, type GraphTransport } from '../whatsapp/graph/graph-transport.js';
import { graphApiRoutes } from './graph-api.routes.js';
import { PROGRESS_JOB, PURGE_JOB, SANDBOX_GRAPH_PREFIX, TEMPLATE_REVIEW_JOB, WEBHOOK_JOB, createMetaSandbox, type MetaSandbox } from './meta-sandbox.service.js';
import { sandboxMetaApp } from './sandbox-ids.js';
import { simAdminRoutes } from './sim-admin.routes.js';

/** Whether the simulator runs: only without a real Meta app, and never in production. */
export function metaSandboxEnabled(config: Pick<Config, 'metaApp' | 'nodeEnv'>): boolean {
  return !config.metaApp && config.nodeEnv !== 'production';
}

/**
 * Mounts the Cloud API simulator under /sandbox/graph (README.md beside this file) and defines its
 * jobs. Webhooks go to META_SANDBOX_WEBHOOK_URL: in-process when that is on PUBLIC_URL (a server
 * calling its own public address breaks behind proxies), over the network otherwise.
 */
export async function registerMetaSandbox(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; config: Readonly<Config>; log: FastifyBaseLogger; webhookTransport?: GraphTransport },
): Promise<MetaSandbox | null> {
  const { db, jobs, config, log } = deps;
  if (!metaSandboxEnabled(config)) return null;
  let webhookTransport = deps.webhookTransport;
  if (!webhookTransport) {
    if (new URL(config.metaSandboxWebhookUrl).origin === new URL(config.publicUrl).origin) {
      webhookTransport = injectTransport(() => app);
    } else {
      const pooled = createPooledTransport({ connections: 16 });
      app.addHook('onClose', async () => pooled.close());
      webhookTransport = pooled.transport;
    }
  }
  const metaApp = sandboxMetaApp(config.masterKey);
  const sandbox = createMetaSandbox({
    db,
    jobs,
    metaApp,
    verifyToken: config.metaVerifyToken ?? metaApp.verifyToken,
    publicUrl: config.publicUrl,
    webhookUrl: config.metaSandboxWebhookUrl,
    webhookTransport,
    graphVersion: config.metaGraphVersion,
    log,
  });
  // Meta retries webhooks for days; ten tries with doubling delays from 5 s cover about an hour and a half.
  jobs.define<{ id: string }>({ name: WEBHOOK_JOB, handler: sandbox.deliverWebhook, retryLimit: 10, retryDelaySeconds: 5 });
  jobs.define<{ ids?: string[]; id?: string }>({ name: PROGRESS_JOB, handler: sandbox.progress, retryLimit: 5, retryDelaySeconds: 2 });
  jobs.define<{ id: string }>({ name: TEMPLATE_REVIEW_JOB, handler: sandbox.reviewPendingTemplate, retryLimit: 5, retryDelaySeconds: 5 });
  jobs.define({ name: PURGE_JOB, cron: '47 * * * *', handler: sandbox.purge });
  await app.register(graphApiRoutes, { prefix: SANDBOX_GRAPH_PREFIX, sandbox, publicUrl: config.publicUrl });
  await app.register(simAdminRoutes, { prefix: `${SANDBOX_GRAPH_PREFIX}/_sim`, sandbox });
  log.debug({ graphUrl: config.publicUrl + SANDBOX_GRAPH_PREFIX, webhookUrl: config.metaSandboxWebhookUrl }, 'Cloud API simulator mounted');
  return sandbox;
}
