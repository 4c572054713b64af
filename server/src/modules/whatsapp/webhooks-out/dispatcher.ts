import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../../../db/index.js';
import { SYSTEM_META } from '../../../platform/actor.js';
import { decryptString, type Keyring } from '../../../platform/encryption.js';
import { OutboundFailed, OutboundRefused, type SafeFetch } from '../../../platform/safe-fetch.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { Notifier } from '../../notifications/notifier.js';
import * as repo from './deliveries.repo.js';
import type { ClaimedDelivery } from './deliveries.repo.js';
import { setStatus } from './endpoints.repo.js';
import { parseRetryAfter, retryDelayMs } from './retry-schedule.js';
import type { Clock, DeliverySettings } from './settings.js';
import { metaSignature, signatureHeader } from './signing.js';

/** Response bytes kept in the attempt log. */
export const LOGGED_BODY_BYTES = 1024;

export interface DispatcherDeps {
  db: Db;
  http: Pick<SafeFetch, 'request'>;
  ring: Keyring;
  notifier: Notifier;
  log: FastifyBaseLogger;
  clock: Clock;
  settings: DeliverySettings;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
}

interface Outcome {
  status: number | null;
  body: string | null;
  error: string | null;
  retryAfterSeconds: number | null;
  /** Trying again cannot help: the delivery fails at once. */
  final?: boolean;
}

