import type { FieldIssue } from '../../../platform/errors.js';
import type { AppError } from '../../../platform/errors.js';
import { GraphApiError, GRAPH_ERROR_CATALOG, type GraphErrorBody, type GraphErrorCategory, classifyGraphError } from '../graph/graph-errors.js';
import type { SimGraphError } from '../../meta-sandbox/sim-errors.js';

/**
 * The two error shapes of the send endpoints. `/graph` answers in Meta's envelope
 * `{"error":{message,type,code,error_subcode?,error_data{messaging_product,details},fbtrace_id}}`
 * — Meta's own errors as Meta sent them, the platform's refusals under the nearest Meta code (with
 * `error_data.platform_code` naming the platform's reason) — so Cloud API SDKs handle both. `/v1`
 * answers in the platform's format, `{"error":{code,message,requestId,meta?}}`, with Meta's code in
 * `meta` and `code` = `meta_<code>`.
 */

/** A Meta error, whether Meta answered it or the platform found it first (same rules, same words). */
export interface MetaErrorInfo {
  httpStatus: number;
  code: number;
  subcode?: number | undefined;
  type: string;
  message: string;
  details?: string | undefined;
  fbtraceId?: string | undefined;
  isTransient?: boolean | undefined;
  userTitle?: string | undefined;
  userMessage?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

export function metaErrorInfo(err: GraphApiError | SimGraphError): MetaErrorInfo {
  if (err instanceof GraphApiError) {
    return {
      httpStatus: err.httpStatus,
      code: err.code,
      subcode: err.subcode,
      type: err.type,
      message: err.message,
      details: err.details,
      fbtraceId: err.fbtraceId,
      isTransient: err.isTransient || undefined,
      userTitle: err.userTitle,
      userMessage: err.userMessage,
      retryAfterSeconds: err.retryAfterSeconds,
    };
  }
  const body = err.body().error;
  return {
    httpStatus: err.httpStatus,
    code: body.code,
    subcode: body.error_subcode,
    type: body.type,
    message: body.message,
    details: body.error_data?.details,
    isTransient: body.is_transient,
    retryAfterSeconds: err.opts.retryAfterSeconds,
  };
}

/** Meta's envelope for an error; `fbtraceId` falls back to the platform's request id. */
export function metaEnvelope(e: MetaErrorInfo, requestId: string, platformCode?: string): GraphErrorBody & { error: { error_data?: { platform_code?: string } } } {
  const details = e.details;
  return {
    error: {
      message: e.message,
      type: e.type,
      code: e.code,
      ...(details !== undefined || platformCode ? { error_data: { messaging_product: 'whatsapp', details: details ?? e.message, ...(platformCode ? { platform_code: platformCode } : {}) } } : {}),
      ...(e.subcode !== undefined ? { error_subcode: e.subcode } : {}),
      ...(e.isTransient !== undefined ? { is_transient: e.isTransient } : {}),
      ...(e.userTitle ? { error_user_title: e.userTitle } : {}),
      ...(e.userMessage ? { error_user_msg: e.userMessage } : {}),
      fbtrace_id: e.fbtraceId ?? requestId,
    },
  };
}

/** The Meta code a platform refusal is told as on /graph: the nearest in meaning. */
function metaCodeFor(err: AppError): { code: number; subcode?: number; type?: string; http?: number } {
  switch (err.code) {
    // The template manager's checks (templates/template-send-check.ts) are Meta's own template errors.
    case 'template_not_found':
    case 'template_not_approved':
      return { code: 132001, http: 400 };
    case 'template_paused':
      return { code: 132015, http: 400 };
    case 'template_disabled':
      return { code: 132016, http: 400 };
    case 'template_param_count':
      return { code: 132000, http: 400 };
    case 'template_param_invalid':
      return { code: 132012, http: 400 };
    case 'invalid_api_key':
      return { code: 190 };
    case 'insufficient_scope':
    case 'number_not_allowed':
      return { code: 10 };
    case 'not_found':
      return { code: 100, subcode: 33, type: 'GraphMethodException' };
    case 'insufficient_balance':
    case 'no_price':
      return { code: 131042 };
    case 'marketing_opted_out':
      return { code: 131050 };
    case 'throughput_exceeded':
      return { code: 130429, subcode: 2494055 };
    case 'rate_limited':
      return { code: 4 };
    case 'whatsapp_unavailable':
      return { code: 2 };
    default:
      return { code: err.status >= 500 ? 1 : 100 };
  }
}

/** A platform refusal (AppError) in Meta's envelope, with the platform's own HTTP status. */
export function platformErrorAsMeta(err: AppError, requestId: string): { status: number; body: GraphErrorBody } {
  const m = metaCodeFor(err);
  const title = GRAPH_ERROR_CATALOG[m.code]?.title ?? 'Error';
  const message = m.code === 190 ? `Invalid OAuth access token - ${err.message}` : `(#${m.code}) ${title}`;
  const status = m.http ?? err.status;
  return {
    status,
    body: metaEnvelope(
      {
        httpStatus: status,
        code: m.code,
        subcode: m.subcode,
        type: m.type ?? 'OAuthException',
        message,
        details: fieldDetails(err.message, err.details),
        ...(m.code === 2 || m.code === 1 ? { isTransient: true } : {}),
      },
      requestId,
      err.code,
    ),
  };
}

function fieldDetails(message: string, details?: FieldIssue[]): string {
  return details?.length ? `${message} (${details.map((d) => `${d.field} ${d.message}`).join('; ')})`.slice(0, 1000) : message;
}

/** The platform's error body, with Meta's error when Meta (or its rules) refused. */
export interface V1ErrorBody {
  error: {
    code: string;
    message: string;
    details?: FieldIssue[];
    requestId: string;
    meta?: { code: number; subcode?: number; type: string; message: string; details?: string; fbtraceId?: string; category: GraphErrorCategory; retryable: boolean };
  };
}

/**
 * Meta's refusal on /v1: the HTTP status says whose move it is — 400 the request or the recipient,
 * 424 the number's connection to Meta (token, permissions, account), 429 throughput (with
 * Retry-After), 503 Meta unavailable.
 */
export function metaErrorAsV1(e: MetaErrorInfo, requestId: string): { status: number; body: V1ErrorBody; headers: Record<string, string> } {
  const c = classifyGraphError(e.code, e.isTransient);
  let status = 400;
  if (c.category === 'auth' || c.category === 'config' || c.category === 'policy') status = 424;
  else if (c.category === 'throughput') status = 429;
  else if (c.category === 'retryable') status = 503;
  const headers: Record<string, string> = status === 429 ? { 'retry-after': String(Math.max(1, Math.ceil(e.retryAfterSeconds ?? 1))) } : {};
  const text = e.details ?? e.userMessage ?? e.message;
  return {
    status,
    headers,
    body: {
      error: {
        code: `meta_${e.code}`,
        message: `WhatsApp refused the message (${e.code}): ${text}`.slice(0, 1000),
        requestId,
        meta: {
          code: e.code,
          ...(e.subcode !== undefined ? { subcode: e.subcode } : {}),
          type: e.type,
          message: e.message,
          ...(e.details !== undefined ? { details: e.details } : {}),
          ...(e.fbtraceId ? { fbtraceId: e.fbtraceId } : {}),
          category: c.category,
          retryable: c.retryable,
        },
      },
    },
  };
}

/** A platform refusal on /v1 (what the platform's error handler would answer). */
export function platformErrorAsV1(err: AppError, requestId: string): { status: number; body: V1ErrorBody; headers: Record<string, string> } {
  return {
    status: err.status,
    headers: err.headers ?? {},
    body: { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), requestId } },
  };
}
