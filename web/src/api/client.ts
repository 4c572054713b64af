/**
 * The one fetch wrapper of the web app: same-origin JSON requests with the cookie session,
 * the CSRF header on unsafe methods, and the server's error envelope turned into ApiError.
 */

export interface FieldError {
  field: string;
  message: string;
}

interface ErrorEnvelope {
  error?: {
    code?: string;
    message?: string;
    details?: FieldError[];
    requestId?: string;
  };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldError[];
  readonly requestId: string | undefined;
  /** Seconds from the Retry-After header of a 429 answer. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { details?: FieldError[]; requestId?: string; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = extra.details ?? [];
    this.requestId = extra.requestId;
    this.retryAfter = extra.retryAfter;
  }

  /** The server's message for one form field, if it named that field. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field || d.field.endsWith(`/${field}`))?.message;
  }
}

/** Code used when the server could not be reached at all. */
export const NETWORK_ERROR = 'network_error';

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;
let refreshCsrf: (() => Promise<void>) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The current CSRF token, for requests made outside `request` (file uploads with progress). */
export const getCsrfToken = (): string | null => csrfToken;

/** Called when any request answers 401 unauthenticated (the session ended or expired). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/** Used once to retry a request that failed because the CSRF token was stale. */
export function setCsrfRefresher(refresher: (() => Promise<void>) | null): void {
  refreshCsrf = refresher;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function toApiError(res: Response): Promise<ApiError> {
  let envelope: ErrorEnvelope = {};
  try {
    envelope = (await res.json()) as ErrorEnvelope;
  } catch {
    // Not JSON (a proxy error page, for example): fall back to the status text.
  }
  const e = envelope.error ?? {};
  return new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? res.statusText, {
    details: Array.isArray(e.details) ? e.details : [],
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(res.status === 429 ? { retryAfter: parseRetryAfter(res.headers.get('retry-after')) } : {}),
  });
}

const isCsrfFailure = (err: ApiError): boolean => err.status === 403 && err.code.includes('csrf');

async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, 'Could not reach the server. Check your connection and try again.');
  }
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, options);
  if (!res.ok) {
    let err = await toApiError(res);
    if (isCsrfFailure(err) && refreshCsrf) {
      await refreshCsrf();
      res = await send(method, path, options);
      if (res.ok) return parseBody<T>(res);
      err = await toApiError(res);
    }
    if (err.status === 401 && err.code === 'unauthenticated') onUnauthenticated?.();
    throw err;
  }
  return parseBody<T>(res);
}

async function parseBody<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/**
 * Uploads one file as multipart/form-data (field `file`) with upload progress, which fetch cannot
 * report, sending the CSRF token like every other change. A 201 answer resolves with its `field`
 * member; refusals come back as ApiError with the server's code.
 */
export function uploadWithProgress<T>(url: string, file: File, field: string, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, 'Could not reach the server. Check your connection and try again.'));
    xhr.onload = () => {
      let body: Record<string, unknown> & { error?: { code?: string; message?: string; requestId?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON (a proxy error page)
      }
      if (xhr.status === 201 && body[field]) resolve(body[field] as T);
      else
        reject(
          new ApiError(xhr.status, body.error?.code ?? `http_${xhr.status}`, body.error?.message ?? xhr.statusText, {
            ...(body.error?.requestId ? { requestId: body.error.requestId } : {}),
          }),
        );
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
