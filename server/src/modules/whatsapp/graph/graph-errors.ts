/**
 * Meta's Graph API errors: the catalog of codes the platform knows (title, how a reseller handles
 * them, the HTTP status the simulator answers with), the typed error the client throws, and the
 * parser of Meta's error envelope. Source of every code: ../shared/meta/CONTRACT.md §3 (Meta's
 * error-codes page). Branch on `code` (and `details`), never on the message text: Meta rewords it.
 */

/** How the platform reacts to an error, per CONTRACT.md §3 ("reseller handling"). */
export type GraphErrorCategory =
  /** Meta had a hiccup: the same request may succeed when tried again after a pause. */
  | 'retryable'
  /** Throughput, pair, app or WABA rate limits: queue and try later, slower. */
  | 'throughput'
  /** The access token is missing, invalid, expired or revoked: the tenant must reconnect. */
  | 'auth'
  /** Permissions, registration, payment method, certificates: the tenant's Meta setup is wrong. */
  | 'config'
  /** The account is restricted or blocked for policy or spam: stop sending for this number. */
  | 'policy'
  /** This recipient cannot get this message (not on WhatsApp, window closed, opted out, capped). */
  | 'recipient'
  /** The template is missing, unapproved, paused, disabled or called with the wrong parameters. */
  | 'template'
  /** The request itself is invalid: fix the request, do not retry it. */
  | 'request'
  | 'unknown';

interface CatalogEntry {
  title: string;
  category: GraphErrorCategory;
  /** The HTTP status the simulator answers with. Meta does not document one per code (CONTRACT §12). */
  http: number;
}

/**
 * Codes the client retries by itself: Meta answered "not done, try again" (CONTRACT §3: 1, 2, 4,
 * 80007, 130429, 131000, 131016, 131057). 131056 (pair rate limit) is left out on purpose: Meta asks
 * to wait 4^X seconds, which is for the sender's queue to schedule, not for an in-request retry.
 */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131057]);

