import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { sha256 } from '../../../platform/crypto.js';
import type { Keyring } from '../../../platform/encryption.js';
import { AppError, badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity, type ActivityEntry } from '../../audit/activity.repo.js';
import type { KycGate } from '../../kyc/kyc-gate.js';
import type { MetaSandbox } from '../../meta-sandbox/meta-sandbox.service.js';
import type { GraphClient } from '../graph/graph-client.js';
import { CheckFailure, checkWithMeta } from './number-check.js';
import * as repo from './numbers.repo.js';
import type { NumberRow } from './numbers.repo.js';
import type { ConnectInput, UpdateInput } from './numbers.schemas.js';

type UserActor = Extract<Actor, { type: 'user' }>;

// Labels: no control characters or bidirectional overrides (they would disguise the text).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function cleanLabel(label: string | undefined): string {
  const text = (label ?? '').normalize('NFC').trim();
  if (BAD_TEXT.test(text)) throw badRequest('validation_failed', 'The label contains characters that are not allowed.', [{ field: 'label', message: 'contains characters that are not allowed' }]);
  return text;
}

const verifyTokenHash = (token: string) => sha256(token).toString('hex');

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505';
}

const alreadyYours = () => conflict('number_already_connected', 'This phone number is already connected to your account.');
const takenElsewhere = () => conflict('number_taken', 'This phone number is connected to another account on this platform. It has to be disconnected there first.');
const isDisconnected = () => conflict('number_disconnected', 'This number is disconnected. Connect it again to use it.');

/**
 * Customers' WhatsApp Business numbers: connect (checked against the Graph API with the customer's
 * token, which is then stored encrypted), re-check, rotate the token, change the label or the
 * customer's own Meta app, disconnect. Every change is one transaction with its activity record.
 * See README.md beside this file.
 */
