import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/index.js';
import type { Jobs } from '../../../platform/jobs.js';
import { metaSandboxEnabled, registerMetaSandbox } from '../../meta-sandbox/meta-sandbox.module.js';
import { SANDBOX_GRAPH_PREFIX, type MetaSandbox } from '../../meta-sandbox/meta-sandbox.service.js';
import { sandboxMetaApp } from '../../meta-sandbox/sandbox-ids.js';
import { createGraphClient, type GraphClient } from './graph-client.js';
import { createPooledTransport, injectTransport, type GraphTransport } from './graph-transport.js';

export const META_GRAPH_DEFAULT_URL = 'https://graph.facebook.com';

/** The Meta app the platform's webhooks come from: the real one, or the simulator's. */
export interface MetaAppCredentials {
  source: 'meta' | 'sandbox';
  appId: string;
  /** Verifies X-Hub-Signature-256 on POST /webhooks/whatsapp (modules/whatsapp/webhook-signature.ts). */
  appSecret: string;
  /** Answers Meta's GET /webhooks/whatsapp handshake. */
  verifyToken: string | undefined;
}

/**
 * META_APP_ID/META_APP_SECRET when set; otherwise, outside production, the simulator's app, whose
 * secret is derived from MASTER_KEY (so every instance and restart agrees); in production without
 * a Meta app, none: WhatsApp is off.
 */
export function metaAppCredentials(config: Pick<Config, 'metaApp' | 'metaVerifyToken' | 'nodeEnv' | 'masterKey'>): MetaAppCredentials | null {
  if (config.metaApp) return { source: 'meta', ...config.metaApp, verifyToken: config.metaVerifyToken };
  if (!metaSandboxEnabled(config)) return null;
  const app = sandboxMetaApp(config.masterKey);
  return { source: 'sandbox', appId: app.appId, appSecret: app.appSecret, verifyToken: config.metaVerifyToken ?? app.verifyToken };
}

/**
 * Where the platform's Graph client goes: META_GRAPH_URL when set (over the network); else the
 * simulator in this app (in-process, no network hop) when it runs; else graph.facebook.com.
 */
export function graphTarget(config: Pick<Config, 'metaApp' | 'metaGraphUrl' | 'nodeEnv' | 'publicUrl'>): { baseUrl: string; inProcess: boolean } | null {
  if (config.metaGraphUrl) return { baseUrl: config.metaGraphUrl, inProcess: false };
  if (metaSandboxEnabled(config)) return { baseUrl: config.publicUrl + SANDBOX_GRAPH_PREFIX, inProcess: true };
  if (config.metaApp) return { baseUrl: META_GRAPH_DEFAULT_URL, inProcess: false };
  return null;
}

/**
 * Wires Meta's Graph API into the app: mounts the simulator when no Meta app is configured, builds
 * the one Graph client (keep-alive pool, closed with the app) and tells which app secret signs the
 * webhooks. `graph` is null in production without a Meta app.
 */
export async function registerWhatsAppGraph(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; config: Readonly<Config>; log: FastifyBaseLogger; transport?: GraphTransport },
): Promise<{ graph: GraphClient | null; metaApp: MetaAppCredentials | null; sandbox: MetaSandbox | null }> {
  const { config, log } = deps;
  const sandbox = await registerMetaSandbox(app, deps);
  const target = graphTarget(config);
  let graph: GraphClient | null = null;
  if (target) {
    let transport = deps.transport;
    if (!transport) {
      if (target.inProcess) transport = injectTransport(() => app);
      else {
        const pooled = createPooledTransport();
        app.addHook('onClose', async () => pooled.close());
        transport = pooled.transport;
      }
    }
    graph = createGraphClient({ baseUrl: target.baseUrl, version: config.metaGraphVersion, timeoutMs: config.metaGraphTimeoutMs, transport });
  } else {
    log.warn('META_APP_ID and META_APP_SECRET are not set: WhatsApp messaging is off in production');
  }
  return { graph, metaApp: metaAppCredentials(config), sandbox };
}
