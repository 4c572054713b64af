import { GRAPH_ERROR_CATALOG, type GraphErrorBody } from '../whatsapp/graph/graph-errors.js';
import { fbtraceId } from './sandbox-ids.js';

/**
 * An error the simulator answers with, in Meta's envelope (examples/error-*.json):
 * `{"error":{"message":"(#131008) Required parameter is missing","type":"OAuthException","code":131008,
 * "error_data":{"messaging_product":"whatsapp","details":"…"},"fbtrace_id":"…"}}`.
 */
export class SimGraphError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly code: number,
    readonly details?: string,
    readonly opts: { subcode?: number; message?: string; httpStatus?: number; whatsapp?: boolean; retryAfterSeconds?: number; isTransient?: boolean } = {},
  ) {
    super(opts.message ?? `(#${code}) ${GRAPH_ERROR_CATALOG[code]?.title ?? 'Error'}`);
    this.name = 'SimGraphError';
    this.httpStatus = opts.httpStatus ?? GRAPH_ERROR_CATALOG[code]?.http ?? 400;
  }

  body(): GraphErrorBody {
    const withData = this.opts.whatsapp !== false && this.details !== undefined;
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        ...(withData ? { error_data: { messaging_product: 'whatsapp', details: this.details! } } : {}),
        ...(this.opts.subcode !== undefined ? { error_subcode: this.opts.subcode } : {}),
        ...(this.opts.isTransient !== undefined ? { is_transient: this.opts.isTransient } : {}),
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

export const missing = (path: string) => new SimGraphError(131008, `The parameter ${path} is required.`);
export const invalid = (details: string) => new SimGraphError(100, details);
export const notValid = (details: string) => new SimGraphError(131009, details);
