export type Role = 'customer' | 'operator' | 'admin';
export type UserStatus = 'active' | 'suspended';
export type Language = 'en' | 'hi';

export interface User {
  id: string;
  name: string;
  email: string;
  /** E.164 "+91…"; null only for admins created from the command line. */
  mobile: string | null;
  role: Role;
  status: UserStatus;
  language: Language;
  emailVerified: boolean;
  createdAt: string;
}

export interface SessionInfo {
  user: User | null;
  csrfToken: string;
}

export type Topic = 'service_updates' | 'wallet' | 'marketing';
export type Channel = 'email' | 'whatsapp' | 'in_app';
export const TOPICS: readonly Topic[] = ['service_updates', 'wallet', 'marketing'];
export const CHANNELS: readonly Channel[] = ['email', 'whatsapp', 'in_app'];

export interface Preference {
  topic: Topic;
  channel: Channel;
  enabled: boolean;
  givenAt: string | null;
}

export interface UserSession {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export type ActorType = 'user' | 'api_key' | 'system' | 'anonymous';
export type Outcome = 'success' | 'failure';

export interface ActivityItem {
  id: number | string;
  occurredAt: string;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: Outcome;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export interface ActivityPage {
  items: ActivityItem[];
  nextBefore: number | string | null;
}

export type MailStatus = 'queued' | 'sent' | 'sandbox' | 'failed';

export interface MailItem {
  id: string;
  to: string;
  subject: string;
  bodyText: string | null;
  purpose: string;
  status: MailStatus;
  createdAt: string;
  sentAt: string | null;
}

export interface UserList {
  items: User[];
  total: number;
}
