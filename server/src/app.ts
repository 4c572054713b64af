import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { pendingMigrations } from './db/migrate.js';
import { vacuumWhereDue } from './db/vacuum.js';
import { frameworkErrors, installErrorHandler } from './platform/error-handler.js';
import { securityHeaders } from './platform/security-headers.js';
import { installInputGuard, strictDateTime } from './platform/input-guard.js';
import { Jobs } from './platform/jobs.js';
import { webDistDir } from './platform/paths.js';
import { purgeExpiredWindows } from './platform/rate-limit.js';
import { requestForLog } from './platform/request-log.js';
import { ErrorResponse } from './platform/schemas.js';
import { adminUserRoutes } from './modules/accounts/admin-users.routes.js';
import { User } from './modules/accounts/accounts.schemas.js';
import { createAccountsService } from './modules/accounts/accounts.service.js';
import { authRoutes } from './modules/accounts/auth.routes.js';
import { createAccountClosure } from './modules/accounts/closure.js';
import { closureRoutes } from './modules/accounts/closure.routes.js';
import { meRoutes } from './modules/accounts/me.routes.js';
import { sessionCookies } from './modules/accounts/session-cookie.js';
import { installSessionAuth } from './modules/accounts/session-auth.js';
import { purgeEndedSessions } from './modules/accounts/sessions.repo.js';
import { activityRoutes } from './modules/audit/activity.routes.js';
import { MAIL_JOB, createMailService, createMailTransport, type MailTransport } from './modules/mail/mail.service.js';
import { mailRoutes } from './modules/mail/mail.routes.js';
import { createNotifier } from './modules/notifications/notifier.service.js'; // notifications
import { registerNotifications } from './modules/notifications/notifications.module.js';
import { registerSupport } from './modules/support/support.module.js'; // support tickets
import { registerPayments } from './modules/payments/payments.module.js'; // payments
import { countPaymentsAwaitingCapture } from './modules/payments/payments.repo.js';
import { createWalletService } from './modules/wallet/wallet.service.js';
import { walletRoutes } from './modules/wallet/wallet.routes.js';
import { registerServices } from './modules/services/services.module.js'; // services catalogue
import { registerApplications } from './modules/applications/applications.module.js'; // service applications
// kyc + files
import { createFileLinks } from './platform/file-links.js';
import { createFileStore, keyringFromConfig, sweepLocalTemp } from './platform/storage/index.js';
import { createUploadReceiver } from './platform/uploads/index.js';
import { fileRoutes } from './modules/files/files.routes.js';
import { createKycGate } from './modules/kyc/kyc-gate.js';
import { kycRoutes } from './modules/kyc/kyc.routes.js';
import { createKycService } from './modules/kyc/kyc.service.js';
// whatsapp: graph client + simulator
import { registerWhatsAppGraph } from './modules/whatsapp/graph/graph.module.js';
// whatsapp: numbers, API keys, prices and usage
import { registerWhatsAppAccount } from './modules/whatsapp/account.module.js';
import { rewrapNumberSecrets } from './modules/whatsapp/numbers/numbers.repo.js';
// whatsapp: webhooks in, message log, contacts and consent, "be the phone"
import { registerWhatsAppInbox } from './modules/whatsapp/inbox.module.js';
import { emitCustomerEvent } from './modules/whatsapp/webhooks-out/emit.js';
// whatsapp: customer webhooks (outbox + dispatcher)
import { registerWebhooksOut, type WebhooksOutOptions } from './modules/whatsapp/webhooks-out/webhooks-out.module.js';
// whatsapp: message templates (create, status, sync, send checks)
import { registerWhatsAppTemplates } from './modules/whatsapp/templates/templates.module.js';
// whatsapp: sending (messages, media, idempotency, pacing, reserve)
import { registerWhatsAppMessages } from './modules/whatsapp/messages/messages.module.js';
import { CreditLeases } from './modules/wallet/credit-leases.js';
// whatsapp: automations (welcome, away, keyword rules, opt-out confirmations)
import { registerWhatsAppAutomations, type AutomationOptions } from './modules/whatsapp/automations/automations.module.js';
// whatsapp: team inbox (team members, conversations, notes, quick replies, replies, live updates)
import { registerTeamInbox } from './modules/whatsapp/inbox/inbox.module.js';

export interface PlatformOptions {
  config: Readonly<Config>;
  db: Db;
  /** Replaces the transport chosen from SMTP_URL (tests). */
  mailTransport?: MailTransport;
  /** Pino options or `false` for silence (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Clock, jitter, DNS and delivery settings of customer webhooks (tests). */
  webhooksOut?: WebhooksOutOptions;
  /** Clock of the WhatsApp automations (tests). */
  automations?: AutomationOptions;
}

