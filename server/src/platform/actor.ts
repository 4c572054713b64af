export const ROLES = ['customer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where a request came from, as recorded in the activity log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Who is acting: a signed-in person, an API key (later), the platform itself, or nobody yet. */
export type Actor =
  | { type: 'user'; userId: string; role: Role; sessionId: string }
  | { type: 'api_key'; keyId: string; userId: string }
  | { type: 'system' }
  | { type: 'anonymous' };

export const SYSTEM_META: RequestMeta = { ip: null, userAgent: null, requestId: null };
