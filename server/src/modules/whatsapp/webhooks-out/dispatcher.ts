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
/** How long an outcome may wait for others to be written with it (`gather`). */
const GATHER_MS = 100;

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
  const secrets = new Map<string, string>();
  let running = false;
  let loopDone: Promise<void> | null = null;
  /** Waiters for the next moment worth claiming again (see `claimPays`). */
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

  // ---- what this worker holds ----
  // A claimed row is *queued* here until a slot is free, then *sending* (an HTTP request in flight: the
  // slots `concurrency` and `perEndpoint` bound) — together *active* — and then its outcome waits to be
  // written (*unrecorded*). Or it is given back unsent.
  interface Held {
    d: ClaimedDelivery;
    /** When the claim's lease ends (ms); an attempt starts only with time to finish and be recorded before. */
    leaseEnds: number;
  }
  const queues = new Map<string, Held[]>();
  const sending = new Map<string, number>();
  let sendingTotal = 0;
  const active = new Map<string, number>();
  let activeTotal = 0;
  let unrecorded = 0;
  /** Attempts from their start until their outcome is written (what `stop` waits for). */
  const inFlight = new Set<Promise<void>>();
  /** Given back to the outbox at the next claim (or on stop). */
  let toRelease: Held[] = [];
  /** Endpoints that answered 410 and are being disabled: nothing more is sent to them meanwhile. */
  const paused = new Set<string>();
  /** Endpoints that had more due than the last claim took; `moreDue`: the claim hit its overall limit. */
  const backlog = new Set<string>();
  let moreDue = false;
  let started = 0;

  // Claimed ahead: a round in flight per endpoint and more queued behind it, so a freed slot starts the
  // next attempt without a database round trip and claims come in batches. Queued rows wait on the
  // endpoint's earlier rounds, so an endpoint holds no more rounds than fit in the lease even if every
  // attempt took the whole timeout (two at least; `startQueued` gives back what would not fit). Outcomes
  // not yet written count against the same overall cap, so a slow database holds back new claims.
  const rounds = Math.max(2, Math.min(5, Math.floor((0.75 * settings.leaseMs) / settings.timeoutMs)));
  const endpointCap = rounds * settings.perEndpoint;
  const totalCap = Math.max(3 * settings.concurrency, endpointCap);
  // An endpoint with more due claims again when two rounds are left (one at most for a short lease):
  // the claim then comes back while they are still sending.
  const refillAt = Math.min(2 * settings.perEndpoint, endpointCap / 2);
  // (Never more than most of the lease, so a row fresh from its claim always starts.)
  const startMargin = Math.min(settings.timeoutMs + settings.leaseMs / 4, 0.9 * settings.leaseMs);

  const count = (m: Map<string, number>, key: string, by: number) => {
    const n = (m.get(key) ?? 0) + by;
    if (n > 0) m.set(key, n);
    else m.delete(key);
  };

  /**
   * Whether claiming now would fetch a batch: nothing is active, or an endpoint with more due is down
   * to `refillAt`, or the last claim was cut short and a round's worth of room is free. Otherwise the
   * worker waits for that or for its next poll, rather than query after every answer.
   */
  function claimPays(): boolean {
    if (unrecorded >= totalCap || activeTotal >= totalCap) return false;
    if (activeTotal === 0) return true;
    if (moreDue && activeTotal <= totalCap - settings.concurrency) return true;
    for (const id of backlog) if ((active.get(id) ?? 0) <= refillAt) return true;
    return false;
  }

  /** Starts queued rows while slots are free, endpoints taking turns; gives back those the lease no longer covers. */
  function startQueued(): void {
    const now = clock.now().getTime();
    for (const [endpointId, queue] of [...queues]) {
      if (sendingTotal >= settings.concurrency) break;
      if (paused.has(endpointId)) continue;
      let launched = false;
      while (queue.length && sendingTotal < settings.concurrency && (sending.get(endpointId) ?? 0) < settings.perEndpoint) {
        const h = queue.shift()!;
        if (h.leaseEnds - now < startMargin) giveBack(h);
        else {
          launch(h);
          launched = true;
        }
      }
      if (!queue.length) queues.delete(endpointId);
      else if (launched) {
        // To the end of the turn order: an endpoint that just took slots lets the others go first.
        queues.delete(endpointId);
        queues.set(endpointId, queue);
      }
    }
  }

  function giveBack(h: Held): void {
    toRelease.push(h);
    count(active, h.d.endpoint_id, -1);
    activeTotal--;
  }

  async function releaseGivenBack(): Promise<void> {
    if (!toRelease.length) return;
    const list = toRelease;
    toRelease = [];
    await repo.release(db, list.map((h) => ({ id: h.d.id, token: h.d.claim_token })), clock.now()).catch((err: unknown) => {
      // Not released: the lease runs out and they are due again then.
      log.error({ err }, 'claimed webhook deliveries not released');
    });
  }

  function launch(h: Held): void {
    const { d } = h;
    started++;
    count(sending, d.endpoint_id, 1);
    sendingTotal++;
    const p: Promise<void> = attempt(h)
      .catch((err: unknown) => log.error({ err, deliveryId: d.id }, 'webhook attempt failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  async function attempt({ d }: Held): Promise<void> {
    const startedAt = clock.now();
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = await send(d, startedAt);
    } catch (err) {
      // (Signing: a secret that no longer decrypts.) Recorded like any failure, so the row is not left held.
      log.error({ err, deliveryId: d.id }, 'webhook attempt failed unexpectedly');
      outcome = { status: null, body: null, error: 'The attempt failed inside the platform.', retryAfterSeconds: null };
    } finally {
      // The slot is free once the answer is in: the next attempt need not wait for this one's record.
      count(sending, d.endpoint_id, -1);
      sendingTotal--;
      count(active, d.endpoint_id, -1);
      activeTotal--;
    }
    if (outcome.status === 410) paused.add(d.endpoint_id);
    startQueued();
    if (claimPays()) wake();
    await recordLater({ d, outcome, startedAt, durationMs: Math.max(0, Math.round(performance.now() - t0)) });
  }

  // ---- recording outcomes ----

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
   * Outcomes are written in groups: while one group is written, the next outcomes gather for the
   * following one (group commit), so a busy worker does not pay a statement per delivery. A group that
   * fails is written again one outcome at a time, so one bad row cannot hold back the others.
   */
  function recordLater(done: Omit<Done, 'recorded'>): Promise<void> {
    return new Promise<void>((resolve) => {
      toRecord.push({ ...done, recorded: resolve });
      unrecorded++;
      gathered?.();
      if (!recording) recording = writeOutcomes();
    });
  }

  let gathered: (() => void) | null = null;
  /**
   * Lets answers that already arrived join the next group and, while requests are in flight, waits up
   * to GATHER_MS for a group of half the overall cap: a statement costs about as much for one row as
   * for fifty, and no slot waits for it (only the log's freshness does).
   */
  async function gather(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const until = performance.now() + GATHER_MS;
    while (toRecord.length < totalCap / 2 && sendingTotal > 0 && performance.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, until - performance.now());
        gathered = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      gathered = null;
    }
  }

  async function writeOutcomes(): Promise<void> {
    while (toRecord.length) {
      await gather();
      const group = toRecord;
      toRecord = [];
      const closed = new Set<string>();
      try {
        await write(group, closed);
      } catch (err) {
        log.warn({ err, outcomes: group.length }, 'webhook outcomes written one by one after a failed group');
        for (const one of group) {
          // Not recorded at all: the lease runs out and the delivery is sent again (at least once).
          await write([one], closed).catch((e: unknown) => log.error({ err: e, deliveryId: one.d.id }, 'webhook attempt could not be recorded'));
        }
      }
      unrecorded -= group.length;
      for (const one of group) {
        if (one.outcome.status === 410) paused.delete(one.d.endpoint_id);
        one.recorded();
      }
      // A disabled endpoint's queued rows go back, to wait in the outbox until it is enabled again.
      for (const id of closed) {
        for (const h of queues.get(id) ?? []) giveBack(h);
        queues.delete(id);
        backlog.delete(id);
      }
      startQueued();
      if (claimPays() || toRelease.length) wake();
    }
    recording = null;
  }

  const succeeded = (o: Outcome) => o.status !== null && o.status >= 200 && o.status < 300;

  /** Successes alone are one statement; failures need a transaction (endpoint health, closed). */
  async function write(group: Done[], closedEndpoints: Set<string>): Promise<void> {
    const now = clock.now();
    const successes = group.filter((g) => succeeded(g.outcome)).map((g) => outcomeRow(g));
    const failures = group.filter((g) => !succeeded(g.outcome));
    if (!failures.length) return repo.recordSuccesses(db, successes, now);
    const closed = new Set<string>();
    await db.tx(async (tx) => {
      await repo.recordSuccesses(tx, successes, now);
      await recordFailures(tx, failures, now, closed);
    });
    for (const id of closed) closedEndpoints.add(id);
  }

  function outcomeRow({ d, outcome, startedAt, durationMs }: Done): repo.AttemptOutcome {
    return { id: d.id, token: d.claim_token, endpointId: d.endpoint_id, attempt: d.attempts, startedAt, durationMs, status: outcome.status, responseBody: outcome.body };
  }

  async function recordFailures(tx: Queryable, group: Done[], now: Date, closed: Set<string>): Promise<void> {
    const rows = group.map((g) => {
      const o = g.outcome;
      const error = o.status === 410 ? '410 Gone: the endpoint was disabled; its events wait until it is enabled again.' : o.error;
      const delay = o.final ? null : retryDelayMs(settings.schedule, g.d.attempts, { retryAfterSeconds: o.retryAfterSeconds, random, maxRetryAfterSeconds: settings.maxRetryAfterSeconds });
      return { ...outcomeRow(g), error, nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay) };
    });
    await repo.recordFailures(tx, rows, now);
    // Endpoint health, once per endpoint and in a fixed order (workers lock endpoint rows alike).
    // An attempt that sent nothing (`final`) tells nothing about the endpoint.
    const byEndpoint = new Map<string, Done[]>();
    for (const g of group) if (!g.outcome.final) byEndpoint.set(g.d.endpoint_id, [...(byEndpoint.get(g.d.endpoint_id) ?? []), g]);
    for (const id of [...byEndpoint.keys()].sort()) {
      const failed = byEndpoint.get(id)!;
      const endpoint = await repo.markEndpointFailure(tx, id, now);
      if (!endpoint || endpoint.status !== 'enabled') {
        // Deleted or disabled meanwhile: what is queued for it goes back too.
        closed.add(id);
        continue;
      }
      const failingFor = now.getTime() - endpoint.failing_since.getTime();
      const reason = failed.some((g) => g.outcome.status === 410) ? 'gone' : failingFor >= settings.disableAfterFailingMs ? 'failing' : null;
      if (!reason) continue;
      await disableEndpoint(tx, id, endpoint.tenant_id, endpoint.url, reason, now);
      closed.add(id);
    }
  }

  async function disableEndpoint(tx: Queryable, endpointId: string, tenantId: string, url: string, reason: 'gone' | 'failing', now: Date): Promise<void> {
    await setStatus(tx, endpointId, reason, now);
    await insertActivity(
      tx,
      { type: 'system' },
      { action: 'webhook_endpoint.auto_disabled', subjectUserId: tenantId, object: { type: 'webhook_endpoint', id: endpointId }, details: { reason, url } },
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
      link: `/whatsapp/webhooks/${endpointId}`,
    });
    log.warn({ endpointId, reason }, 'webhook endpoint disabled');
  }

  // ---- claiming ----

  /** Gives back what is due to go back, then claims due deliveries up to the caps and starts what fits; returns how many were claimed. */
  async function fill(): Promise<number> {
    await releaseGivenBack();
    const room = unrecorded >= totalCap ? 0 : totalCap - activeTotal;
    if (room <= 0) return 0;
    // An endpoint holding more than `refillAt` takes nothing this time (claims come in batches).
    const allowance = new Map<string, number>();
    for (const [id, n] of active) allowance.set(id, n > refillAt ? 0 : endpointCap - n);
    const now = clock.now();
    const leaseEnds = now.getTime() + settings.leaseMs;
    const claimed = await repo.claimDue(db, { now, limit: room, perEndpoint: endpointCap, allowance, leaseUntil: new Date(leaseEnds), token: randomUUID() });
    const got = new Map<string, number>();
    for (const d of claimed) {
      const queue = queues.get(d.endpoint_id) ?? [];
      queue.push({ d, leaseEnds });
      queues.set(d.endpoint_id, queue);
      count(got, d.endpoint_id, 1);
      count(active, d.endpoint_id, 1);
      activeTotal++;
    }
    // Endpoints that took all they were allowed probably have more due; the others have none for now.
    for (const id of new Set([...backlog, ...got.keys()])) {
      const allowed = allowance.get(id) ?? endpointCap;
      if (allowed === 0) continue;
      if ((got.get(id) ?? 0) >= allowed) backlog.add(id);
      else backlog.delete(id);
    }
    moreDue = claimed.length >= room;
    startQueued();
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
      // More is due and there is room for it: claim again; otherwise wait for room or the next poll.
      if (claimed > 0 && claimPays()) continue;
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
      for (const queue of queues.values()) for (const h of queue) giveBack(h);
      queues.clear();
      await releaseGivenBack();
      await Promise.all([...inFlight]);
      await releaseGivenBack();
    },

    /**
     * Sends everything due now and waits until each attempt is recorded; returns how many attempts
     * were made. For tools and tests that drive delivery step by step (with a moved clock).
     */
    async runDue(): Promise<number> {
      const before = started;
      for (;;) {
        const claimed = await fill();
        if (claimed === 0 && activeTotal === 0 && unrecorded === 0) {
          await releaseGivenBack();
          return started - before;
        }
        if (claimed === 0 || !claimPays()) await nextWake();
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