/**
 * Sends due deliveries from the outbox (README.md: "Delivery"). Any number of processes may run one
 * on the same database: a worker claims rows with SKIP LOCKED and a lease, sends, and records the
 * outcome only if it still holds the lease, so a worker killed mid-attempt loses nothing — its rows
 * come due again when the lease runs out and another worker (or itself, restarted) sends them.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { db, http, ring, notifier, log, clock, settings } = deps;
  const random = deps.random ?? Math.random;
  const inFlight = new Set<Promise<void>>();
  const perEndpoint = new Map<string, number>();
  const secrets = new Map<string, string>();
  let running = false;
  let loopDone: Promise<void> | null = null;
  /** Waiters for the next moment worth claiming again (see `launch`). */
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const nextWake = (timeoutMs?: number) =>
    new Promise<void>((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      // A poll that times out takes its waiter back, so an idle worker does not pile them up.
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              waiters = waiters.filter((w) => w !== waiter);
              resolve();
            }, timeoutMs);
      waiters.push(waiter);
    });

  function secret(d: ClaimedDelivery, enc: string): string {
    let plain = secrets.get(enc);
    if (plain === undefined) {
      plain = decryptString(ring, enc, `webhook_endpoint:${d.endpoint_id}`);
      // Decrypting costs an unwrap per call; a few thousand endpoints fit easily.
      if (secrets.size >= 5000) secrets.clear();
      secrets.set(enc, plain);
    }
    return plain;
  }

  /** The secrets that sign now: the current one, and the previous one for 24 h after a rotation. */
  function signingSecrets(d: ClaimedDelivery, now: Date): string[] {
    const list = [secret(d, d.secret_enc)];
    if (d.previous_secret_enc && d.previous_secret_expires_at && d.previous_secret_expires_at > now) list.push(secret(d, d.previous_secret_enc));
    return list;
  }

  async function send(d: ClaimedDelivery, startedAt: Date): Promise<Outcome> {
    const body = d.format === 'meta' ? d.meta_body : d.body;
    // The endpoint switched to Meta's format after this event was queued, and Meta has no shape for it.
    if (body === null) {
      return { status: null, body: null, error: 'This event has no Meta-format payload; switch the endpoint to the standard format and replay it.', retryAfterSeconds: null, final: true };
    }
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const keys = signingSecrets(d, startedAt);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'SevaKendra-Webhooks/1.0',
      'webhook-id': d.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(keys, d.event_id, timestamp, body),
    };
    if (d.format === 'meta') headers['x-hub-signature-256'] = metaSignature(keys[0]!, body);
    try {
      const res = await http.request(d.url, { method: 'POST', headers, body, timeoutMs: settings.timeoutMs });
      const status = res.status;
      let error: string | null = null;
      if (status >= 300 && status < 400) {
        const location = res.headers.location;
        error = `Redirects are not followed${location ? ` (Location: ${String(location).slice(0, 300)})` : ''}; point the endpoint at the final URL.`;
      }
      return { status, body: loggedBody(res.body), error, retryAfterSeconds: parseRetryAfter(res.headers['retry-after'], startedAt) };
    } catch (err) {
      if (err instanceof OutboundRefused || err instanceof OutboundFailed) return { status: null, body: null, error: err.message, retryAfterSeconds: null };
      log.error({ err, deliveryId: d.id }, 'webhook attempt failed unexpectedly');
      return { status: null, body: null, error: 'The attempt failed inside the platform.', retryAfterSeconds: null };
    }
  }

  interface Done {
    d: ClaimedDelivery;
    outcome: Outcome;
    startedAt: Date;
    durationMs: number;
    recorded: () => void;
  }
  let toRecord: Done[] = [];
  let recording: Promise<void> | null = null;

  /**
   * Outcomes are written in groups: while one transaction commits, the next outcomes gather for the
   * following one (group commit), so a busy worker does not pay a commit per delivery. A group that
   * fails is written again one outcome at a time, so one bad row cannot hold back the others.
   */
  function recordLater(done: Omit<Done, 'recorded'>): Promise<void> {
    return new Promise<void>((resolve) => {
      toRecord.push({ ...done, recorded: resolve });
      if (!recording) recording = writeOutcomes();
    });
  }

  async function writeOutcomes(): Promise<void> {
    while (toRecord.length) {
      // Let answers that already arrived join this group.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const group = toRecord;
      toRecord = [];
      try {
        await db.tx((tx) => record(tx, group));
      } catch (err) {
        log.warn({ err, outcomes: group.length }, 'webhook outcomes written one by one after a failed group');
        for (const one of group) {
          // Not recorded at all: the lease runs out and the delivery is sent again (at least once).
          await db.tx((tx) => record(tx, [one])).catch((e: unknown) => log.error({ err: e, deliveryId: one.d.id }, 'webhook attempt could not be recorded'));
        }
      }
      for (const one of group) one.recorded();
    }
    recording = null;
  }

  async function record(tx: Queryable, group: Done[]): Promise<void> {
    const now = clock.now();
    const ok = (o: Outcome) => o.status !== null && o.status >= 200 && o.status < 300;
    const successes = group.filter((g) => ok(g.outcome));
    await repo.recordSuccesses(
      tx,
      successes.map(({ d, outcome, startedAt, durationMs }) => ({ id: d.id, token: d.claim_token, attempt: d.attempts, startedAt, durationMs, status: outcome.status!, responseBody: outcome.body })),
      now,
    );
    await repo.markEndpointsSucceeding(tx, [...new Set(successes.map((g) => g.d.endpoint_id))].sort(), now);
    for (const g of group.filter((x) => !ok(x.outcome)).sort((a, b) => a.d.endpoint_id.localeCompare(b.d.endpoint_id))) {
      await recordFailure(tx, g, now);
    }
  }

  async function recordFailure(tx: Queryable, { d, outcome: o, startedAt, durationMs }: Done, now: Date): Promise<void> {
    const gone = o.status === 410;
    const error = gone ? '410 Gone: the endpoint was disabled; its events wait until it is enabled again.' : o.error;
    const delay = o.final ? null : retryDelayMs(settings.schedule, d.attempts, { retryAfterSeconds: o.retryAfterSeconds, random, maxRetryAfterSeconds: settings.maxRetryAfterSeconds });
    const next = delay === null ? null : new Date(now.getTime() + delay);
    await repo.finishAttempt(tx, { id: d.id, token: d.claim_token }, { state: next ? 'pending' : 'failed', nextAttemptAt: next, status: o.status, error, now });
    await repo.insertAttempt(tx, { deliveryId: d.id, attempt: d.attempts, startedAt, durationMs, statusCode: o.status, responseBody: o.body, error, success: false, nextAttemptAt: next });
    // Nothing was sent, so nothing is known about the endpoint's health.
    if (o.final) return;
    const endpoint = await repo.markEndpointFailure(tx, d.endpoint_id, now);
    if (!endpoint || endpoint.status !== 'enabled') return;
    const failingFor = now.getTime() - endpoint.failing_since.getTime();
    const reason = gone ? 'gone' : failingFor >= settings.disableAfterFailingMs ? 'failing' : null;
    if (reason) await disableEndpoint(tx, d, endpoint.tenant_id, endpoint.url, reason, now);
  }

  async function disableEndpoint(tx: Queryable, d: ClaimedDelivery, tenantId: string, url: string, reason: 'gone' | 'failing', now: Date): Promise<void> {
    await setStatus(tx, d.endpoint_id, reason, now);
    await insertActivity(
      tx,
      { type: 'system' },
      { action: 'webhook_endpoint.auto_disabled', subjectUserId: tenantId, object: { type: 'webhook_endpoint', id: d.endpoint_id }, details: { reason, url } },
      SYSTEM_META,
    );
    const days = Math.round(settings.disableAfterFailingMs / 86_400_000);
    const why =
      reason === 'gone'
        ? { en: 'answered 410 Gone', hi: 'ने 410 Gone लौटाया' }
        : { en: `failed every delivery for ${days} days`, hi: `पर ${days} दिनों से हर डिलीवरी विफल रही` };
    await notifier.notify(tx, {
      userId: tenantId,
      topic: 'service_updates',
      kind: 'webhooks.endpoint_disabled',
      title: { en: 'Webhook endpoint disabled', hi: 'वेबहुक एंडपॉइंट बंद किया गया' },
      body: {
        en: `Your webhook endpoint ${url} ${why.en}, so it was disabled. Its events are kept: fix the endpoint and enable it again to receive them.`,
        hi: `आपके वेबहुक एंडपॉइंट ${url} ${why.hi}, इसलिए इसे बंद कर दिया गया। इसके इवेंट सुरक्षित हैं: एंडपॉइंट ठीक करके इसे फिर से चालू करें, तब वे भेजे जाएँगे।`,
      },
      link: `/whatsapp/webhooks/${d.endpoint_id}`,
    });
    log.warn({ endpointId: d.endpoint_id, reason }, 'webhook endpoint disabled');
  }

  async function attempt(d: ClaimedDelivery): Promise<void> {
    const startedAt = clock.now();
    const t0 = performance.now();
    const outcome = await send(d, startedAt);
    await recordLater({ d, outcome, startedAt, durationMs: Math.max(0, Math.round(performance.now() - t0)) });
  }

  // Claimed ahead (up to one more round per endpoint), so a freed slot starts the next delivery
  // without a database round trip; the lease covers the wait.
  const waiting = new Map<string, ClaimedDelivery[]>();
  let waitingCount = 0;

  function launch(d: ClaimedDelivery): void {
    perEndpoint.set(d.endpoint_id, (perEndpoint.get(d.endpoint_id) ?? 0) + 1);
    const p: Promise<void> = attempt(d)
      .catch((err: unknown) => log.error({ err, deliveryId: d.id }, 'webhook attempt failed'))
      .finally(() => {
        const n = (perEndpoint.get(d.endpoint_id) ?? 1) - 1;
        if (n > 0) perEndpoint.set(d.endpoint_id, n);
        else perEndpoint.delete(d.endpoint_id);
        inFlight.delete(p);
        startWaiting();
        // Claiming again pays once a round has drained: the endpoint holds one round or less, or
        // half the slots are free, or nothing is left (claims come in batches, not one per answer).
        const held = (perEndpoint.get(d.endpoint_id) ?? 0) + (waiting.get(d.endpoint_id)?.length ?? 0);
        if (held <= settings.perEndpoint || inFlight.size + waitingCount <= settings.concurrency || inFlight.size === 0) wake();
      });
    inFlight.add(p);
  }

  function startWaiting(): void {
    for (const [endpointId, list] of waiting) {
      while (list.length && inFlight.size < settings.concurrency && (perEndpoint.get(endpointId) ?? 0) < settings.perEndpoint) {
        waitingCount--;
        launch(list.shift()!);
      }
      if (!list.length) waiting.delete(endpointId);
    }
  }

  /** Claims due deliveries up to two rounds of free slots and starts what fits; returns how many were claimed. */
  async function fill(): Promise<number> {
    const room = 2 * settings.concurrency - inFlight.size - waitingCount;
    if (room <= 0) return 0;
    const held = new Map(perEndpoint);
    for (const [id, list] of waiting) held.set(id, (held.get(id) ?? 0) + list.length);
    const now = clock.now();
    const claimed = await repo.claimDue(db, { now, limit: room, perEndpoint: 2 * settings.perEndpoint, held, leaseUntil: new Date(now.getTime() + settings.leaseMs), token: randomUUID() });
    for (const d of claimed) {
      const list = waiting.get(d.endpoint_id) ?? [];
      list.push(d);
      waiting.set(d.endpoint_id, list);
      waitingCount++;
    }
    startWaiting();
    return claimed.length;
  }

  async function loop(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await fill();
      } catch (err) {
        log.error({ err }, 'webhook dispatcher could not claim deliveries');
      }
      if (!running) break;
      // Something claimed: more may be due; otherwise wait for freed slots or the next poll.
      if (claimed > 0 && inFlight.size + waitingCount < 2 * settings.concurrency) continue;
      await nextWake(settings.pollMs);
    }
  }

  return {
    /** Starts the polling loop (processes that work jobs; see webhooks-out.module.ts). */
    start(): void {
      if (running) return;
      running = true;
      loopDone = loop();
    },

    /**
     * Stops claiming, gives back deliveries claimed but not yet started (due again at once, for any
     * worker), and waits for the attempts in flight to be recorded (each ends within its timeout).
     */
    async stop(): Promise<void> {
      running = false;
      wake();
      await loopDone;
      loopDone = null;
      const unstarted = [...waiting.values()].flat();
      waiting.clear();
      waitingCount = 0;
      await repo.release(db, unstarted.map((d) => ({ id: d.id, token: d.claim_token })), clock.now()).catch((err: unknown) => log.error({ err }, 'claimed webhook deliveries not released'));
      await Promise.all([...inFlight]);
    },

    /**
     * Sends everything due now and waits until each attempt is recorded; returns how many attempts
     * were made. For tools and tests that drive delivery step by step (with a moved clock).
     */
    async runDue(): Promise<number> {
      let total = 0;
      for (;;) {
        const claimed = await fill();
        total += claimed;
        if (claimed === 0 && inFlight.size === 0 && waitingCount === 0) return total;
        if (claimed === 0 || inFlight.size + waitingCount >= 2 * settings.concurrency) await nextWake();
      }
    },

    /** Attempts in flight in this process. */
    inFlight: () => inFlight.size,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/** Text of a response body for the log: at most 1 KB, valid UTF-8, no NUL (which PostgreSQL cannot store). */
export function loggedBody(body: Buffer): string | null {
  if (!body.length) return null;
  // eslint-disable-next-line no-control-regex -- NUL is what must go
  let text = body.subarray(0, LOGGED_BODY_BYTES).toString('utf8').replace(/\u0000/g, '');
  while (Buffer.byteLength(text) > LOGGED_BODY_BYTES) text = text.slice(0, -1);
  return text;
}
