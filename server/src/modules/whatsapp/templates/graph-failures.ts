import { AppError } from '../../../platform/errors.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';

/**
 * Meta's answers to template management calls, told to the customer: a refused token is theirs to
 * fix, a rate limit says when to come back, a refused template carries Meta's own explanation, and
 * an unreachable Meta is a 502 — never a 500.
 */

/** Meta's management rate limit per business account (80007), and app-level limits (4). */
export function rateLimitOf(err: unknown): GraphApiError | null {
  return err instanceof GraphApiError && (err.code === 80007 || err.code === 4 || err.category === 'throughput') ? err : null;
}

/** One line for logs and the sync status: what went wrong, without secrets. */
export function describeGraphFailure(err: unknown): string {
  if (err instanceof GraphApiError) {
    if (err.category === 'auth') return `Meta refused the number's access token (code ${err.code}). Update the token of the number.`;
    return `Meta answered: ${err.userMessage ?? err.details ?? err.message} (code ${err.code}${err.subcode ? `/${err.subcode}` : ''})`.slice(0, 500);
  }
  if (err instanceof GraphRequestError) return `Meta could not be reached (${err.kind}${err.httpStatus ? ` ${err.httpStatus}` : ''}).`;
  return 'Unexpected error while talking to Meta.';
}

/** Graph failures as AppErrors; anything else (a bug) is handed back unchanged, to surface as a 500. */
export function appErrorFromGraph(err: unknown): unknown {
  if (err instanceof GraphApiError) {
    if (rateLimitOf(err)) {
      const wait = Math.max(60, Math.ceil(err.retryAfterSeconds ?? 0));
      return new AppError(429, 'meta_rate_limited', 'Meta limits how often templates of one business account can be managed. Please try again later.', {
        headers: { 'retry-after': String(wait) },
      });
    }
    if (err.category === 'auth') return new AppError(422, 'number_token_invalid', describeGraphFailure(err));
    if (err.code === 100 && err.subcode === 2388024) return new AppError(409, 'template_exists', 'Meta already has a template with this name in this language.');
    if (err.category === 'retryable' || err.httpStatus >= 500) return new AppError(502, 'meta_unavailable', 'Meta is not answering properly right now. Please try again in a few minutes.');
    return new AppError(422, 'meta_refused', describeGraphFailure(err));
  }
  if (err instanceof GraphRequestError) return new AppError(502, 'meta_unavailable', 'Meta could not be reached. Please try again in a few minutes.');
  return err;
}
