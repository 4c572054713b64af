import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db } from '../../../db/index.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { Notifier } from '../../notifications/notifier.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import type { SendService } from '../messages/send.service.js';
import { AUTOMATION_JOB, AUTOMATION_PURGE_JOB, createAutomationRunner, type AutomationJobData } from './automation-runner.js';
import { automationRoutes } from './automations.routes.js';
import { createAutomationsService } from './automations.service.js';

export interface AutomationOptions {
  /** The time every decision is taken at: opening hours, the 24-hour window, cooldowns, flood limits (tests). */
  clock?: () => Date;
}

/**
 * Wires the automations (README.md beside this file): the listener on the inbound events that queues
 * a job per inbound message, the job that replies through the send service, the daily purge of old
 * runs, and the web UI's routes.
 */
export async function registerWhatsAppAutomations(
  app: FastifyInstance,
  deps: { db: Db; jobs: Jobs; events: InboundEvents; send: Pick<SendService, 'send'>; notifier: Pick<Notifier, 'notify'>; log: FastifyBaseLogger; options?: AutomationOptions | undefined },
) {
  const { db, jobs, events, send, notifier, log } = deps;
  const clock = deps.options?.clock ?? (() => new Date());
  const runner = createAutomationRunner({ db, jobs, send, notifier, log, clock });
  const automations = createAutomationsService({ db, clock });

  // A send WhatsApp never took (unreachable, throughput wait) is tried again for about 15 minutes.
  jobs.define<AutomationJobData>({ name: AUTOMATION_JOB, handler: runner.run, retryLimit: 5, retryDelaySeconds: 30 });
  jobs.define({ name: AUTOMATION_PURGE_JOB, cron: '47 3 * * *', handler: async () => void (await runner.purge()) });
  events.use({ customerEvent: runner.onInboundEvent });

  await app.register(automationRoutes, { db, automations });
  return { runner, automations };
}

export type WhatsAppAutomations = Awaited<ReturnType<typeof registerWhatsAppAutomations>>;