export const GRAPH_ERROR_CATALOG: Readonly<Record<number, CatalogEntry>> = {
  0: { title: 'AuthException', category: 'auth', http: 401 },
  1: { title: 'API Unknown', category: 'retryable', http: 500 },
  2: { title: 'API Service', category: 'retryable', http: 503 },
  3: { title: 'API Method', category: 'config', http: 403 },
  4: { title: 'API Too Many Calls', category: 'throughput', http: 429 },
  10: { title: 'API Permission Denied', category: 'config', http: 403 },
  100: { title: 'Invalid parameter', category: 'request', http: 400 },
  190: { title: 'Access token has expired', category: 'auth', http: 401 },
  200: { title: 'API Permission', category: 'config', http: 403 },
  368: { title: 'Temporarily blocked for policies violations', category: 'policy', http: 400 },
  2500: { title: 'Unknown path components', category: 'request', http: 400 },
  80007: { title: 'There have been too many calls to this WhatsApp Business account. Wait a bit and try again.', category: 'throughput', http: 429 },
  130403: { title: 'Business has blocked this user', category: 'recipient', http: 400 },
  130429: { title: 'Rate limit hit', category: 'throughput', http: 429 },
  130472: { title: "User's number is part of an experiment", category: 'recipient', http: 400 },
  130497: { title: 'Business account is restricted from messaging users in this country', category: 'policy', http: 400 },
  131000: { title: 'Something went wrong', category: 'retryable', http: 500 },
  131005: { title: 'Access denied', category: 'config', http: 403 },
  131008: { title: 'Required parameter is missing', category: 'request', http: 400 },
  131009: { title: 'Parameter value is not valid', category: 'request', http: 400 },
  131016: { title: 'Service unavailable', category: 'retryable', http: 503 },
  131021: { title: 'Recipient cannot be sender', category: 'request', http: 400 },
  131026: { title: 'Message Undeliverable', category: 'recipient', http: 400 },
  131031: { title: 'Business Account locked', category: 'policy', http: 400 },
  131037: { title: 'WhatsApp provided number needs display name approval before message can be sent', category: 'config', http: 400 },
  131042: { title: 'Business eligibility payment issue', category: 'config', http: 400 },
  131045: { title: 'Incorrect certificate', category: 'config', http: 400 },
  131047: { title: 'Re-engagement message', category: 'recipient', http: 400 },
  131048: { title: 'Spam rate limit hit', category: 'policy', http: 400 },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', category: 'recipient', http: 400 },
  131050: { title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', category: 'recipient', http: 400 },
  131051: { title: 'Unsupported message type', category: 'request', http: 400 },
  131052: { title: 'Media download error', category: 'request', http: 400 },
  131053: { title: 'Media upload error', category: 'request', http: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', category: 'throughput', http: 429 },
  131057: { title: 'Account in maintenance mode', category: 'retryable', http: 503 },
  131063: { title: 'Marketing messages are not enabled for Cloud API on this account', category: 'config', http: 400 },
  131064: { title: 'Messaging limit reached due to template classification violations', category: 'policy', http: 400 },
  132000: { title: 'Number of parameters does not match the expected number of params', category: 'template', http: 400 },
  132001: { title: 'Template name does not exist in the translation', category: 'template', http: 400 },
  132005: { title: 'Translated text too long', category: 'template', http: 400 },
  132007: { title: 'Template Format Character Policy Violated', category: 'template', http: 400 },
  132012: { title: 'Parameter format does not match format in the created template', category: 'template', http: 400 },
  132015: { title: 'Template is Paused', category: 'template', http: 400 },
  132016: { title: 'Template is Disabled', category: 'template', http: 400 },
  133016: { title: 'Account has been deregistered or registration attempts exceeded', category: 'config', http: 400 },
};

export interface GraphErrorClass {
  category: GraphErrorCategory;
  /** The same request may succeed later (now or after a wait); false = change something first. */
  retryable: boolean;
  /** Safe and useful to retry inside the same call, with backoff (TRANSIENT_CODES). */
  transient: boolean;
}

/** What a code means for the platform; codes not in the catalog fall back by range. */
export function classifyGraphError(code: number, isTransient = false): GraphErrorClass {
  let category = GRAPH_ERROR_CATALOG[code]?.category;
  if (!category) {
    if (code >= 200 && code <= 299) category = 'config';
    else if (code >= 132000 && code <= 132999) category = 'template';
    else if (code >= 2388000 && code <= 2388999) category = 'template';
    else category = 'unknown';
  }
  const transient = TRANSIENT_CODES.has(code) || (isTransient && category !== 'auth' && category !== 'request');
  return { category, transient, retryable: transient || category === 'retryable' || category === 'throughput' };
}

/** The Graph error envelope, `{"error": {...}}`, as Meta sends it (SPEC `GraphAPIError`). */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product?: string; details?: string };
    error_user_title?: string;
    error_user_msg?: string;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

/** Meta answered with an error envelope. */
export class GraphApiError extends Error {
  readonly code: number;
  readonly subcode: number | undefined;
  readonly type: string;
  readonly details: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly isTransient: boolean;
  readonly httpStatus: number;
  readonly category: GraphErrorCategory;
  readonly retryable: boolean;
  readonly transient: boolean;
  /** Seconds from a Retry-After header, when Meta sent one. */
  readonly retryAfterSeconds: number | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;

  constructor(init: {
    httpStatus: number;
    code: number;
    message: string;
    type?: string;
    subcode?: number;
    details?: string;
    fbtraceId?: string;
    isTransient?: boolean;
    retryAfterSeconds?: number;
    userTitle?: string;
    userMessage?: string;
  }) {
    super(init.message);
    this.name = 'GraphApiError';
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type ?? 'OAuthException';
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.isTransient = init.isTransient ?? false;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    const c = classifyGraphError(init.code, this.isTransient);
    this.category = c.category;
    this.retryable = c.retryable;
    this.transient = c.transient;
  }
}

export type GraphRequestErrorKind =
  /** The connection could not be made: the request never reached Meta, so retrying is safe. */
  | 'connect'
  /** No (complete) answer in time: Meta may or may not have acted on it. */
  | 'timeout'
  /** The connection broke after the request went out: Meta may or may not have acted on it. */
  | 'network'
  /** An answer that is neither a Graph error envelope nor the expected body (e.g. a proxy's HTML page). */
  | 'invalid_response'
  /** Refused before sending (e.g. a media URL on a host the bearer token must not travel to). */
  | 'refused';

/** Talking to Meta went wrong without a Graph error envelope to tell what happened. */
export class GraphRequestError extends Error {
  constructor(
    readonly kind: GraphRequestErrorKind,
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GraphRequestError';
  }

  /** Whether Meta may have accepted the request (a send must then not be repeated blindly). */
  get outcomeUnknown(): boolean {
    // 503 says "not processed" by definition; other 5xx from a proxy leave it open.
    return this.kind === 'timeout' || this.kind === 'network' || (this.kind === 'invalid_response' && (this.httpStatus ?? 0) >= 500 && this.httpStatus !== 503);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Retry-After as seconds (a number or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, (t - now) / 1000) : undefined;
}

/**
 * Parses Meta's error envelope into a GraphApiError; anything that is not one (an HTML error page,
 * an empty body) becomes a GraphRequestError('invalid_response') carrying the HTTP status.
 */
export function parseGraphError(httpStatus: number, body: string | Buffer, headers: Record<string, string> = {}): GraphApiError | GraphRequestError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return new GraphRequestError('invalid_response', `Graph API answered HTTP ${httpStatus} without a JSON body`, httpStatus);
  }
  const e = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (!e || typeof e.code !== 'number') {
    return new GraphRequestError('invalid_response', `Graph API answered HTTP ${httpStatus} without an error envelope`, httpStatus);
  }
  const data = isRecord(e.error_data) ? e.error_data : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
  return new GraphApiError({
    httpStatus,
    code: e.code,
    message: str(e.message) ?? `Graph API error ${e.code}`,
    ...(str(e.type) ? { type: str(e.type)! } : {}),
    ...(typeof e.error_subcode === 'number' ? { subcode: e.error_subcode } : {}),
    ...(str(data.details) ? { details: str(data.details)! } : {}),
    ...(str(e.fbtrace_id) ? { fbtraceId: str(e.fbtrace_id)! } : {}),
    ...(typeof e.is_transient === 'boolean' ? { isTransient: e.is_transient } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    ...(str(e.error_user_title) ? { userTitle: str(e.error_user_title)! } : {}),
    ...(str(e.error_user_msg) ? { userMessage: str(e.error_user_msg)! } : {}),
  });
}