// Headers and fields that must never reach the logs.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.access_token',
  // kyc: an Aadhaar number must never reach a log, whatever logs a body or an object holding one.
  'aadhaarNumber',
  '*.aadhaarNumber',
  '*.*.aadhaarNumber',
  '*.aadhaar',
  '*.pan',
  // whatsapp: a number's own Meta app secret and verify token, an API key in the one answer that shows it
  '*.appSecret',
  '*.app_secret',
  '*.verifyToken',
  '*.verify_token',
  '*.secret',
];

const NON_SPA_PREFIXES = ['/assets/', '/api/', '/v1/', '/graph/', '/webhooks/', '/sandbox/', '/docs', '/openapi.json', '/healthz', '/readyz'];

/** The composition root: builds every service once and wires them into one Fastify app. */
export async function createPlatform(opts: PlatformOptions) {
  const { config, db } = opts;
  const serverOptions: FastifyServerOptions = {
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: { paths: REDACT, censor: '[redacted]' },
            serializers: { req: requestForLog },
            ...(typeof opts.logger === 'object' ? opts.logger : {}),
          },
    genReqId: () => randomUUID(),
    // A hop count is accepted at run time though the option's type names only string | boolean | list.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true }, onCreate: strictDateTime },
    frameworkErrors,
  };
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();
  const log: FastifyBaseLogger = app.log;

  const jobs = new Jobs(db, log);
  const mail = createMailService({ db, jobs, transport: opts.mailTransport ?? createMailTransport(config.smtpUrl), from: config.mailFrom, log });
  // notifications: in-app inbox, email and (once the platform's own number exists) WhatsApp (modules/notifications/README.md)
  const notifier = createNotifier({ mail, publicUrl: config.publicUrl });
  const accounts = createAccountsService({ db, mail, config });
  const cookies = sessionCookies(config.httpsOnly);
  const wallet = createWalletService({ db });
  const closure = createAccountClosure({
    db,
    walletTotal: async (q, userId) => (await wallet.balances(userId, q)).posted,
    topupsAwaitingCapture: (q, userId) => countPaymentsAwaitingCapture(q, userId),
  });

  jobs.define<{ id: string }>({ name: MAIL_JOB, handler: mail.deliver, retryLimit: 8, retryDelaySeconds: 30 });
  jobs.define({
    name: 'maintenance.hourly',
    cron: '17 * * * *',
    handler: async () => {
      await purgeExpiredWindows(db);
      await purgeEndedSessions(db);
    },
  });

  if (db.kind === 'pglite') {
    // PGlite runs no autovacuum: without this, dead rows pile up and plans go by the statistics of
    // an empty database (db/vacuum.ts).
    jobs.define({
      name: 'db.vacuum',
      cron: '* * * * *',
      handler: async () => {
        const done = await vacuumWhereDue(db);
        if (done.vacuumed.length || done.analyzed.length) log.info(done, 'database maintenance: vacuumed and analyzed');
      },
    });
  }

  jobs.define({ name: 'wallet.expire-holds', cron: '* * * * *', handler: async () => void (await wallet.expireHolds()) });
  jobs.define({
    name: 'wallet.reconcile',
    cron: '23 * * * *',
    handler: async () => {
      const { drift } = await wallet.reconcileBalances();
      if (drift.length) log.error({ drift }, 'ledger drift: cached balances differ from the sum of entries');
    },
  });

  // kyc + files: encrypted file store, upload validation, KYC (modules/kyc/README.md, platform/storage/README.md)
  const ring = keyringFromConfig(config);
  const { store: files } = createFileStore(config, ring);
  const fileLinks = createFileLinks(ring);
  const uploads = createUploadReceiver({ store: files, clamav: config.clamav });
  const kyc = createKycService({ db, store: files, uploads, links: fileLinks, notifier, ring, config });
  const kycGate = createKycGate({ db, requiredFor: config.kycRequiredFor });
  /** Key rotation: re-wraps every file's data key and every encrypted column under MASTER_KEY. */
  const rotateKeys = async () => ({ files: await files.rewrapAll(), kycSecrets: await kyc.rewrapSecrets(), waNumberSecrets: await rewrapNumberSecrets(db, ring), webhookSecrets: await webhooksOut.endpoints.rewrapSecrets() });
  jobs.define({
    name: 'kyc.retention-purge',
    cron: '37 2 * * *',
    expireInSeconds: 3600,
    handler: async () => {
      const purged = await kyc.purgeExpired();
      await sweepLocalTemp(config.filesDir, 24 * 3600 * 1000);
      if (purged.profiles || purged.orphans) log.info({ purged }, 'KYC retention purge');
    },
  });
  // Runs daily while old keys are configured (MASTER_KEY_PREVIOUS); `seva rotate-keys` runs it at once.
  jobs.define({
    name: 'files.rewrap-keys',
    expireInSeconds: 3600,
    ...(config.masterKeyPrevious.length ? { cron: '41 3 * * *' } : {}),
    handler: async () => void log.info({ rotated: await rotateKeys() }, 'master key rotation: data keys re-wrapped'),
  });

  installErrorHandler(app);
  installInputGuard(app);
  app.addSchema(ErrorResponse);
  app.addSchema(User);

  // Razorpay's checkout runs its script and frames from its own origins; nothing else is allowed.
  const gatewayOrigins = config.razorpay ? ['https://checkout.razorpay.com', 'https://api.razorpay.com'] : [];
  const headers = securityHeaders(
    {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", ...gatewayOrigins],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...gatewayOrigins],
          frameSrc: gatewayOrigins.length ? gatewayOrigins : ["'none'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'", ...gatewayOrigins],
          upgradeInsecureRequests: config.httpsOnly ? [] : null,
        },
      },
      strictTransportSecurity: config.httpsOnly ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // Reset and verification links carry tokens in the URL; no Referer may take them elsewhere.
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    },
    { 'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()' },
  );
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(headers);
    if (config.httpsOnly && request.protocol !== 'https' && !/^\/(healthz|readyz)\b/.test(request.url)) {
      // Behind a TLS-terminating proxy (TRUST_PROXY), X-Forwarded-Proto tells the original scheme.
      reply.redirect(config.publicUrl + request.url, 308);
      return;
    }
    done();
  });
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Seva Kendra API', version: '0.1.0', description: 'Service centre portal and WhatsApp Business API platform.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: cookies.sessionName },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installSessionAuth(app, { db, accounts, cookies });

  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness: database reachable and migrated' } }, async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      const pending = await pendingMigrations(db);
      if (pending.length) return reply.status(503).send({ status: 'migrations_pending', pending });
      return { status: 'ready', database: db.kind };
    } catch {
      return reply.status(503).send({ status: 'database_unreachable' });
    }
  });

  await app.register(authRoutes, { db, accounts, cookies });
  await app.register(meRoutes, { db, accounts });
  await app.register(adminUserRoutes, { db, accounts });
  await app.register(closureRoutes, { closure, cookies });
  await app.register(activityRoutes, { db });
  await app.register(mailRoutes, { db });
  await app.register(walletRoutes, { db, wallet, limits: { topupMinPaise: config.topupMinPaise, topupMaxPaise: config.topupMaxPaise, kycLimitPaise: config.topupKycLimitPaise } });
  // payments: wallet top-ups through Razorpay or the built-in sandbox gateway (modules/payments/README.md)
  await registerPayments(app as unknown as FastifyInstance, { db, jobs, config, wallet, kycGate, log });
  // kyc + files
  await app.register(kycRoutes, { kyc, maxUploadBytes: config.uploadMaxBytes });
  await app.register(fileRoutes, { links: fileLinks, store: files });

  // whatsapp: graph client + simulator (modules/whatsapp/graph, modules/meta-sandbox/README.md). Returns the
  // Graph client, the Meta app credentials that verify webhooks, and the simulator (null with a real Meta app).
  const whatsappGraph = await registerWhatsAppGraph(app as unknown as FastifyInstance, { db, jobs, config, log });
  // whatsapp modules below use whatsappGraph.graph (null: WhatsApp off), .metaApp and .sandbox
  void whatsappGraph;
  // whatsapp: numbers, API keys (+ GET /v1/me), prices and usage (modules/whatsapp/README.md)
  await registerWhatsAppAccount(app as unknown as FastifyInstance, { db, ring, graph: whatsappGraph.graph, sandbox: whatsappGraph.sandbox, kycGate, publicUrl: config.publicUrl });
  // whatsapp: GET/POST /webhooks/whatsapp, message log, contacts and consent, "be the phone" (modules/whatsapp/inbound/README.md)
  const whatsappInbox = await registerWhatsAppInbox(app as unknown as FastifyInstance, { db, jobs, ring, metaApp: whatsappGraph.metaApp, sandbox: whatsappGraph.sandbox, log });
  // whatsapp: customer webhooks: endpoints, the outbox dispatcher, /v1/webhook-endpoints (modules/whatsapp/webhooks-out/README.md)
  const webhooksOut = await registerWebhooksOut(app as unknown as FastifyInstance, { db, jobs, config, ring, notifier, log, options: opts.webhooksOut });
  // whatsapp: message templates: create/list/preview/delete, status updates, periodic sync (modules/whatsapp/templates/README.md).
  // whatsappTemplates.applyTemplateStatusUpdate(tx, { wabaId, value, time }) handles message_template_status_update.
  const whatsappTemplates = await registerWhatsAppTemplates(app as unknown as FastifyInstance, { db, jobs, graph: whatsappGraph.graph, ring, notifier, log });
  // whatsapp: what Meta's webhooks bring goes on, in the same transaction, to the template manager and the customer webhooks
  whatsappInbox.events.use({ customerEvent: emitCustomerEvent, templateStatus: whatsappTemplates.applyTemplateStatusUpdate, templateQuality: whatsappTemplates.applyTemplateQualityUpdate });
  // whatsapp: sending — POST /v1/messages, /graph/{version}/… (messages, media), test send; one credit-lease pool per
  // process for message charges (modules/whatsapp/messages/README.md, modules/wallet/README.md "Hot wallets")
  const creditLeases = new CreditLeases(db, { blockPaise: config.waLeaseBlockPaise, ttlSeconds: 300, marginSeconds: 60 });
  const whatsappMessages = await registerWhatsAppMessages(app as unknown as FastifyInstance, { db, jobs, config, log, graph: whatsappGraph.graph, ring, leases: creditLeases, events: whatsappInbox.events });
  // whatsapp: automations — a job per inbound message (queued by whatsappInbox.events), replies through the send service (modules/whatsapp/automations/README.md)
  const whatsappAutomations = await registerWhatsAppAutomations(app as unknown as FastifyInstance, { db, jobs, events: whatsappInbox.events, send: whatsappMessages.send, notifier, log, options: opts.automations });
  // whatsapp: team inbox — the tenant's team, conversations, notes, quick replies, replies through the send service,
  // live updates over server-sent events fanned out with LISTEN/NOTIFY (modules/whatsapp/inbox/README.md)
  const whatsappTeamInbox = await registerTeamInbox(app as unknown as FastifyInstance, { db, log, notifier, events: whatsappInbox.events, send: whatsappMessages.send, sessionIdleMinutes: config.sessionIdleMinutes });

  // services catalogue: categories, services and versioned forms managed by admins (modules/services/README.md)
  await registerServices(app as unknown as FastifyInstance, { db, config });
  // service applications: drafts, submission with a wallet hold, workflow, work queue, receipts (modules/applications/README.md)
  const { applications } = await registerApplications(app as unknown as FastifyInstance, { db, jobs, store: files, uploads, links: fileLinks, kycGate, wallet, notifier, config });

  // notifications inbox + support tickets (modules/notifications/README.md, modules/support/README.md)
  await registerNotifications(app as unknown as FastifyInstance, { db, jobs, log });
  const { support } = await registerSupport(app as unknown as FastifyInstance, { db, jobs, store: files, uploads, links: fileLinks, notifier, config, log });
  // Retention of a closed account's application documents and ticket attachments (RECORDS_RETENTION_DAYS); KYC has its own job.
  jobs.define({
    name: 'records.retention-purge',
    cron: '43 2 * * *',
    expireInSeconds: 3600,
    handler: async () => {
      const purged = { applications: await applications.purgeClosedAccountFiles(), support: await support.purgeClosedAccountFiles() };
      if (purged.applications.accounts || purged.support.accounts) log.info({ purged }, 'records retention purge');
      const failed = [...purged.applications.failed, ...purged.support.failed];
      if (failed.length) log.error({ failed }, 'records retention purge: files could not be deleted (retried on the next run)');
    },
  });

  await registerWebApp(app);

  return { app: app as unknown as FastifyInstance, jobs, services: { accounts, mail, wallet, kyc, kycGate, files, rotateKeys, notifier, support, applications, webhooksOut, whatsappTemplates, whatsappMessages, creditLeases, whatsappInbox, whatsappAutomations, whatsappTeamInbox } };
}

/** Serves the built SPA; unknown GETs outside the APIs get index.html so client-side routes load. */
async function registerWebApp(app: FastifyInstance): Promise<void> {
  const hasWeb = existsSync(path.join(webDistDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      wildcard: false,
      setHeaders(res, filePath) {
        res.setHeader('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0]!;
    if (hasWeb && (request.method === 'GET' || request.method === 'HEAD') && !NON_SPA_PREFIXES.some((p) => url.startsWith(p))) {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    return reply.status(404).send({
      error: { code: 'route_not_found', message: `No route for ${request.method} ${url}.`, requestId: String(request.id) },
    });
  });
}

export type Platform = Awaited<ReturnType<typeof createPlatform>>;
