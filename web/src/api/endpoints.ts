import { api } from './client';
import type {
  ActivityPage,
  AdjustmentResult,
  AdminPayment,
  AdminPaymentList,
  AdminWalletList,
  Checkout,
  GatewayEvent,
  GatewayReconcileReport,
  Language,
  MailItem,
  PassbookPage,
  PaymentStatus,
  Preference,
  Reconciliation,
  ReconciliationKind,
  Role,
  SessionInfo,
  Topup,
  TopupList,
  User,
  UserList,
  UserSession,
  UserStatus,
  WalletBalances,
} from './types';

export interface RegisterInput {
  name: string;
  mobile: string;
  email: string;
  password: string;
  language?: Language;
}

export type ProfileInput = Partial<Pick<User, 'name' | 'mobile' | 'email' | 'language'>>;

export interface ActivityFilters {
  action?: string;
  actorId?: string;
  subjectUserId?: string;
  outcome?: string;
  ip?: string;
  from?: string;
  to?: string;
}

export interface UserFilters {
  q?: string;
  role?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

/** Passbook filters as the API takes them: ISO instants (`to` exclusive) and a transfer kind. */
export interface PassbookFilters {
  from?: string;
  to?: string;
  kind?: string;
}

export interface AdminPaymentFilters {
  status?: PaymentStatus;
  userId?: string;
  needsReview?: boolean;
  limit?: number;
  offset?: number;
}

export const authApi = {
  session: () => api.get<SessionInfo>('/api/auth/session'),
  register: (input: RegisterInput) => api.post<{ user: User }>('/api/auth/register', input),
  login: (email: string, password: string) =>
    api.post<{ user: User; csrfToken: string }>('/api/auth/login', { email, password }),
  logout: () => api.post<void>('/api/auth/logout'),
  verifyEmail: (token: string) => api.post<{ verified: boolean }>('/api/auth/verify-email', { token }),
  resendVerification: () => api.post<void>('/api/auth/resend-verification'),
  forgotPassword: (email: string) => api.post<{ message?: string }>('/api/auth/forgot-password', { email }),
  resetPassword: (token: string, password: string) =>
    api.post<void>('/api/auth/reset-password', { token, password }),
};

export const meApi = {
  get: () => api.get<{ user: User }>('/api/me'),
  update: (input: ProfileInput) => api.patch<{ user: User }>('/api/me', input),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>('/api/me/password', { currentPassword, newPassword }),
  preferences: (signal?: AbortSignal) => api.get<{ preferences: Preference[] }>('/api/me/preferences', {}, signal),
  savePreferences: (preferences: Pick<Preference, 'topic' | 'channel' | 'enabled'>[]) =>
    api.put<{ preferences: Preference[] }>('/api/me/preferences', { preferences }),
  sessions: (signal?: AbortSignal) => api.get<{ sessions: UserSession[] }>('/api/me/sessions', {}, signal),
  revokeSession: (id: string) => api.del(`/api/me/sessions/${encodeURIComponent(id)}`),
  revokeOtherSessions: () => api.del('/api/me/sessions'),
  activity: (before?: number | string | null, limit = 50, signal?: AbortSignal) =>
    api.get<ActivityPage>('/api/me/activity', { limit, before }, signal),
  /** Closes the account for good; the server ends the session (204). */
  close: (password: string) => api.post<void>('/api/me/close', { password }),
};

export const walletApi = {
  balances: (signal?: AbortSignal) => api.get<WalletBalances>('/api/wallet', {}, signal),
  passbook: (filters: PassbookFilters, before?: number | null, limit = 50, signal?: AbortSignal) =>
    api.get<PassbookPage>('/api/wallet/passbook', { ...filters, limit, before }, signal),
  /** Starts a top-up of `amount` paise; the browser then goes to checkout. */
  createTopup: (amount: number) => api.post<{ payment: Topup; checkout: Checkout }>('/api/wallet/topups', { amount }),
  topups: (limit = 10, signal?: AbortSignal) => api.get<TopupList>('/api/wallet/topups', { limit }, signal),
  topup: (id: string, signal?: AbortSignal) =>
    api.get<{ payment: Topup }>(`/api/wallet/topups/${encodeURIComponent(id)}`, {}, signal),
};

export const PASSBOOK_CSV_PATH = '/api/wallet/passbook.csv';

export const staffApi = {
  users: (filters: UserFilters, signal?: AbortSignal) => api.get<UserList>('/api/staff/users', { ...filters }, signal),
};

export const adminApi = {
  updateUser: (id: string, patch: { role?: Role; status?: UserStatus }) =>
    api.patch<{ user: User }>(`/api/admin/users/${encodeURIComponent(id)}`, patch),
  closeUser: (id: string, reason: string) =>
    api.post<{ user: User }>(`/api/admin/users/${encodeURIComponent(id)}/close`, { reason }),
  activity: (filters: ActivityFilters, before?: number | string | null, limit = 50, signal?: AbortSignal) =>
    api.get<ActivityPage>('/api/admin/activity', { ...filters, limit, before }, signal),
  mail: (limit = 100, signal?: AbortSignal) => api.get<{ items: MailItem[] }>('/api/admin/mail', { limit }, signal),
  wallets: (q: string, limit: number, offset: number, signal?: AbortSignal) =>
    api.get<AdminWalletList>('/api/admin/wallets', { q, limit, offset }, signal),
  walletPassbook: (userId: string, filters: PassbookFilters, before?: number | null, limit = 50, signal?: AbortSignal) =>
    api.get<PassbookPage>(`/api/admin/wallets/${encodeURIComponent(userId)}/passbook`, { ...filters, limit, before }, signal),
  /** `amount` in paise: positive credits the wallet, negative debits it. */
  adjustWallet: (userId: string, input: { amount: number; reason: string; idempotencyKey?: string }) =>
    api.post<AdjustmentResult>(`/api/admin/wallets/${encodeURIComponent(userId)}/adjustments`, input),
  payments: (filters: AdminPaymentFilters, signal?: AbortSignal) =>
    api.get<AdminPaymentList>(
      '/api/admin/payments',
      { ...filters, needsReview: filters.needsReview === undefined ? undefined : String(filters.needsReview) },
      signal,
    ),
  payment: (id: string, signal?: AbortSignal) =>
    api.get<{ payment: AdminPayment; events: GatewayEvent[] }>(`/api/admin/payments/${encodeURIComponent(id)}`, {}, signal),
  reconciliations: (kind: ReconciliationKind | undefined, limit = 20, signal?: AbortSignal) =>
    api.get<{ items: Reconciliation[] }>('/api/admin/reconciliations', { kind, limit }, signal),
  runGatewayReconciliation: () => api.post<GatewayReconcileReport>('/api/admin/reconciliations/gateway'),
};

export const ACTIVITY_CSV_PATH = '/api/admin/activity.csv';
