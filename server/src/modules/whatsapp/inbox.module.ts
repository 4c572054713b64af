import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { Keyring } from '../../platform/encryption.js';
import type { Jobs } from '../../platform/jobs.js';
import type { MetaSandbox } from '../meta-sandbox/meta-sandbox.service.js';
import type { MetaAppCredentials } from './graph/graph.module.js';
import { contactApiRoutes, contactRoutes } from './contacts/contacts.routes.js';
import { createContactsService } from './contacts/contacts.service.js';
import { InboundEvents } from './inbound/inbound-events.js';
import { registerWhatsAppInbound } from './inbound/inbound.module.js';
import { messageLogApiRoutes, messageLogRoutes } from './messages/message-log.routes.js';
import { createMessageLog } from './messages/message-log.service.js';
import { phoneRoutes } from './phone/phone.routes.js';
import { createPhoneService } from './phone/phone.service.js';

/**
 * The receiving side of the WhatsApp platform (README.md beside this file): Meta's webhooks, the
 * message log, contacts and consent, and the simulator's "be the phone" page. `events` is where
 * modules wired later subscribe to what the webhooks bring (inbound/inbound-events.ts).
 */
export async function registerWhatsAppInbox(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; ring: Keyring; metaApp: MetaAppCredentials | null; sandbox: MetaSandbox | null; log: FastifyBaseLogger },
) {
  const events = new InboundEvents();
  const inbound = await registerWhatsAppInbound(app, { ...deps, events });
  const contacts = createContactsService({ db: deps.db, events });
  await app.register(contactRoutes, { db: deps.db, contacts });
  await app.register(contactApiRoutes, { db: deps.db, contacts });
  const messageLog = createMessageLog({ db: deps.db });
  await app.register(messageLogRoutes, { log: messageLog });
  await app.register(messageLogApiRoutes, { db: deps.db, log: messageLog });
  const phone = createPhoneService({ db: deps.db, sandbox: deps.sandbox });
  await app.register(phoneRoutes, { db: deps.db, phone });
  return { events, inbound, contacts, messageLog, phone };
}
