export type Role = 'customer' | 'operator' | 'admin';
export type UserStatus = 'active' | 'suspended' | 'closed';
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

/** Balances in paise (₹1 = 100 paise). available = posted − held. */
export interface TopupLimits {
  topupMinPaise: number;
  topupMaxPaise: number;
  kycLimitPaise: number;
}

export interface WalletBalances {
  available: number;
  held: number;
  posted: number;
  currency: 'INR';
  /** Present on the customer's own wallet (GET /api/wallet). */
  limits?: TopupLimits;
}

/** Ledger transfer kinds that touch a customer wallet. */
export type PassbookKind =
  | 'topup'
  | 'refund'
  | 'debit'
  | 'adjustment_credit'
  | 'adjustment_debit'
  | 'hold'
  | 'hold_settle'
  | 'hold_release';
export const PASSBOOK_KINDS: readonly PassbookKind[] = [
  'topup',
  'refund',
  'debit',
  'adjustment_credit',
  'adjustment_debit',
  'hold',
  'hold_settle',
  'hold_release',
];

export interface PassbookLine {
  id: number;
  at: string;
  /** One of PassbookKind; other kinds may appear as the ledger grows. */
  kind: string;
  description: string;
  /** Signed paise: positive into the wallet, negative out of it. */
  amount: number;
  balanceAfter: number;
  transferId: string;
}

export interface PassbookPage {
  items: PassbookLine[];
  nextBefore: number | null;
}

export type PaymentStatus = 'created' | 'pending' | 'captured' | 'failed' | 'refunded';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['created', 'pending', 'captured', 'failed', 'refunded'];
export type PaymentGatewayName = 'razorpay' | 'sandbox';

export interface Topup {
  id: string;
  amount: number;
  currency: 'INR';
  status: PaymentStatus;
  gateway: PaymentGatewayName;
  gatewayOrderId: string | null;
  gatewayPaymentId: string | null;
  receiptNumber: string | null;
  /** Set once the top-up is received: the PDF receipt. */
  receiptUrl: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  capturedAt: string | null;
  failedAt: string | null;
}

export interface TopupList {
  items: Topup[];
  total: number;
}

export interface Checkout {
  gateway: PaymentGatewayName;
  keyId: string;
  orderId: string;
  amount: number;
  currency: 'INR';
  name: string;
  description: string;
  callbackUrl: string;
  /** The sandbox gateway's checkout page; null for Razorpay. */
  checkoutUrl: string | null;
  prefill: { name: string; email: string; contact: string | null };
}

export interface AdminWallet {
  userId: string;
  name: string;
  email: string;
  available: number;
  held: number;
}

export interface AdminWalletList {
  items: AdminWallet[];
  totals: { available: number; held: number };
}

export interface AdjustmentResult {
  transferId: string;
  replayed: boolean;
  balances: WalletBalances;
}

export interface AdminPayment extends Topup {
  userId: string;
  userName: string;
  userEmail: string;
  needsReview: boolean;
  reviewReason: string | null;
  ledgerTransferId: string | null;
  verifiedAt: string | null;
}

export interface AdminPaymentList {
  items: AdminPayment[];
  total: number;
}

export interface GatewayEvent {
  id: string;
  eventId: string;
  eventType: string;
  gatewayPaymentId: string | null;
  outcome: string;
  receivedAt: string;
}

export type ReconciliationKind = 'balances' | 'gateway';

export interface Reconciliation {
  id: string;
  kind: ReconciliationKind;
  ranAt: string;
  checked: number;
  problems: number;
  /** balances: the accounts whose balance differs from their entries; gateway: one finding per payment. */
  details: unknown;
}

export interface GatewayReconcileReport {
  id: string | null;
  checked: number;
  problems: number;
  findings: unknown[];
}
