import { AppError } from '../../../platform/errors.js';
import type { GraphClient } from '../graph/graph-client.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import type { PhoneNumberInfo } from '../graph/graph-types.js';
import type { NumberFacts } from './numbers.repo.js';

/**
 * Checking a connection against the Graph API with the customer's token: the number exists and the
 * token may read it (GET /{phone-number-id}), and it belongs to the business account given
 * (GET /{waba-id}/phone_numbers, every page). Meta's answers become the platform's errors: a refusal that only
 * the customer can fix is a 422 with a stable code (stored on the number as its last error); Meta
 * being down or slow is a 502/503 that changes nothing.
 */

/** Meta's throughput levels in messages per second (CONTRACT §7: 80 standard, 1,000 high). */
export function mpsFor(level: string | null | undefined): number {
  return level === 'HIGH' ? 1000 : 80;
}

/** GET /{waba-id}/phone_numbers page size (Meta's maximum for the edge) and how many pages are read at most. */
export const WABA_PAGE_SIZE = 100;
export const WABA_MAX_PAGES = 20;

/** Why a check failed in a way the customer has to fix; the English text of each code. */
export const CHECK_FAILURES = {
  meta_token_invalid: 'Meta did not accept the access token: it is wrong, expired or revoked. Connect again with a valid token (rotate the token).',
  meta_number_not_found: 'Meta does not know this phone number id, or the access token cannot see it.',
  meta_waba_not_found: 'Meta does not know this WhatsApp Business Account id, or the access token cannot see it.',
  number_not_in_waba: 'This phone number does not belong to the WhatsApp Business Account given.',
  meta_permission_denied: 'The access token lacks a permission the platform needs (whatsapp_business_management and whatsapp_business_messaging).',
  meta_account_restricted: 'Meta has restricted this WhatsApp Business Account or number.',
  meta_rejected: 'Meta refused the request.',
  waba_too_large: `The WhatsApp Business Account lists more than ${WABA_MAX_PAGES * WABA_PAGE_SIZE} phone numbers; the platform looked at the first ${WABA_MAX_PAGES * WABA_PAGE_SIZE} and this number was not among them. Please contact support.`,
} as const;
export type CheckFailureCode = keyof typeof CHECK_FAILURES;

/** A check that Meta answered with a refusal (422): the customer must change something. */
export class CheckFailure extends AppError {
  constructor(
    readonly failure: CheckFailureCode,
    /** Meta's own words, when it gave some (never the token). */
    readonly detail?: string,
  ) {
    super(422, failure, detail ? `${CHECK_FAILURES[failure]} Meta said: ${detail}` : CHECK_FAILURES[failure]);
  }

  /** How it is kept in wa_numbers.last_error: `code` or `code: detail`. */
  get stored(): string {
    return this.detail ? `${this.failure}: ${this.detail}` : this.failure;
  }
}

/** The stored last error as `{code, message}` for the API. */
export function describeLastError(stored: string | null): { code: string; message: string } | null {
  if (!stored) return null;
  const i = stored.indexOf(': ');
  const code = i < 0 ? stored : stored.slice(0, i);
  const detail = i < 0 ? undefined : stored.slice(i + 2);
  const base = (CHECK_FAILURES as Record<string, string>)[code] ?? 'The last check of this number failed.';
  return { code, message: detail ? `${base} Meta said: ${detail}` : base };
}

function metaDetail(err: GraphApiError): string {
  return `(#${err.code}${err.subcode ? `/${err.subcode}` : ''}) ${err.message}`.slice(0, 300);
}

/** Meta's answer (or silence) as the platform's error. `object` says which call failed. */
export function graphFailure(err: unknown, object: 'number' | 'waba'): Error {
  if (err instanceof GraphApiError) {
    switch (err.category) {
      case 'auth':
        return new CheckFailure('meta_token_invalid', metaDetail(err));
      case 'config':
        return new CheckFailure('meta_permission_denied', metaDetail(err));
      case 'policy':
        return new CheckFailure('meta_account_restricted', metaDetail(err));
      case 'throughput':
        return new AppError(503, 'meta_busy', 'Meta is limiting requests for this account right now. Please try again in a few minutes.', {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds ?? 60))) },
        });
      case 'retryable':
        return new AppError(502, 'meta_unavailable', 'Meta’s Graph API had a temporary problem. Please try again in a minute.');
      default:
        // 100 (subcode 33 or not): the id does not exist, or the token's business cannot see it.
        if (err.code === 100) return new CheckFailure(object === 'number' ? 'meta_number_not_found' : 'meta_waba_not_found', metaDetail(err));
        return new CheckFailure('meta_rejected', metaDetail(err));
    }
  }
  if (err instanceof GraphRequestError) {
    if (err.kind === 'refused') return new CheckFailure('meta_token_invalid');
    if (err.kind === 'invalid_response') return new AppError(502, 'meta_bad_response', 'Meta’s Graph API answered with something unexpected. Please try again in a minute.');
    return new AppError(503, 'meta_unreachable', 'Meta’s Graph API could not be reached. Please try again in a minute.');
  }
  return err instanceof Error ? err : new Error(String(err));
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : null;
}

export function factsOf(info: PhoneNumberInfo): NumberFacts {
  const throughput = text(info.throughput?.level);
  return {
    display_phone_number: text(info.display_phone_number),
    verified_name: text(info.verified_name),
    quality_rating: text(info.quality_rating),
    // messaging_limit_tier is deprecated in favour of the portfolio-level limit (CONTRACT §7).
    messaging_limit_tier: text(info.whatsapp_business_manager_messaging_limit) ?? text(info.messaging_limit_tier),
    throughput_level: throughput,
    mps: mpsFor(throughput),
  };
}

/**
 * Checks a number with `token` and returns what Meta says about it. Throws CheckFailure (422) when
 * Meta refuses, or a 502/503 AppError when Meta cannot answer.
 */
export async function checkWithMeta(graph: GraphClient, n: { wabaId: string; phoneNumberId: string; token: string }): Promise<NumberFacts> {
  const [info, member] = await Promise.allSettled([graph.getPhoneNumber(n.phoneNumberId, n.token), wabaHasNumber(graph, n)]);
  if (info.status === 'rejected') throw graphFailure(info.reason, 'number');
  if (member.status === 'rejected') throw graphFailure(member.reason, 'waba');
  if (!member.value) throw new CheckFailure('number_not_in_waba');
  return factsOf(info.value);
}

/**
 * Whether the business account lists the number, reading Meta's pages (cursor `after`, while
 * `paging.next` says another page follows) until it is found. A WABA larger than WABA_MAX_PAGES pages
 * is refused with `waba_too_large` rather than read without end.
 */
async function wabaHasNumber(graph: GraphClient, n: { wabaId: string; phoneNumberId: string; token: string }): Promise<boolean> {
  let after: string | undefined;
  for (let page = 0; page < WABA_MAX_PAGES; page++) {
    const res = await graph.listPhoneNumbers(n.wabaId, n.token, { limit: WABA_PAGE_SIZE, fields: 'id', ...(after ? { after } : {}) });
    if (res.data.some((p) => p.id === n.phoneNumberId)) return true;
    const next = res.paging?.cursors?.after;
    // A cursor that does not move would loop: Meta's list ended as far as we can tell.
    if (!res.paging?.next || !next || next === after || !res.data.length) return false;
    after = next;
  }
  throw new CheckFailure('waba_too_large');
}
