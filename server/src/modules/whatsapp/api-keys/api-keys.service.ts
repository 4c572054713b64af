import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { keyUsageByDay, reportRange } from '../billing/usage.js';
import { liveTenantNumbersAmong } from '../numbers/numbers.repo.js';
import { mintApiKey, type ApiPrincipal } from './api-key-auth.js';
import * as repo from './api-keys.repo.js';
import { MAX_KEYS_PER_TENANT, type CreateKeyInput } from './api-keys.schemas.js';

type UserActor = Extract<Actor, { type: 'user' }>;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The longest a key may be made to live. */
const MAX_LIFETIME_MS = 5 * 366 * 86_400_000;

/**
 * API keys of a tenant (README.md in ../): created with a name, scopes and optionally a list of
 * numbers and an expiry; the key is shown once and only its hash is kept; revocation works at once
 * (every request reads the key's row). Creation and revocation are in the activity log.
 */
export function createApiKeysService(deps: { db: Db }) {
  const { db } = deps;

  async function own(tenantId: string, id: string): Promise<repo.ApiKeyRow> {
    const key = await repo.findTenantKey(db, tenantId, id);
    if (!key) throw notFound('API key');
    return key;
  }

  return {
    list: (tenantId: string) => repo.listTenantKeys(db, tenantId),

    async create(actor: UserActor, input: CreateKeyInput, meta: RequestMeta): Promise<{ key: repo.ApiKeyRow; secret: string }> {
      const name = input.name.normalize('NFC').trim();
      if (!name || BAD_TEXT.test(name)) throw badRequest('validation_failed', 'Give the key a name without special characters.', [{ field: 'name', message: 'must be a plain, non-empty name' }]);
      let expiresAt: Date | null = null;
      if (input.expiresAt) {
        expiresAt = new Date(input.expiresAt);
        const ms = expiresAt.getTime() - Date.now();
        if (ms <= 0) throw badRequest('validation_failed', 'The expiry must be in the future.', [{ field: 'expiresAt', message: 'must be in the future' }]);
        if (ms > MAX_LIFETIME_MS) throw badRequest('validation_failed', 'A key can live at most five years.', [{ field: 'expiresAt', message: 'must be within five years' }]);
      }
      const numberIds = input.numberIds ?? null;
      return db.tx(async (tx) => {
        if (numberIds) {
          const found = await liveTenantNumbersAmong(tx, actor.userId, numberIds);
          const unknown = numberIds.filter((id) => !found.some((n) => n.id === id));
          if (unknown.length) {
            throw badRequest('unknown_number', 'Some of the numbers are not connected numbers of your account.', unknown.map((id) => ({ field: 'numberIds', message: `${id} is not one of your connected numbers` })));
          }
        }
        await repo.lockTenantKeys(tx, actor.userId);
        if ((await repo.countUsableKeys(tx, actor.userId)) >= MAX_KEYS_PER_TENANT) {
          throw conflict('too_many_keys', `An account can have at most ${MAX_KEYS_PER_TENANT} API keys. Revoke keys you no longer use first.`);
        }
        const minted = mintApiKey();
        const key = await repo.insertKey(tx, {
          tenantId: actor.userId,
          name,
          prefix: minted.prefix,
          secretHash: minted.secretHash,
          scopes: input.scopes,
          numberIds,
          createdBy: actor.userId,
          expiresAt,
        });
        await insertActivity(
          tx,
          actor,
          {
            action: 'whatsapp.api_key_created',
            subjectUserId: actor.userId,
            object: { type: 'api_key', id: key.id },
            details: { name, prefix: key.prefix, scopes: key.scopes, numberIds, expiresAt: expiresAt?.toISOString() ?? null },
          },
          meta,
        );
        return { key, secret: minted.plaintext };
      });
    },

    /** Revokes the key; the next request with it answers 401. Revoking a revoked key changes nothing. */
    async revoke(actor: UserActor, id: string, meta: RequestMeta): Promise<repo.ApiKeyRow> {
      return db.tx(async (tx) => {
        const revoked = await repo.revokeKey(tx, actor.userId, id, actor.userId);
        if (!revoked) {
          const key = await repo.findTenantKey(tx, actor.userId, id);
          if (!key) throw notFound('API key');
          return key;
        }
        await insertActivity(tx, actor, { action: 'whatsapp.api_key_revoked', subjectUserId: actor.userId, object: { type: 'api_key', id }, details: { name: revoked.name, prefix: revoked.prefix } }, meta);
        return revoked;
      });
    },

    /** Messages sent with the key per day over the period, with the key's last use. */
    async usage(tenantId: string, id: string, query: { from?: string | undefined; to?: string | undefined }) {
      const range = reportRange(query);
      const key = await own(tenantId, id);
      const days = await keyUsageByDay(db, tenantId, id, range);
      const total = { messages: 0, failed: 0, chargedPaise: 0 };
      for (const d of days) {
        total.messages += d.messages;
        total.failed += d.failed;
        total.chargedPaise += d.chargedPaise;
      }
      return { key, from: range.from.toISOString(), to: range.to.toISOString(), total, days };
    },

    /** GET /v1/me: the key's own description and the connected numbers it may use. */
    async describe(principal: ApiPrincipal) {
      const key = await own(principal.tenantId, principal.keyId);
      const numbers = await db.query<{ id: string; phone_number_id: string; display_phone_number: string | null; label: string; status: string }>(
        `SELECT id, phone_number_id, display_phone_number, label, status FROM wa_numbers
          WHERE tenant_id = $1 AND status <> 'disconnected' AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
          ORDER BY created_at`,
        [principal.tenantId, principal.numberIds],
      );
      return {
        tenantId: principal.tenantId,
        key: { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, expiresAt: key.expires_at?.toISOString() ?? null },
        allNumbers: principal.numberIds === null,
        numbers: numbers.map((n) => ({ id: n.id, phoneNumberId: n.phone_number_id, displayPhoneNumber: n.display_phone_number, label: n.label, status: n.status })),
      };
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
