import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorResponse, Strict, Timestamp, Uuid, errorResponses } from '../../../platform/schemas.js';
import { describeLastError } from './number-check.js';
import type { NumberRow } from './numbers.repo.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Meta's ids: digits only (the column checks the same). */
const GraphId = (description: string) => Type.String({ pattern: '^[0-9]{5,20}$', description });
/** One opaque word of printable ASCII, as an Authorization header can carry it. */
const AccessToken = Type.String({ minLength: 8, maxLength: 4096, pattern: '^[\\x21-\\x7e]+$', description: 'A system-user access token of the business (never shown again)' });
/** Meta app secrets are 32 hexadecimal characters. */
const AppSecret = Type.String({ pattern: '^[0-9a-fA-F]{32}$', description: 'Your own Meta app’s secret: verifies webhooks for this number' });
const VerifyToken = Type.String({ minLength: 8, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', description: 'The verify token you set in your own Meta app’s webhook settings (stored as its SHA-256)' });
const Label = Type.String({ maxLength: 80, description: 'Your name for this number' });

export const ConnectBody = Strict({
  label: Type.Optional(Label),
  wabaId: GraphId('WhatsApp Business Account id'),
  phoneNumberId: GraphId('Phone number id (not the phone number)'),
  accessToken: AccessToken,
  appSecret: Type.Optional(AppSecret),
  verifyToken: Type.Optional(VerifyToken),
});
export type ConnectInput = Static<typeof ConnectBody>;

export const SimulatorBody = Strict({ label: Type.Optional(Label) });

export const UpdateBody = Strict({
  label: Type.Optional(Label),
  appSecret: Type.Optional(Nullable(AppSecret)),
  verifyToken: Type.Optional(Nullable(VerifyToken)),
});
export type UpdateInput = Static<typeof UpdateBody>;

export const RotateBody = Strict({ accessToken: AccessToken });

export const IdParams = Strict({ id: Uuid });

export const WaNumber = Type.Object(
  {
    id: Uuid,
    label: Type.String(),
    wabaId: Type.String(),
    phoneNumberId: Type.String(),
    displayPhoneNumber: Nullable(Type.String()),
    verifiedName: Nullable(Type.String()),
    qualityRating: Nullable(Type.String({ description: 'GREEN, YELLOW, RED or UNKNOWN' })),
    messagingLimitTier: Nullable(Type.String({ description: 'TIER_250 … TIER_UNLIMITED' })),
    throughputLevel: Nullable(Type.String({ description: 'STANDARD (80 messages/s) or HIGH (1,000)' })),
    mps: Type.Integer({ description: 'Messages per second the platform sends at' }),
    status: Type.Union([Type.Literal('connected'), Type.Literal('error'), Type.Literal('disconnected')]),
    lastCheckedAt: Nullable(Timestamp),
    lastError: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
    tokenRotatedAt: Nullable(Timestamp),
    hasAppSecret: Type.Boolean({ description: 'Webhooks for this number may be signed by your own Meta app' }),
    hasVerifyToken: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    disconnectedAt: Nullable(Timestamp),
  },
);
export type WaNumberDto = Static<typeof WaNumber>;

export const NumberList = Type.Object({
  items: Type.Array(WaNumber),
  whatsappAvailable: Type.Boolean({ description: 'False when WhatsApp is off (production without a Meta app)' }),
  simulatorAvailable: Type.Boolean({ description: 'The built-in Cloud API simulator runs: simulator test numbers can be connected' }),
  webhookUrl: Type.String({ description: 'The callback URL to set in your own Meta app' }),
});

/** Routes that talk to Meta can also answer 422 (Meta refused), 502 and 503 (Meta unreachable or busy). */
export const metaErrors = {
  ...errorResponses,
  422: Type.Ref(ErrorResponse),
  502: Type.Ref(ErrorResponse),
  503: Type.Ref(ErrorResponse),
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API's view of a number: never the token, the app secret or the verify token. */
export function toNumberDto(n: NumberRow): WaNumberDto {
  return {
    id: n.id,
    label: n.label,
    wabaId: n.waba_id,
    phoneNumberId: n.phone_number_id,
    displayPhoneNumber: n.display_phone_number,
    verifiedName: n.verified_name,
    qualityRating: n.quality_rating,
    messagingLimitTier: n.messaging_limit_tier,
    throughputLevel: n.throughput_level,
    mps: n.mps,
    status: n.status,
    lastCheckedAt: iso(n.last_checked_at),
    lastError: n.status === 'error' ? describeLastError(n.last_error) : null,
    tokenRotatedAt: iso(n.token_rotated_at),
    hasAppSecret: n.app_secret_enc !== null,
    hasVerifyToken: n.verify_token_hash !== null,
    createdAt: n.created_at.toISOString(),
    updatedAt: n.updated_at.toISOString(),
    disconnectedAt: iso(n.disconnected_at),
  };
}
