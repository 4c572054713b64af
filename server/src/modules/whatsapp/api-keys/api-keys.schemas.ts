import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';
import { SCOPES } from './api-key-auth.js';
import type { ApiKeyRow } from './api-keys.repo.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)));

/** How many keys (not revoked, not expired) one tenant may hold. */
export const MAX_KEYS_PER_TENANT = 50;

export const CreateKeyBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 80, description: 'What the key is for, e.g. "Billing server"' }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
  numberIds: Type.Optional(
    Nullable(Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Only these of your numbers; null or absent = all of them, present and future' })),
  ),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time', description: 'After this the key stops working; null = never' }))),
});
export type CreateKeyInput = Static<typeof CreateKeyBody>;

export const KeyIdParams = Strict({ id: Uuid });

export const RangeQuery = Strict({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of the period (default: 30 days before `to`)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the period, exclusive (default: now)' })),
});

export const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The public start of the key: sk_<prefix>_…' }),
  scopes: Type.Array(Type.String()),
  numberIds: Nullable(Type.Array(Uuid)),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  lastUsedIp: Nullable(Type.String()),
  revokedAt: Nullable(Timestamp),
});
export type ApiKeyDto = Static<typeof ApiKey>;

export const KeyList = Type.Object({ items: Type.Array(ApiKey), limit: Type.Integer({ description: 'Keys (not revoked, not expired) allowed at once' }) });

export const CreatedKey = Type.Object({
  key: ApiKey,
  secret: Type.String({ description: 'The whole key, shown this once: only its hash is kept' }),
});

export const KeyUsage = Type.Object({
  key: ApiKey,
  from: Timestamp,
  to: Timestamp,
  total: Type.Object({ messages: Type.Integer(), failed: Type.Integer(), chargedPaise: Type.Integer() }),
  days: Type.Array(Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (IST)' }), messages: Type.Integer(), failed: Type.Integer(), chargedPaise: Type.Integer() })),
});

/** GET /v1/me: who a key is. */
export const MeResponse = Type.Object({
  tenantId: Uuid,
  key: Type.Object({ id: Uuid, name: Type.String(), prefix: Type.String(), scopes: Type.Array(Type.String()), expiresAt: Nullable(Timestamp) }),
  allNumbers: Type.Boolean({ description: 'True when the key may use every number of the account' }),
  numbers: Type.Array(
    Type.Object({ id: Uuid, phoneNumberId: Type.String(), displayPhoneNumber: Nullable(Type.String()), label: Type.String(), status: Type.String() }),
    { description: 'The connected numbers this key may use' },
  ),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function keyState(k: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'>, now = Date.now()): ApiKeyDto['state'] {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && k.expires_at.getTime() <= now) return 'expired';
  return 'active';
}

/** A key as the API shows it: never its secret or hash. */
export function toKeyDto(k: ApiKeyRow): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    numberIds: k.number_ids,
    state: keyState(k),
    createdAt: k.created_at.toISOString(),
    expiresAt: iso(k.expires_at),
    lastUsedAt: iso(k.last_used_at),
    lastUsedIp: k.last_used_ip,
    revokedAt: iso(k.revoked_at),
  };
}
