import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import { ROLES } from '../../platform/actor.js';
import type { UserRow } from './accounts.repo.js';
import { PASSWORD_MAX } from './passwords.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Mobile = Type.String({ minLength: 10, maxLength: 20 });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX * 4 });
const Language = Type.Union([Type.Literal('en'), Type.Literal('hi')]);
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const StatusSchema = Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')]);
/** What an admin may set; closing is its own, final step (POST /api/admin/users/{id}/close). */
const SettableStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);
const Token = Type.String({ minLength: 16, maxLength: 128 });

export const User = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    email: Type.String(),
    mobile: Type.Union([Type.String(), Type.Null()]),
    role: RoleSchema,
    status: StatusSchema,
    language: Language,
    emailVerified: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'User' },
);
export type UserDto = Static<typeof User>;

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    mobile: u.mobile,
    role: u.role,
    status: u.status,
    language: u.language,
    emailVerified: u.email_verified_at !== null,
    createdAt: u.created_at.toISOString(),
  };
}

export const RegisterBody = Strict({ name: Name, mobile: Mobile, email: Email, password: Password, language: Type.Optional(Language) });
export const LoginBody = Strict({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Password });
export const TokenBody = Strict({ token: Token });
export const EmailBody = Strict({ email: Email });
export const ResetBody = Strict({ token: Token, password: Password });
export const ChangePasswordBody = Strict({ currentPassword: Password, newPassword: Password });
export const ProfileBody = Strict({
  name: Type.Optional(Name),
  mobile: Type.Optional(Mobile),
  email: Type.Optional(Email),
  language: Type.Optional(Language),
});

const Topic = Type.Union([Type.Literal('service_updates'), Type.Literal('wallet'), Type.Literal('marketing')]);
const Channel = Type.Union([Type.Literal('email'), Type.Literal('whatsapp'), Type.Literal('in_app')]);
export const PreferencesBody = Strict({
  preferences: Type.Array(Strict({ topic: Topic, channel: Channel, enabled: Type.Boolean() }), { minItems: 1, maxItems: 9 }),
});
export const PreferencesResponse = Type.Object({
  preferences: Type.Array(
    Type.Object({ topic: Topic, channel: Channel, enabled: Type.Boolean(), givenAt: Type.Union([Timestamp, Type.Null()]) }),
  ),
});

export const Session = Type.Object({
  id: Uuid,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  current: Type.Boolean(),
});

export const UserListQuery = Strict({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(RoleSchema),
  status: Type.Optional(StatusSchema),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export const AdminUserBody = Strict({ role: Type.Optional(RoleSchema), status: Type.Optional(SettableStatus) });
export const CloseOwnAccountBody = Strict({ password: Password });
export const CloseAccountBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export const IdParams = Strict({ id: Uuid });
