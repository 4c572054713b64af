import { randomBytes } from 'node:crypto';
import { GraphApiError, GraphRequestError, parseGraphError } from './graph-errors.js';
import { createPooledTransport, type GraphHttpRequest, type GraphHttpResponse, type GraphTransport } from './graph-transport.js';
import {
  DEFAULT_PHONE_NUMBER_FIELDS,
  type CreateTemplateRequest,
  type CreateTemplateResponse,
  type DownloadedMedia,
  type MarkReadRequest,
  type MediaUploadResponse,
  type MediaUrlResponse,
  type MessageTemplate,
  type OutboundMessage,
  type PhoneNumberInfo,
  type PhoneNumberList,
  type SendMessageResponse,
  type SuccessResponse,
  type TemplateList,
} from './graph-types.js';

/**
 * The one client for Meta's Graph API (Cloud API messaging, media, phone numbers, templates). The
 * base URL and version are configuration, so the same client talks to graph.facebook.com, to the
 * built-in simulator (/sandbox/graph) or to any Graph-compatible endpoint. The access token is an
 * argument of every call: each tenant's number has its own.
 *
 * Retries (see README.md beside this file):
 *  - An error envelope with a transient code (1, 2, 4, 80007, 130429, 131000, 131016, 131057, or
 *    `is_transient`) means Meta did not act on the request: any call is retried, POST /messages too.
 *  - No connection could be made: the request never left, so any call is retried.
 *  - A timeout, a broken connection or a 5xx without an envelope leaves the outcome unknown. Only
 *    idempotent calls (GETs, deletes, media uploads, whose duplicate is harmless) are retried.
 *    POST /messages is never retried then: the Cloud API has no idempotency key, a second POST
 *    could deliver the message twice, so the caller gets GraphRequestError with
 *    `outcomeUnknown` and settles it from the status webhooks (biz_opaque_callback_data).
 * Backoff is exponential with jitter; Retry-After is honoured, and one longer than
 * `maxRetryAfterMs` ends the call at once, so a queue can reschedule instead of holding a worker.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for in-call. */
  maxRetryAfterMs: number;
}

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com, or PUBLIC_URL + '/sandbox/graph'. */
  baseUrl: string;
  /** e.g. v23.0. */
  version: string;
  transport?: GraphTransport;
  /** Per attempt; uploads and downloads get `transferTimeoutMs`. */
  timeoutMs?: number;
  transferTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Hosts (besides the base URL's) that media download URLs may point at; the bearer token goes there. */
  mediaHosts?: RegExp;
  /** Injected in tests: no real waiting, and the delays can be inspected. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  userAgent?: string;
}

export interface MediaUpload {
  data: Buffer;
  mimeType: string;
  filename?: string;
}

// Meta's media CDN: lookaside.fbsbx.com today; the other Meta CDNs for good measure. https only.
const META_MEDIA_HOSTS = /^(?:[a-z0-9-]+\.)*(?:fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/;
const ID = /^[0-9]{1,32}$/;
const VERSION = /^v[0-9]{1,3}\.[0-9]{1,2}$/;
const MAX_MEDIA_BYTES = 100 * 1024 * 1024 + 1024 * 1024;

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

type Safety = 'idempotent' | 'unsafe';

interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path below `${baseUrl}/${version}` or, for downloads, an absolute URL. */
  path?: string;
  url?: string;
  token: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: { data: Buffer; contentType: string };
  safety: Safety;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkId(kind: string, id: string): string {
  if (typeof id !== 'string' || !ID.test(id)) throw new GraphRequestError('refused', `Not a Graph ${kind} id: ${String(id).slice(0, 40)}`);
  return id;
}

function checkToken(token: string): string {
  // A token is one opaque word: anything else would corrupt the header (or smuggle another).
  if (typeof token !== 'string' || !/^[\x21-\x7e]{1,4096}$/.test(token)) throw new GraphRequestError('refused', 'The access token is empty or malformed');
  return token;
}

function escapeQuoted(s: string): string {
  return s.replace(/["\\\r\n]/g, '_');
}

/** multipart/form-data with the fields Meta's upload expects: messaging_product, type, file. */
export function mediaUploadBody(upload: MediaUpload): { data: Buffer; contentType: string } {
  const boundary = `----SevaGraph${randomBytes(12).toString('hex')}`;
  const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const filename = escapeQuoted(upload.filename ?? 'upload');
  const mime = escapeQuoted(upload.mimeType);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    data: Buffer.concat([
      field('messaging_product', 'whatsapp'),
      field('type', mime),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mime}\r\n\r\n`),
      upload.data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

export function createGraphClient(opts: GraphClientOptions) {
  if (!VERSION.test(opts.version)) throw new Error(`Graph API version must look like v23.0 (got "${opts.version}")`);
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const base = new URL(baseUrl);
  let pooled: ReturnType<typeof createPooledTransport> | undefined;
  const transport: GraphTransport =
    opts.transport ??
    ((req) => {
      pooled ??= createPooledTransport();
      return pooled.transport(req);
    });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const transferTimeoutMs = opts.transferTimeoutMs ?? 120_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const userAgent = opts.userAgent ?? 'SevaKendra-Graph/1';

  function backoff(attempt: number): number {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  /** Whether a failed attempt may be repeated, and after how long (null = give up). */
  function nextDelay(err: GraphApiError | GraphRequestError, safety: Safety, attempt: number): number | null {
    if (attempt >= retry.maxAttempts) return null;
    let again: boolean;
    if (err instanceof GraphApiError) again = err.transient;
    else if (err.kind === 'connect') again = true;
    else if (err.kind === 'timeout' || err.kind === 'network') again = safety === 'idempotent';
    else if (err.kind === 'invalid_response') {
      const s = err.httpStatus ?? 0;
      // 429 and 503 say "not processed" by definition; other 5xx from a proxy leave it open.
      again = s === 429 || s === 503 || (s >= 500 && safety === 'idempotent');
    } else again = false;
    if (!again) return null;
    const retryAfter = err instanceof GraphApiError ? err.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) {
      const ms = Math.ceil(retryAfter * 1000);
      return ms > retry.maxRetryAfterMs ? null : ms;
    }
    return backoff(attempt);
  }

  function urlFor(o: CallOptions): string {
    if (o.url) return o.url;
    const u = new URL(`${baseUrl}/${opts.version}/${o.path}`);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async function exchange(o: CallOptions): Promise<GraphHttpResponse> {
    const request: GraphHttpRequest = {
      method: o.method,
      url: urlFor(o),
      headers: {
        authorization: `Bearer ${checkToken(o.token)}`,
        accept: 'application/json',
        'user-agent': userAgent,
        ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.body ? { 'content-type': o.body.contentType } : {}),
      },
      ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
      ...(o.body ? { body: o.body.data } : {}),
      timeoutMs: o.timeoutMs ?? timeoutMs,
      ...(o.maxResponseBytes ? { maxResponseBytes: o.maxResponseBytes } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      let failure: GraphApiError | GraphRequestError;
      try {
        const res = await transport(request);
        if (res.status >= 200 && res.status < 300) return res;
        failure = parseGraphError(res.status, res.body, res.headers);
      } catch (err) {
        if (!(err instanceof GraphRequestError)) throw err;
        failure = err;
      }
      const delay = nextDelay(failure, o.safety, attempt);
      if (delay === null) throw failure;
      await sleep(delay);
    }
  }

  async function callJson<T>(o: CallOptions, check: (v: unknown) => v is T, what: string): Promise<T> {
    const res = await exchange(o);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new GraphRequestError('invalid_response', `${o.method} ${o.path ?? 'url'} answered ${res.status} without JSON`, res.status);
    }
    if (!check(parsed)) throw new GraphRequestError('invalid_response', `${o.method} ${o.path ?? 'url'} answered with something that is not ${what}`, res.status);
    return parsed;
  }

  const isSendResponse = (v: unknown): v is SendMessageResponse =>
    isRecord(v) && Array.isArray(v.messages) && isRecord(v.messages[0]) && typeof v.messages[0].id === 'string' && (v.contacts === undefined || Array.isArray(v.contacts));
  const isSuccess = (v: unknown): v is SuccessResponse => isRecord(v) && typeof v.success === 'boolean';
  const isId = (v: unknown): v is MediaUploadResponse => isRecord(v) && typeof v.id === 'string';
  const isMediaUrl = (v: unknown): v is MediaUrlResponse => isRecord(v) && typeof v.url === 'string' && typeof v.id === 'string';
  const isPhone = (v: unknown): v is PhoneNumberInfo => isRecord(v) && typeof v.id === 'string';
  const isTemplateList = (v: unknown): v is TemplateList => isRecord(v) && Array.isArray(v.data);
  const isCreated = (v: unknown): v is CreateTemplateResponse => isRecord(v) && typeof v.id === 'string' && typeof v.status === 'string';
  const isTemplate = (v: unknown): v is MessageTemplate => isRecord(v) && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.status === 'string';
  const isPhoneList = (v: unknown): v is PhoneNumberList => isRecord(v) && Array.isArray(v.data);

  /** The bearer token may only travel to Meta's media hosts (https) or to the configured Graph origin. */
  function checkMediaUrl(raw: string): string {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new GraphRequestError('refused', 'The media URL is not a URL');
    }
    const sameOrigin = u.origin === base.origin;
    const metaHost = u.protocol === 'https:' && (opts.mediaHosts ?? META_MEDIA_HOSTS).test(u.hostname);
    if (!sameOrigin && !metaHost) throw new GraphRequestError('refused', `Refusing to send the access token to ${u.protocol}//${u.hostname}`);
    return u.toString();
  }

  function sendMessage(phoneNumberId: string, token: string, body: MarkReadRequest): Promise<SuccessResponse>;
  function sendMessage(phoneNumberId: string, token: string, body: OutboundMessage): Promise<SendMessageResponse>;
  async function sendMessage(phoneNumberId: string, token: string, body: OutboundMessage | MarkReadRequest): Promise<SendMessageResponse | SuccessResponse> {
    const o: CallOptions = { method: 'POST', path: `${checkId('phone number', phoneNumberId)}/messages`, token, json: body, safety: 'unsafe' };
    if ('status' in body && body.status === 'read') return callJson(o, isSuccess, 'a success flag');
    return callJson(o, isSendResponse, 'a send response');
  }

  return {
    baseUrl,
    version: opts.version,

    sendMessage,

    /** Marks an inbound message read (blue ticks), optionally showing "typing…" for up to 25 s. */
    markAsRead(phoneNumberId: string, token: string, messageId: string, typing = false): Promise<SuccessResponse> {
      return sendMessage(phoneNumberId, token, { messaging_product: 'whatsapp', status: 'read', message_id: messageId, ...(typing ? { typing_indicator: { type: 'text' as const } } : {}) });
    },

    /** Uploads media (multipart). A repeated upload only costs storage, so it is retried like a GET. */
    uploadMedia(phoneNumberId: string, token: string, upload: MediaUpload): Promise<MediaUploadResponse> {
      return callJson(
        { method: 'POST', path: `${checkId('phone number', phoneNumberId)}/media`, token, body: mediaUploadBody(upload), safety: 'idempotent', timeoutMs: transferTimeoutMs },
        isId,
        'a media id',
      );
    },

    getMediaUrl(mediaId: string, token: string, opt: { phoneNumberId?: string } = {}): Promise<MediaUrlResponse> {
      return callJson(
        { method: 'GET', path: checkId('media', mediaId), token, query: { phone_number_id: opt.phoneNumberId && checkId('phone number', opt.phoneNumberId) }, safety: 'idempotent' },
        isMediaUrl,
        'a media URL',
      );
    },

    /** Downloads from a URL that getMediaUrl returned, with the same bearer token (valid 5 minutes). */
    async downloadMedia(url: string, token: string, opt: { maxBytes?: number } = {}): Promise<DownloadedMedia> {
      const res = await exchange({ method: 'GET', url: checkMediaUrl(url), token, safety: 'idempotent', timeoutMs: transferTimeoutMs, maxResponseBytes: opt.maxBytes ?? MAX_MEDIA_BYTES });
      return { data: res.body, contentType: res.headers['content-type'] };
    },

    deleteMedia(mediaId: string, token: string, opt: { phoneNumberId?: string } = {}): Promise<SuccessResponse> {
      return callJson(
        { method: 'DELETE', path: checkId('media', mediaId), token, query: { phone_number_id: opt.phoneNumberId && checkId('phone number', opt.phoneNumberId) }, safety: 'idempotent' },
        isSuccess,
        'a success flag',
      );
    },

    /** The number's name, quality rating, messaging limit and throughput level. */
    getPhoneNumber(phoneNumberId: string, token: string, fields = DEFAULT_PHONE_NUMBER_FIELDS): Promise<PhoneNumberInfo> {
      return callJson({ method: 'GET', path: checkId('phone number', phoneNumberId), token, query: { fields }, safety: 'idempotent' }, isPhone, 'a phone number');
    },

    /** One page of the business account's numbers; follow `paging.cursors.after` while `paging.next` is there. */
    listPhoneNumbers(wabaId: string, token: string, q: { limit?: number; after?: string; fields?: string } = {}): Promise<PhoneNumberList> {
      return callJson({ method: 'GET', path: `${checkId('business account', wabaId)}/phone_numbers`, token, query: q, safety: 'idempotent' }, isPhoneList, 'a list of phone numbers');
    },

    listTemplates(wabaId: string, token: string, q: { name?: string; status?: string; limit?: number; after?: string; before?: string; fields?: string } = {}): Promise<TemplateList> {
      return callJson({ method: 'GET', path: `${checkId('business account', wabaId)}/message_templates`, token, query: q, safety: 'idempotent' }, isTemplateList, 'a list of templates');
    },

    /** One template by Meta's id (hsm_id): status, category, components. */
    getTemplate(templateId: string, token: string, fields?: string): Promise<MessageTemplate> {
      return callJson({ method: 'GET', path: checkId('template', templateId), token, query: { fields }, safety: 'idempotent' }, isTemplate, 'a template');
    },

    /** Not retried on an unknown outcome: a second create answers "already exists" and hides the first. */
    createTemplate(wabaId: string, token: string, body: CreateTemplateRequest): Promise<CreateTemplateResponse> {
      return callJson({ method: 'POST', path: `${checkId('business account', wabaId)}/message_templates`, token, json: body, safety: 'unsafe' }, isCreated, 'a created template');
    },

    /** Deletes every language of `name`, or only the one with `hsmId`. */
    deleteTemplate(wabaId: string, token: string, t: { name: string; hsmId?: string }): Promise<SuccessResponse> {
      return callJson(
        { method: 'DELETE', path: `${checkId('business account', wabaId)}/message_templates`, token, query: { name: t.name, hsm_id: t.hsmId && checkId('template', t.hsmId) }, safety: 'idempotent' },
        isSuccess,
        'a success flag',
      );
    },

    async close(): Promise<void> {
      await pooled?.close();
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