export function createNumbersService(deps: {
  db: Db;
  ring: Keyring;
  /** null: WhatsApp is off (production without a Meta app). */
  graph: GraphClient | null;
  /** The Cloud API simulator, when it runs: offers one-click test numbers. */
  sandbox: Pick<MetaSandbox, 'createNumber'> | null;
  kycGate: Pick<KycGate, 'check'>;
  publicUrl: string;
}) {
  const { db, ring, sandbox, kycGate } = deps;

  function graphOrThrow(): GraphClient {
    if (!deps.graph) throw new AppError(503, 'whatsapp_unavailable', 'WhatsApp is not available on this platform right now.');
    return deps.graph;
  }

  async function own(tenantId: string, id: string): Promise<NumberRow> {
    const row = await repo.findTenantNumber(db, tenantId, id);
    if (!row) throw notFound('WhatsApp number');
    return row;
  }

  async function live(tenantId: string, id: string): Promise<NumberRow> {
    const row = await own(tenantId, id);
    if (row.status === 'disconnected') throw isDisconnected();
    return row;
  }

  const record = (actor: UserActor, meta: RequestMeta, numberId: string, entry: Omit<ActivityEntry, 'object' | 'subjectUserId'>) =>
    insertActivity(db, actor, { ...entry, subjectUserId: actor.userId, object: { type: 'wa_number', id: numberId } }, meta);

  /** Checks the connection with Meta, then stores it; `simulator` numbers skip the KYC gate (they reach nobody). */
  async function connectChecked(actor: UserActor, input: ConnectInput, meta: RequestMeta, source: 'meta' | 'simulator'): Promise<NumberRow> {
    const graph = graphOrThrow();
    const label = cleanLabel(input.label);
    const existing = await repo.findLiveNumberByPhoneNumberId(db, input.phoneNumberId);
    if (existing?.tenant_id === actor.userId) throw alreadyYours();
    const about = { phoneNumberId: input.phoneNumberId, wabaId: input.wabaId, source };
    let facts: repo.NumberFacts;
    try {
      facts = await checkWithMeta(graph, { wabaId: input.wabaId, phoneNumberId: input.phoneNumberId, token: input.accessToken });
    } catch (err) {
      if (err instanceof CheckFailure) {
        await insertActivity(db, actor, { action: 'whatsapp.number_connect_failed', subjectUserId: actor.userId, outcome: 'failure', details: { ...about, reason: err.failure } }, meta);
      }
      throw err;
    }
    // Only someone whose token Meta accepted for this number learns that another account has it.
    if (existing) throw takenElsewhere();
    const id = randomUUID();
    try {
      return await db.tx(async (tx) => {
        const row = await repo.insertNumber(tx, {
          id,
          tenantId: actor.userId,
          label,
          wabaId: input.wabaId,
          phoneNumberId: input.phoneNumberId,
          accessTokenEnc: repo.sealNumberSecret(ring, id, 'access_token', input.accessToken),
          appSecretEnc: input.appSecret ? repo.sealNumberSecret(ring, id, 'app_secret', input.appSecret.toLowerCase()) : null,
          verifyTokenHash: input.verifyToken ? verifyTokenHash(input.verifyToken) : null,
          createdBy: actor.userId,
          facts,
        });
        await insertActivity(
          tx,
          actor,
          {
            action: 'whatsapp.number_connected',
            subjectUserId: actor.userId,
            object: { type: 'wa_number', id },
            details: { ...about, label, displayPhoneNumber: facts.display_phone_number, ownApp: Boolean(input.appSecret) },
          },
          meta,
        );
        return row;
      });
    } catch (err) {
      // Two connections of one number raced: the unique index on live phone number ids decided.
      if (!isUniqueViolation(err)) throw err;
      const winner = await repo.findLiveNumberByPhoneNumberId(db, input.phoneNumberId);
      throw winner?.tenant_id === actor.userId ? alreadyYours() : takenElsewhere();
    }
  }

  return {
    async list(tenantId: string) {
      return {
        items: await repo.listTenantNumbers(db, tenantId),
        whatsappAvailable: deps.graph !== null,
        simulatorAvailable: sandbox !== null && deps.graph !== null,
        webhookUrl: `${deps.publicUrl}/webhooks/whatsapp`,
      };
    },

    get: own,

    /** Connects a real WhatsApp Business number (needs approved KYC when KYC_REQUIRED_FOR has whatsapp_api). */
    async connect(actor: UserActor, input: ConnectInput, meta: RequestMeta): Promise<NumberRow> {
      await kycGate.check('whatsapp_api', actor.userId);
      return connectChecked(actor, input, meta, 'meta');
    },

    /** Creates a number in the built-in simulator and connects it through the same checks as a real one. */
    async connectSimulator(actor: UserActor, input: { label?: string | undefined }, meta: RequestMeta): Promise<NumberRow> {
      if (!sandbox) throw new AppError(404, 'simulator_unavailable', 'The Cloud API simulator does not run on this platform: connect a real WhatsApp Business number.');
      graphOrThrow();
      const [user] = await db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [actor.userId]);
      const sim = await sandbox.createNumber({ verified_name: user?.name ?? 'Sandbox Business' });
      return connectChecked(
        actor,
        { label: input.label ?? 'Simulator test number', wabaId: sim.waba_id, phoneNumberId: sim.phone_number_id, accessToken: sim.access_token },
        meta,
        'simulator',
      );
    },

    /**
     * Asks Meta about the number again with its stored token. A refusal puts the number in the
     * `error` state with the reason (answered 200, the number shows it); Meta being unreachable
     * changes nothing (502/503).
     */
    async recheck(actor: UserActor, id: string, meta: RequestMeta): Promise<NumberRow> {
      const graph = graphOrThrow();
      const row = await live(actor.userId, id);
      let outcome: { facts: repo.NumberFacts } | { failure: CheckFailure };
      try {
        outcome = { facts: await checkWithMeta(graph, { wabaId: row.waba_id, phoneNumberId: row.phone_number_id, token: repo.accessTokenOf(ring, row) }) };
      } catch (err) {
        if (!(err instanceof CheckFailure)) throw err;
        outcome = { failure: err };
      }
      return db.tx(async (tx) => {
        const updated = 'facts' in outcome ? await repo.recordCheckSuccess(tx, id, outcome.facts) : await repo.markNumberError(tx, id, outcome.failure.stored);
        if (!updated) throw isDisconnected();
        await insertActivity(
          tx,
          actor,
          {
            action: 'whatsapp.number_checked',
            subjectUserId: actor.userId,
            object: { type: 'wa_number', id },
            outcome: 'facts' in outcome ? 'success' : 'failure',
            details:
              'facts' in outcome
                ? { qualityRating: updated.quality_rating, messagingLimitTier: updated.messaging_limit_tier, throughputLevel: updated.throughput_level }
                : { reason: outcome.failure.failure },
          },
          meta,
        );
        return updated;
      });
    },

    /** Replaces the access token, only once Meta accepted the new one for this number and business account. */
    async rotateToken(actor: UserActor, id: string, accessToken: string, meta: RequestMeta): Promise<NumberRow> {
      const graph = graphOrThrow();
      const row = await live(actor.userId, id);
      let facts: repo.NumberFacts;
      try {
        facts = await checkWithMeta(graph, { wabaId: row.waba_id, phoneNumberId: row.phone_number_id, token: accessToken });
      } catch (err) {
        if (err instanceof CheckFailure) await record(actor, meta, id, { action: 'whatsapp.number_token_rotation_failed', outcome: 'failure', details: { reason: err.failure } });
        throw err;
      }
      return db.tx(async (tx) => {
        const updated = await repo.recordCheckSuccess(tx, id, facts, repo.sealNumberSecret(ring, id, 'access_token', accessToken));
        if (!updated) throw isDisconnected();
        await insertActivity(tx, actor, { action: 'whatsapp.number_token_rotated', subjectUserId: actor.userId, object: { type: 'wa_number', id } }, meta);
        return updated;
      });
    },

    /** The label, and the customer's own Meta app secret and verify token (null removes them). */
    async update(actor: UserActor, id: string, input: UpdateInput, meta: RequestMeta): Promise<NumberRow> {
      const row = await live(actor.userId, id);
      const changes: Parameters<typeof repo.updateNumberSettings>[2] = {};
      if (input.label !== undefined) changes.label = cleanLabel(input.label);
      if (input.appSecret !== undefined) changes.appSecretEnc = input.appSecret === null ? null : repo.sealNumberSecret(ring, id, 'app_secret', input.appSecret.toLowerCase());
      if (input.verifyToken !== undefined) changes.verifyTokenHash = input.verifyToken === null ? null : verifyTokenHash(input.verifyToken);
      const fields = Object.keys(input).filter((k) => input[k as keyof UpdateInput] !== undefined);
      if (!fields.length) return row;
      return db.tx(async (tx) => {
        const updated = await repo.updateNumberSettings(tx, id, changes);
        if (!updated) throw isDisconnected();
        // Which settings changed, never their values (secrets).
        const details: Record<string, unknown> = { fields };
        if (changes.label !== undefined) details.label = { from: row.label, to: changes.label };
        await insertActivity(tx, actor, { action: 'whatsapp.number_updated', subjectUserId: actor.userId, object: { type: 'wa_number', id }, details }, meta);
        return updated;
      });
    },

    /** Stops using the number and erases its token; the phone number id is then free to connect again. Repeating it changes nothing. */
    async disconnect(actor: UserActor, id: string, meta: RequestMeta): Promise<NumberRow> {
      const row = await own(actor.userId, id);
      if (row.status === 'disconnected') return row;
      return db.tx(async (tx) => {
        const updated = await repo.disconnectNumber(tx, id);
        if (!updated) return (await repo.findTenantNumber(tx, actor.userId, id))!;
        await insertActivity(
          tx,
          actor,
          { action: 'whatsapp.number_disconnected', subjectUserId: actor.userId, object: { type: 'wa_number', id }, details: { phoneNumberId: row.phone_number_id, displayPhoneNumber: row.display_phone_number } },
          meta,
        );
        return updated;
      });
    },
  };
}

export type NumbersService = ReturnType<typeof createNumbersService>;
