import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../../db/index.js';
import type { Notifier } from '../../notifications/notifier.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import type { SendService } from '../messages/send.service.js';
import { createConversationsService } from './conversations.service.js';
import { createInboundListener } from './inbox-feed.js';
import { inboxRoutes } from './inbox.routes.js';
import { createQuickRepliesService } from './quick-replies.service.js';
import { createReplyService } from './reply.service.js';
import { InboxStreamHub, type StreamHubOptions } from './stream-hub.js';
import { streamRoutes } from './stream.routes.js';
import { teamRoutes } from './team.routes.js';
import { createTeamService } from './team.service.js';

/**
 * The team inbox (README.md beside this file): the tenant's team, conversations with assignment,
 * notes, quick replies and replies through the send path, and live updates over server-sent events.
 * It listens to what the webhooks bring through `events` (inbound/inbound-events.ts).
 */
export async function registerTeamInbox(
  app: FastifyInstance,
  deps: { db: Db; log: FastifyBaseLogger; notifier: Notifier; events: InboundEvents; send: Pick<SendService, 'send'>; sessionIdleMinutes: number; stream?: StreamHubOptions },
) {
  const { db, log } = deps;
  deps.events.use({ customerEvent: createInboundListener({ log }) });
  const conversations = createConversationsService({ db });
  const replies = createReplyService({ db, send: deps.send });
  const quickReplies = createQuickRepliesService({ db });
  const team = createTeamService({ db, notifier: deps.notifier });
  const hub = new InboxStreamHub({ db, log, sessionIdleSeconds: deps.sessionIdleMinutes * 60 }, deps.stream);
  // Open streams would hold the server's close forever: they are ended first (browsers reconnect elsewhere).
  app.addHook('preClose', async () => hub.close());
  await app.register(inboxRoutes, { db, conversations, replies, quickReplies });
  await app.register(teamRoutes, { db, team });
  await app.register(streamRoutes, { db, hub });
  return { conversations, replies, quickReplies, team, hub };
}

export type TeamInbox = Awaited<ReturnType<typeof registerTeamInbox>>;
