/**
 * The one error type of the platform. Everything a client can be told about is an AppError with a
 * stable machine-readable `code`; anything else leaves the error handler as a generic 500.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { details?: FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    if (extra.details) this.details = extra.details;
    if (extra.headers) this.headers = extra.headers;
  }
}

export const badRequest = (code: string, message: string, details?: FieldIssue[]) =>
  new AppError(400, code, message, details ? { details } : {});
export const unauthorized = (message = 'Please sign in to continue.', code = 'unauthenticated') =>
  new AppError(401, code, message);
export const forbidden = (message = 'You are not allowed to do this.', code = 'forbidden') =>
  new AppError(403, code, message);
/** Objects of other users and tenants are reported as missing, never as forbidden. */
export const notFound = (what = 'Resource', code = 'not_found') =>
  new AppError(404, code, `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds: number, code = 'rate_limited') =>
  new AppError(429, code, message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
