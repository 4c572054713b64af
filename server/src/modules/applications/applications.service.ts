import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Queryable, Tx } from '../../db/index.js';
import { SYSTEM_META, type Actor, type RequestMeta, type Role } from '../../platform/actor.js';
import { AppError, badRequest, conflict, forbidden, notFound, type FieldIssue } from '../../platform/errors.js';
import { uploadedFile, type FileLinks } from '../../platform/file-links.js';
import { formatRupees } from '../../platform/money.js';
import { purgeFilesOfClosedAccounts, sweepOrphans as sweepStoreOrphans, type FileStore } from '../../platform/storage/index.js';
import { FILE_TYPES, type UploadPolicy, type UploadReceiver } from '../../platform/uploads/index.js';
import { findUserById } from '../accounts/accounts.repo.js';
import { insertActivity } from '../audit/activity.repo.js';
import type { KycGate } from '../kyc/kyc-gate.js';
import type { Notifier } from '../notifications/notifier.js';
import { ISSUER } from '../payments/payments.service.js';
import { computeFees, todayInIndia, validateSubmission, type FormDefinition, type FormIssue, type FormValues } from '../services/form-engine.js';
import { findFormVersion, findService, type ServiceRow } from '../services/services.repo.js';
import { placeHold, releaseHold, settleHold } from '../wallet/holds.js';
import type { WalletService } from '../wallet/wallet.service.js';
import * as repo from './applications.repo.js';
import type { ApplicationRow, ApplicationView, DocumentRow } from './applications.repo.js';
import type { ApplicationDetailDto, ViewerAction } from './applications.schemas.js';
import { commentNotice, completedNotice, needsInfoNotice, rejectedNotice, submittedNotice, type NoticeSubject } from './notices.js';
import { cgstSgst, renderApplicationReceiptPdf } from './receipt-pdf.js';
import { slaDueAt } from './sla.js';
import { CLOSED_STATES, EDITABLE_STATES, canMove, impossibleMove, notEditable, type Action, type ApplicationState } from './workflow.js';

export type ApplicationsConfig = Pick<Config, 'uploadMaxBytes' | 'uploadMaxPixels' | 'uploadMaxDimension' | 'gstin' | 'recordsRetentionDays'>;
type Viewer = Extract<Actor, { type: 'user' }>;

/**
 * An application's hold is closed by its workflow only (completed: settled; rejected or cancelled:
 * released). The wallet's expiry job releases holds past `expires_at`, which would let the customer
 * spend money an operator is working against, so the hold is placed to outlive any application.
 */
export const HOLD_TTL_SECONDS = 100 * 365 * 24 * 3600;
/** Drafts a customer may keep open at once: enough for any family, not for filling the database. */
const MAX_DRAFTS = 50;
const MAX_OUTPUTS = 20;
const KEY_PREFIX = 'applications';
export const FILE_RESOURCE = 'application_file';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Comments and reasons: line breaks allowed; other control characters and bidirectional overrides
// (which could disguise text shown to the other side) are not.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const isStaff = (role: Role) => role === 'operator' || role === 'admin';
/** A customer's own draft is private until submitted; drafts staff filed for a walk-in are shared. */
const visibleToStaff = (a: ApplicationRow) => a.submitted_at !== null || a.filed_by !== null;
const readable = (a: ApplicationRow, v: Viewer) => a.user_id === v.userId || (isStaff(v.role) && visibleToStaff(a));
/** The customer, or staff on an application they filed for a walk-in customer (acting as the customer's agent). */
const actsForCustomer = (a: ApplicationRow, v: Viewer) => a.user_id === v.userId || (isStaff(v.role) && a.filed_by !== null);
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const rupees = (paise: number) => `₹${formatRupees(paise)}`;

const invalidMove = (action: Action, state: ApplicationState) => conflict('invalid_transition', impossibleMove(action, state));
const customerOnly = () => forbidden('Only the customer the application is for can do this.', 'customer_only');

function answersError(issues: FormIssue[]): AppError {
  const first = issues[0]!;
  const text = issues.length === 1 ? `${first.field || 'The answers'} ${first.message}.` : `${issues.length} answers need attention; first: ${first.field || 'the answers'} ${first.message}.`;
  return badRequest('invalid_answers', text.slice(0, 500), issues as unknown as FieldIssue[]);
}

/** A comment, reason or request: trimmed, NFC, at least `min` characters, no control characters. */
function cleanMessage(value: string, field: string, min: number): string {
  const text = value.normalize('NFC').trim();
  if (BAD_TEXT.test(text)) throw badRequest('validation_failed', 'The text contains characters that are not allowed.', [{ field, message: 'contains characters that are not allowed' }]);
  if (text.length < min) throw badRequest('validation_failed', min > 1 ? `Write at least ${min} characters.` : 'Write a message.', [{ field, message: `must be at least ${min} characters` }]);
  return text;
}

export function createApplicationsService(deps: {
  db: Db;
  store: FileStore;
  uploads: UploadReceiver;
  links: FileLinks;
  kycGate: Pick<KycGate, 'isRequired' | 'hasApprovedKyc'>;
  wallet: Pick<WalletService, 'lockedAvailable'>;
  notifier: Notifier;
  config: ApplicationsConfig;
}) {
  const { db, store, uploads, links, kycGate, wallet, notifier, config } = deps;

  const kycNeeded = (s: ServiceRow) => s.kyc_required || kycGate.isRequired(`service:${s.slug}`);

  async function serviceOf(q: Queryable, id: string): Promise<ServiceRow> {
    const s = await findService(q, { id });
    if (!s) throw new Error(`application refers to a missing service ${id}`);
    return s;
  }

  async function definitionOf(q: Queryable, a: ApplicationRow): Promise<FormDefinition> {
    const v = await findFormVersion(q, a.service_id, a.form_version);
    if (!v) throw new Error(`application ${a.id} refers to a missing form version ${a.form_version}`);
    return v.definition;
  }

  const subject = (a: ApplicationRow, s: ServiceRow): NoticeSubject => ({ id: a.id, userId: a.user_id, ackNumber: a.ack_number ?? '', service: { en: s.name_en, hi: s.name_hi } });

  /** One timeline entry and one activity record, in the transaction of the change. */
  async function record(
    tx: Tx,
    actor: Viewer,
    a: ApplicationRow,
    event: { kind: string; from?: ApplicationState; to?: ApplicationState; visibility: 'customer' | 'internal'; message?: string | null; details?: Record<string, unknown> },
    activity: { action: string; details?: Record<string, unknown> },
    meta: RequestMeta,
  ): Promise<void> {
    await repo.insertEvent(tx, {
      applicationId: a.id,
      kind: event.kind,
      fromState: event.from ?? null,
      toState: event.to ?? null,
      actorId: actor.userId,
      actorRole: actor.role,
      visibility: event.visibility,
      message: event.message ?? null,
      ...(event.details ? { details: event.details } : {}),
    });
    await insertActivity(
      tx,
      actor,
      { action: activity.action, subjectUserId: a.user_id, object: { type: 'application', id: a.id }, details: { ackNumber: a.ack_number, ...activity.details } },
      meta,
    );
  }

  /** Locks the application for a change on the customer's side: 404 when not theirs to see, 403 when they may only look. */
  async function lockForCustomer(tx: Tx, actor: Viewer, id: string): Promise<ApplicationRow> {
    const a = await repo.lock(tx, id);
    if (!a || !readable(a, actor)) throw notFound('Application');
    if (!actsForCustomer(a, actor)) throw customerOnly();
    return a;
  }

  /** Locks the application for an operator's action: never on one's own application. */
  async function lockForStaff(tx: Tx, actor: Viewer, id: string): Promise<ApplicationRow> {
    const a = await repo.lock(tx, id);
    if (!a || !visibleToStaff(a)) throw notFound('Application');
    if (a.user_id === actor.userId) throw forbidden('You cannot process your own application; another operator must.', 'cannot_process_own');
    return a;
  }

  function checkAssignee(a: ApplicationRow, actor: Viewer): void {
    if (a.assigned_to && a.assigned_to !== actor.userId && actor.role !== 'admin') {
      throw conflict('assigned_to_other', 'This application is assigned to another operator. Ask an admin to reassign it.');
    }
  }

  /**
   * The answers with file fields filled from the current uploads (a file field is answered by
   * uploading its document; an answer that names anything else is refused), checked by the form
   * engine against the pinned version. `partial` for drafts.
   */
  function checkAnswers(definition: FormDefinition, raw: unknown, docs: DocumentRow[], partial: boolean): FormValues {
    const issues: FormIssue[] = [];
    let input = raw;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
      for (const f of definition.fields) {
        if (f.type !== 'file') continue;
        const current = docs.find((d) => d.purpose === 'input' && d.document_key === f.document);
        const given = Object.hasOwn(copy, f.key) ? copy[f.key] : undefined;
        if (given !== undefined && given !== null && given !== '' && (typeof given !== 'string' || given.toLowerCase() !== current?.id)) {
          issues.push({ field: f.key, rule: 'file', message: 'must be the document uploaded for this field' });
        }
        if (current) copy[f.key] = current.id;
        else delete copy[f.key];
      }
      input = copy;
    }
    const result = validateSubmission(definition, input, { today: todayInIndia(), partial });
    if (!result.ok) issues.push(...result.issues);
    if (!partial) {
      for (const d of definition.documents) {
        if (d.required && !docs.some((x) => x.purpose === 'input' && x.document_key === d.key)) {
          issues.push({ field: `documents.${d.key}`, rule: 'required', message: 'must be uploaded' });
        }
      }
    }
    if (issues.length || !result.ok) throw answersError(issues);
    return result.value;
  }

  /**
   * The customer-entered amount: only for services that take one, within its limits, and fixed
   * once submitted (the money held is for that amount). `undefined` = leave as it is.
   */
  function checkAmount(a: ApplicationRow, s: ServiceRow, given: number | null | undefined): number | null | undefined {
    if (!s.variable_amount) {
      if (given !== undefined && given !== null) throw badRequest('amount_not_applicable', 'This service has fixed fees; it takes no amount.', [{ field: 'amountPaise', message: 'is not taken by this service' }]);
      return undefined;
    }
    if (given === undefined) return undefined;
    if (a.submitted_at !== null) {
      if (given !== a.amount_paise) throw conflict('amount_locked', 'The amount cannot change after the application was submitted.');
      return undefined;
    }
    if (given === null) return null;
    if (given < s.amount_min_paise! || given > s.amount_max_paise!) {
      const message = `Enter an amount between ${rupees(s.amount_min_paise!)} and ${rupees(s.amount_max_paise!)}.`;
      throw badRequest('amount_out_of_range', message, [{ field: 'amountPaise', message }]);
    }
    return given;
  }

  // Views -------------------------------------------------------------------------------------------

  function documentDto(d: DocumentRow, viewerId: string) {
    const link = links.sign(FILE_RESOURCE, d.id, viewerId);
    return {
      id: d.id,
      purpose: d.purpose,
      key: d.document_key,
      contentType: d.content_type,
      sizeBytes: d.size_bytes,
      uploadedAt: d.uploaded_at.toISOString(),
      url: link.url,
      urlExpiresAt: link.expiresAt,
    };
  }

  function summaryDto(a: ApplicationView) {
    return {
      id: a.id,
      ackNumber: a.ack_number,
      state: a.state,
      service: { id: a.service_id, slug: a.service_slug, name: { en: a.service_name_en, hi: a.service_name_hi } },
      total: a.total_paise,
      amountPaise: a.amount_paise,
      createdAt: a.created_at.toISOString(),
      updatedAt: a.updated_at.toISOString(),
      submittedAt: iso(a.submitted_at),
      lastSubmittedAt: iso(a.last_submitted_at),
      slaDueAt: iso(a.sla_due_at),
      overdue: a.overdue,
    };
  }

  function queueItemDto(a: ApplicationView) {
    return {
      ...summaryDto(a),
      customer: { id: a.user_id, name: a.customer_name, email: a.customer_email, mobile: a.customer_mobile },
      filedBy: a.filed_by ? { id: a.filed_by, name: a.filed_by_name ?? '' } : null,
      assignedTo: a.assigned_to ? { id: a.assigned_to, name: a.assignee_name ?? '' } : null,
      ageSeconds: a.age_seconds,
    };
  }

  function allowedActions(a: ApplicationRow, viewer: Viewer): ViewerAction[] {
    const out: ViewerAction[] = [];
    if (actsForCustomer(a, viewer)) {
      if (EDITABLE_STATES.includes(a.state)) out.push('edit');
      if (canMove('submit', a.state)) out.push('submit');
      if (canMove('cancel', a.state)) out.push('cancel');
      if (a.submitted_at) out.push('comment');
    }
    if (isStaff(viewer.role) && a.user_id !== viewer.userId && visibleToStaff(a)) {
      if (a.submitted_at && !CLOSED_STATES.includes(a.state)) out.push('assign');
      for (const action of ['start', 'request_info', 'complete', 'reject'] as const) if (canMove(action, a.state)) out.push(action);
      if (a.state === 'in_progress') out.push('upload_output');
      if (a.submitted_at) {
        if (!out.includes('comment')) out.push('comment');
        out.push('comment_internal');
      }
    }
    if (a.ack_number) out.push('receipt');
    return out;
  }

  async function detail(viewer: Viewer, id: string, q: Queryable = db): Promise<ApplicationDetailDto> {
    const a = await repo.findView(q, id);
    if (!a || !readable(a, viewer)) throw notFound('Application');
    const asStaff = isStaff(viewer.role) && a.user_id !== viewer.userId;
    const service = await serviceOf(q, a.service_id);
    const form = (await findFormVersion(q, a.service_id, a.form_version))!;
    const docs = await repo.currentDocuments(q, a.id);
    const events = await repo.listEvents(q, a.id, { includeInternal: asStaff });
    const fees =
      a.total_paise !== null
        ? { platformFee: a.platform_fee_paise!, governmentFee: a.government_fee_paise!, gstRateBps: a.gst_rate_bps!, gst: a.gst_paise!, total: a.total_paise }
        : computeFees({
            platformFeePaise: service.platform_fee_paise,
            governmentFeePaise: service.variable_amount ? (a.amount_paise ?? 0) : service.government_fee_paise,
            gstRateBps: service.gst_rate_bps,
          });
    return {
      ...summaryDto(a),
      formVersion: a.form_version,
      form: { version: form.version, publishedAt: form.published_at.toISOString(), fields: form.definition.fields, documents: form.definition.documents },
      answers: a.answers,
      fees: { ...fees, ...cgstSgst(fees.gst) },
      feesFinal: a.total_paise !== null,
      variableAmount: service.variable_amount ? { minPaise: service.amount_min_paise!, maxPaise: service.amount_max_paise! } : null,
      kycRequired: kycNeeded(service),
      turnaroundDays: a.turnaround_days ?? service.turnaround_days,
      documents: docs.filter((d) => d.purpose === 'input').map((d) => documentDto(d, viewer.userId)),
      // The customer sees the results once the work is complete, not while the operator assembles them.
      outputs: asStaff || a.state === 'completed' ? docs.filter((d) => d.purpose === 'output').map((d) => documentDto(d, viewer.userId)) : [],
      customer: { id: a.user_id, name: a.customer_name, email: a.customer_email, mobile: a.customer_mobile },
      filedBy: a.filed_by ? { id: a.filed_by, name: a.filed_by_name ?? '' } : null,
      assignedTo: asStaff && a.assigned_to ? { id: a.assigned_to, name: a.assignee_name ?? '' } : null,
      infoRequest: a.info_request,
      rejectionReason: a.rejection_reason,
      startedAt: iso(a.started_at),
      infoRequestedAt: iso(a.info_requested_at),
      completedAt: iso(a.completed_at),
      rejectedAt: iso(a.rejected_at),
      cancelledAt: iso(a.cancelled_at),
      timeline: events.map((e) => ({
        id: e.id,
        at: e.created_at.toISOString(),
        kind: e.kind,
        fromState: e.from_state,
        toState: e.to_state,
        // Customers see that "an operator" acted, not who: names of staff stay inside the centre.
        actor: e.actor_role
          ? asStaff || e.actor_id === viewer.userId
            ? { id: e.actor_id, name: e.actor_name, role: e.actor_role }
            : { id: null, name: null, role: e.actor_role }
          : null,
        visibility: e.visibility,
        message: e.message,
      })),
      allowedActions: allowedActions(a, viewer),
    };
  }

  // Customers (and staff filing for walk-in customers) -----------------------------------------------

  async function create(actor: Viewer, input: { service: string; customerId?: string }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    const service = await findService(db, UUID.test(input.service) ? { id: input.service.toLowerCase() } : { slug: input.service });
    if (!service || !service.active || !service.category_active) throw notFound('Service');
    let userId = actor.userId;
    let filedBy: string | null = null;
    if (input.customerId !== undefined) {
      if (!isStaff(actor.role)) throw forbidden();
      const customer = await findUserById(db, input.customerId);
      if (!customer || customer.role !== 'customer' || customer.status !== 'active') {
        throw badRequest('unknown_customer', 'Choose an active customer account (find it by mobile number or email).', [{ field: 'customerId', message: 'is not an active customer' }]);
      }
      userId = customer.id;
      filedBy = actor.userId;
    }
    const id = await db.tx(async (tx) => {
      if ((await repo.countDrafts(tx, userId)) >= MAX_DRAFTS) {
        throw conflict('too_many_drafts', `There are already ${MAX_DRAFTS} unfinished drafts. Submit or cancel some first.`);
      }
      const newId = await repo.insertApplication(tx, { userId, filedBy, serviceId: service.id, formVersion: service.current_form_version });
      const a = (await repo.lock(tx, newId))!;
      await record(
        tx,
        actor,
        a,
        { kind: 'created', to: 'draft', visibility: 'customer' },
        { action: filedBy ? 'application.filed_for_customer' : 'application.created', details: { service: service.slug, formVersion: service.current_form_version } },
        meta,
      );
      return newId;
    });
    return detail(actor, id);
  }

  async function saveDraft(actor: Viewer, id: string, input: { answers: unknown; amountPaise?: number | null | undefined }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    await db.tx(async (tx) => {
      const a = await lockForCustomer(tx, actor, id);
      if (!EDITABLE_STATES.includes(a.state)) throw conflict('not_editable', notEditable(a.state));
      const service = await serviceOf(tx, a.service_id);
      const answers = checkAnswers(await definitionOf(tx, a), input.answers, await repo.currentDocuments(tx, id), true);
      const amount = checkAmount(a, service, input.amountPaise);
      await repo.update(tx, id, { answers, ...(amount !== undefined ? { amount_paise: amount } : {}) });
      await insertActivity(
        tx,
        actor,
        { action: 'application.draft_saved', subjectUserId: a.user_id, object: { type: 'application', id }, details: { ackNumber: a.ack_number, answered: Object.keys(answers).length } },
        meta,
      );
    });
    return detail(actor, id);
  }

  /** Draft → submitted (validated, KYC, fees copied, money held, acknowledgement number), or needs_info → submitted. */
  async function submit(actor: Viewer, id: string, input: { answers?: unknown; amountPaise?: number | null | undefined }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    // Checked before the transaction: the KYC gate reads through the database handle, which on PGlite
    // (one connection) would wait for the open transaction.
    const pre = await repo.findView(db, id);
    if (!pre || !readable(pre, actor)) throw notFound('Application');
    if (!actsForCustomer(pre, actor)) throw customerOnly();
    if (!canMove('submit', pre.state)) throw invalidMove('submit', pre.state);
    if (kycNeeded(await serviceOf(db, pre.service_id)) && !(await kycGate.hasApprovedKyc(pre.user_id))) {
      throw forbidden(
        pre.user_id === actor.userId ? 'This service needs approved KYC. Complete your KYC (identity verification) first.' : 'This service needs the customer’s approved KYC; they must complete it first.',
        'kyc_required',
      );
    }
    await db.tx(async (tx) => {
      const a = await lockForCustomer(tx, actor, id);
      // The row is locked: a second submit of the same draft waits here, then finds it submitted.
      if (!canMove('submit', a.state)) throw invalidMove('submit', a.state);
      const first = a.state === 'draft';
      const service = await serviceOf(tx, a.service_id);
      if (first && (!service.active || !service.category_active)) {
        throw conflict('service_unavailable', 'This service is not offered at the moment, so the draft cannot be submitted.');
      }
      const answers = checkAnswers(await definitionOf(tx, a), input.answers ?? a.answers, await repo.currentDocuments(tx, id), false);
      const given = checkAmount(a, service, input.amountPaise);
      const amount = given === undefined ? a.amount_paise : given;
      if (service.variable_amount && amount === null) {
        const message = `Enter the amount to pay, between ${rupees(service.amount_min_paise!)} and ${rupees(service.amount_max_paise!)}.`;
        throw badRequest('amount_required', message, [{ field: 'amountPaise', message }]);
      }
      const now = new Date();
      let changes: repo.ApplicationChanges = { state: 'submitted', answers, last_submitted_at: now };
      let held = 0;
      if (first) {
        const fees = computeFees({
          platformFeePaise: service.platform_fee_paise,
          governmentFeePaise: service.variable_amount ? amount! : service.government_fee_paise,
          gstRateBps: service.gst_rate_bps,
        });
        if (fees.total > 0) {
          const available = await wallet.lockedAvailable(tx, a.user_id);
          if (available < fees.total) {
            const whose = a.user_id === actor.userId ? 'Your wallet has' : 'The customer’s wallet has';
            throw new AppError(409, 'insufficient_funds', `${whose} ${rupees(available)}; this application needs ${rupees(fees.total)}. Add ${rupees(fees.total - available)} and submit again.`);
          }
        }
        // Drawn after the balance check, so a short wallet leaves no gap in the numbers.
        const ack = await repo.nextAckNumber(tx, todayInIndia(now).slice(0, 4));
        let holdId: string | null = null;
        if (fees.total > 0) {
          const hold = await placeHold(tx, {
            userId: a.user_id,
            amount: fees.total,
            purpose: `service application ${ack}`,
            reference: a.id,
            ttlSeconds: HOLD_TTL_SECONDS,
            idempotencyKey: `application:${a.id}`,
            actor,
          });
          holdId = hold.id;
          held = fees.total;
        }
        changes = {
          ...changes,
          ack_number: ack,
          amount_paise: amount,
          platform_fee_paise: fees.platformFee,
          government_fee_paise: fees.governmentFee,
          gst_rate_bps: fees.gstRateBps,
          gst_paise: fees.gst,
          total_paise: fees.total,
          hold_id: holdId,
          turnaround_days: service.turnaround_days,
          sla_due_at: slaDueAt(now, service.turnaround_days),
          submitted_at: now,
        };
      } else {
        await repo.shiftSlaByWait(tx, id);
      }
      await repo.update(tx, id, changes);
      const after = (await repo.lock(tx, id))!;
      await record(
        tx,
        actor,
        after,
        { kind: first ? 'submitted' : 'resubmitted', from: a.state, to: 'submitted', visibility: 'customer' },
        { action: first ? 'application.submitted' : 'application.resubmitted', details: { total: after.total_paise, holdId: after.hold_id, filedBy: a.filed_by } },
        meta,
      );
      await notifier.notify(tx, submittedNotice(subject(after, service), held, !first));
    });
    return detail(actor, id);
  }

  async function cancel(actor: Viewer, id: string, input: { reason?: string | undefined }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    const reason = input.reason ? cleanMessage(input.reason, 'reason', 1) : null;
    const removed = await db.tx(async (tx) => {
      const a = await lockForCustomer(tx, actor, id);
      if (!canMove('cancel', a.state)) throw invalidMove('cancel', a.state);
      let released = 0;
      if (a.hold_id) released = (await releaseHold(tx, a.hold_id, actor)).released;
      // A draft never submitted leaves nothing worth keeping: its uploads go.
      const keys = a.submitted_at === null ? await repo.deleteDocuments(tx, await repo.allDocumentIds(tx, id)) : [];
      await repo.update(tx, id, { state: 'cancelled', cancelled_at: new Date() });
      await record(
        tx,
        actor,
        a,
        { kind: 'cancelled', from: a.state, to: 'cancelled', visibility: 'customer', message: reason },
        { action: 'application.cancelled', details: { from: a.state, released, ...(reason ? { reason } : {}) } },
        meta,
      );
      return keys;
    });
    for (const key of removed) await store.delete(key);
    return detail(actor, id);
  }

  async function comment(actor: Viewer, id: string, input: { message: string; visibility: 'customer' | 'internal' }, side: 'customer' | 'staff', meta: RequestMeta): Promise<ApplicationDetailDto> {
    const message = cleanMessage(input.message, 'message', 1);
    await db.tx(async (tx) => {
      const a = side === 'customer' ? await lockForCustomer(tx, actor, id) : await lockForStaff(tx, actor, id);
      if (a.submitted_at === null) throw conflict('comments_closed', 'Messages about an application start once it has been submitted.');
      const visibility = side === 'customer' ? 'customer' : input.visibility;
      await record(tx, actor, a, { kind: 'comment', visibility, message }, { action: 'application.commented', details: { visibility, length: message.length } }, meta);
      if (side === 'staff' && visibility === 'customer') await notifier.notify(tx, commentNotice(subject(a, await serviceOf(tx, a.service_id)), message));
    });
    return detail(actor, id);
  }

  function inputPolicy(definition: FormDefinition, key: string): UploadPolicy {
    const doc = definition.documents.find((d) => d.key === key);
    if (!doc) throw notFound('Document');
    return {
      name: `application.${key}`,
      types: doc.types,
      maxBytes: Math.min(doc.maxSizeBytes, config.uploadMaxBytes),
      maxPixels: config.uploadMaxPixels,
      maxDimension: config.uploadMaxDimension,
    };
  }

  /** Removes the current input for `key` inside the transaction: deleted before the first submission, kept as superseded after. */
  async function retireInput(tx: Tx, a: ApplicationRow, key: string): Promise<{ id: string; objectKey: string | null } | null> {
    const current = (await repo.currentDocuments(tx, a.id)).find((d) => d.purpose === 'input' && d.document_key === key);
    if (!current) return null;
    if (a.submitted_at === null) return { id: current.id, objectKey: (await repo.deleteDocuments(tx, [current.id]))[0] ?? null };
    await repo.supersede(tx, current.id);
    return { id: current.id, objectKey: null };
  }

  /** Points the file fields of document `key` at `docId` (or clears them). */
  function withFileAnswer(definition: FormDefinition, answers: FormValues, key: string, docId: string | null): FormValues {
    const out: FormValues = { ...answers };
    for (const f of definition.fields) {
      if (f.type !== 'file' || f.document !== key) continue;
      if (docId) out[f.key] = docId;
      else delete out[f.key];
    }
    return out;
  }

  async function uploadDocument(actor: Viewer, id: string, key: string, request: FastifyRequest, meta: RequestMeta) {
    const pre = await repo.findView(db, id);
    if (!pre || !readable(pre, actor)) throw notFound('Application');
    if (!actsForCustomer(pre, actor)) throw customerOnly();
    if (!EDITABLE_STATES.includes(pre.state)) throw conflict('not_editable', notEditable(pre.state));
    const policy = inputPolicy(await definitionOf(db, pre), key);
    // The file streams into the store first (no transaction is held open during an upload) and is
    // recorded after; if recording fails, the stored file is removed again.
    const received = await uploads.receive(request, policy, KEY_PREFIX);
    let replaced: string | null = null;
    let doc: DocumentRow;
    try {
      doc = await db.tx(async (tx) => {
        const a = await lockForCustomer(tx, actor, id);
        if (!EDITABLE_STATES.includes(a.state)) throw conflict('not_editable', notEditable(a.state));
        const definition = await definitionOf(tx, a);
        const old = await retireInput(tx, a, key);
        replaced = old?.objectKey ?? null;
        const row = await repo.insertDocument(tx, {
          application_id: id,
          purpose: 'input',
          document_key: key,
          object_key: received.key,
          content_type: received.inspection.contentType,
          size_bytes: received.inspection.size,
          width: received.inspection.width,
          height: received.inspection.height,
          uploaded_by: actor.userId,
        });
        await repo.update(tx, id, { answers: withFileAnswer(definition, a.answers, key, row.id) });
        const details = { key, contentType: row.content_type, sizeBytes: row.size_bytes, ...(old ? { replaced: old.id } : {}) };
        if (a.submitted_at !== null) {
          await record(tx, actor, a, { kind: 'document_uploaded', visibility: 'customer', details }, { action: 'application.document_uploaded', details }, meta);
        } else {
          await insertActivity(tx, actor, { action: 'application.document_uploaded', subjectUserId: a.user_id, object: { type: 'application', id }, details }, meta);
        }
        return row;
      });
    } catch (err) {
      await store.delete(received.key);
      throw err;
    }
    if (replaced) await store.delete(replaced);
    return documentDto(doc, actor.userId);
  }

  async function deleteDocument(actor: Viewer, id: string, key: string, meta: RequestMeta): Promise<void> {
    const removed = await db.tx(async (tx) => {
      const a = await lockForCustomer(tx, actor, id);
      if (!EDITABLE_STATES.includes(a.state)) throw conflict('not_editable', notEditable(a.state));
      const definition = await definitionOf(tx, a);
      const old = await retireInput(tx, a, key);
      if (!old) throw notFound('Document');
      await repo.update(tx, id, { answers: withFileAnswer(definition, a.answers, key, null) });
      await insertActivity(tx, actor, { action: 'application.document_removed', subjectUserId: a.user_id, object: { type: 'application', id }, details: { key, document: old.id } }, meta);
      return old.objectKey;
    });
    if (removed) await store.delete(removed);
  }

  async function list(actor: Viewer, query: { state?: ApplicationState | undefined; limit: number; offset: number }) {
    const { items, total } = await repo.listForCustomer(db, { userId: actor.userId, states: query.state ? [query.state] : undefined, limit: query.limit, offset: query.offset });
    return { items: items.map(summaryDto), total };
  }

  async function receipt(actor: Viewer, id: string): Promise<{ pdf: Buffer; ackNumber: string }> {
    const a = await repo.findView(db, id);
    if (!a || !readable(a, actor)) throw notFound('Application');
    if (!a.ack_number || a.total_paise === null || !a.submitted_at) {
      throw conflict('receipt_unavailable', 'The acknowledgement is available once the application has been submitted.');
    }
    const service = await serviceOf(db, a.service_id);
    const pdf = renderApplicationReceiptPdf({
      issuer: ISSUER,
      gstin: config.gstin ?? null,
      ackNumber: a.ack_number,
      serviceName: a.service_name_en,
      state: a.state,
      customerName: a.customer_name,
      customerEmail: a.customer_email,
      customerMobile: a.customer_mobile,
      filedBy: a.filed_by_name,
      submittedAt: a.submitted_at,
      closedAt: a.completed_at ?? a.rejected_at ?? a.cancelled_at,
      fees: { platformFee: a.platform_fee_paise!, gstRateBps: a.gst_rate_bps!, gst: a.gst_paise!, governmentFee: a.government_fee_paise!, total: a.total_paise },
      customerAmount: service.variable_amount || a.amount_paise !== null,
    });
    return { pdf, ackNumber: a.ack_number };
  }

  // Operators ---------------------------------------------------------------------------------------

  async function queue(
    actor: Viewer,
    query: {
      state: ApplicationState | 'open' | 'closed' | 'all';
      service?: string | undefined;
      assigned?: string | undefined;
      overdue?: boolean | undefined;
      q?: string | undefined;
      sort: 'oldest' | 'newest' | 'due';
      limit: number;
      offset: number;
    },
  ) {
    const states: readonly ApplicationState[] =
      query.state === 'open'
        ? ['submitted', 'in_progress', 'needs_info']
        : query.state === 'closed'
          ? CLOSED_STATES
          : query.state === 'all'
            ? ['draft', 'submitted', 'in_progress', 'needs_info', 'completed', 'rejected', 'cancelled']
            : [query.state];
    const { items, total } = await repo.queue(db, {
      states,
      serviceId: query.service,
      assigned: query.assigned?.toLowerCase(),
      overdue: query.overdue,
      q: query.q,
      sort: query.sort,
      limit: query.limit,
      offset: query.offset,
      viewerId: actor.userId,
    });
    return { items: items.map(queueItemDto), total };
  }

  async function assign(actor: Viewer, id: string, operatorId: string | null, meta: RequestMeta): Promise<ApplicationDetailDto> {
    let assignee: { id: string; name: string } | null = null;
    if (operatorId) {
      const user = await findUserById(db, operatorId);
      if (!user || !isStaff(user.role) || user.status !== 'active') {
        throw badRequest('unknown_operator', 'Choose an active operator or admin.', [{ field: 'operatorId', message: 'is not an active operator' }]);
      }
      assignee = { id: user.id, name: user.name };
    }
    await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (!a.submitted_at || CLOSED_STATES.includes(a.state)) {
        throw conflict('invalid_transition', 'Only submitted applications that are still open can be assigned.');
      }
      if (assignee?.id === a.user_id) throw forbidden('Nobody can process their own application.', 'cannot_process_own');
      if (actor.role !== 'admin') {
        // Operators take unassigned work for themselves, or hand back their own; admins reassign.
        const takesFree = operatorId === actor.userId && (a.assigned_to === null || a.assigned_to === actor.userId);
        const handsBack = operatorId === null && a.assigned_to === actor.userId;
        if (!takesFree && !handsBack) {
          if (a.assigned_to && a.assigned_to !== actor.userId) throw conflict('assigned_to_other', 'This application is assigned to another operator. Ask an admin to reassign it.');
          throw forbidden('Operators can assign applications only to themselves; an admin assigns them to others.', 'forbidden');
        }
      }
      if (a.assigned_to === operatorId) return;
      await repo.update(tx, id, { assigned_to: operatorId, assigned_at: operatorId ? new Date() : null });
      await record(
        tx,
        actor,
        a,
        { kind: 'assigned', visibility: 'internal', message: assignee ? assignee.name : null, details: { from: a.assigned_to, to: operatorId } },
        { action: 'application.assigned', details: { from: a.assigned_to, to: operatorId } },
        meta,
      );
    });
    return detail(actor, id);
  }

  async function start(actor: Viewer, id: string, meta: RequestMeta): Promise<ApplicationDetailDto> {
    await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (!canMove('start', a.state)) throw invalidMove('start', a.state);
      checkAssignee(a, actor);
      const now = new Date();
      await repo.update(tx, id, { state: 'in_progress', started_at: a.started_at ?? now, ...(a.assigned_to ? {} : { assigned_to: actor.userId, assigned_at: now }) });
      if (!a.assigned_to) {
        await repo.insertEvent(tx, { applicationId: id, kind: 'assigned', actorId: actor.userId, actorRole: actor.role, visibility: 'internal', details: { from: null, to: actor.userId } });
      }
      await record(tx, actor, a, { kind: 'started', from: a.state, to: 'in_progress', visibility: 'customer' }, { action: 'application.started' }, meta);
    });
    return detail(actor, id);
  }

  async function requestInfo(actor: Viewer, id: string, input: { message: string }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    const message = cleanMessage(input.message, 'message', 5);
    await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (!canMove('request_info', a.state)) throw invalidMove('request_info', a.state);
      checkAssignee(a, actor);
      await repo.update(tx, id, { state: 'needs_info', info_request: message, info_requested_at: new Date() });
      await record(tx, actor, a, { kind: 'info_requested', from: a.state, to: 'needs_info', visibility: 'customer', message }, { action: 'application.info_requested', details: { message } }, meta);
      await notifier.notify(tx, needsInfoNotice(subject(a, await serviceOf(tx, a.service_id)), message));
    });
    return detail(actor, id);
  }

  /** In progress → completed with at least one output document: the hold is settled. */
  async function complete(actor: Viewer, id: string, input: { message?: string | undefined }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    const message = input.message?.trim() ? cleanMessage(input.message, 'message', 1) : null;
    await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (!canMove('complete', a.state)) throw invalidMove('complete', a.state);
      checkAssignee(a, actor);
      const outputs = (await repo.currentDocuments(tx, id)).filter((d) => d.purpose === 'output');
      if (!outputs.length) throw conflict('output_required', 'Attach at least one result document (the certificate, the receipt of payment …) before completing.');
      if (a.hold_id) {
        // The service charge is revenue, its GST is owed to the government, the government fee or
        // bill amount was collected as the customer's agent and is paid on.
        await settleHold(
          tx,
          a.hold_id,
          [
            { to: 'revenue', amount: a.platform_fee_paise! },
            { to: 'gst_payable', amount: a.gst_paise! },
            { to: 'pass_through', amount: a.government_fee_paise! },
          ],
          actor,
          { description: `Charged for service application ${a.ack_number}` },
        );
      }
      await repo.update(tx, id, { state: 'completed', completed_at: new Date() });
      await record(
        tx,
        actor,
        a,
        { kind: 'completed', from: a.state, to: 'completed', visibility: 'customer', message, details: { outputs: outputs.length } },
        { action: 'application.completed', details: { charged: a.total_paise, outputs: outputs.map((o) => o.id) } },
        meta,
      );
      await notifier.notify(tx, completedNotice(subject(a, await serviceOf(tx, a.service_id)), a.total_paise ?? 0));
    });
    return detail(actor, id);
  }

  async function reject(actor: Viewer, id: string, input: { reason: string }, meta: RequestMeta): Promise<ApplicationDetailDto> {
    const reason = cleanMessage(input.reason, 'reason', 5);
    await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (!canMove('reject', a.state)) throw invalidMove('reject', a.state);
      checkAssignee(a, actor);
      const released = a.hold_id ? (await releaseHold(tx, a.hold_id, actor)).released : 0;
      await repo.update(tx, id, { state: 'rejected', rejection_reason: reason, rejected_at: new Date() });
      await record(tx, actor, a, { kind: 'rejected', from: a.state, to: 'rejected', visibility: 'customer', message: reason }, { action: 'application.rejected', details: { reason, released } }, meta);
      await notifier.notify(tx, rejectedNotice(subject(a, await serviceOf(tx, a.service_id)), reason, released));
    });
    return detail(actor, id);
  }

  const OUTPUT_POLICY = (): UploadPolicy => ({
    name: 'application.output',
    types: FILE_TYPES,
    maxBytes: config.uploadMaxBytes,
    maxPixels: config.uploadMaxPixels,
    maxDimension: config.uploadMaxDimension,
  });

  const notInProgress = () => conflict('not_in_progress', 'Result documents are attached while the application is in progress.');

  async function uploadOutput(actor: Viewer, id: string, request: FastifyRequest, meta: RequestMeta) {
    const pre = await repo.findView(db, id);
    if (!pre || !visibleToStaff(pre)) throw notFound('Application');
    if (pre.user_id === actor.userId) throw forbidden('You cannot process your own application; another operator must.', 'cannot_process_own');
    if (pre.state !== 'in_progress') throw notInProgress();
    checkAssignee(pre, actor);
    const received = await uploads.receive(request, OUTPUT_POLICY(), KEY_PREFIX);
    try {
      const doc = await db.tx(async (tx) => {
        const a = await lockForStaff(tx, actor, id);
        if (a.state !== 'in_progress') throw notInProgress();
        checkAssignee(a, actor);
        const count = (await repo.currentDocuments(tx, id)).filter((d) => d.purpose === 'output').length;
        if (count >= MAX_OUTPUTS) throw conflict('too_many_outputs', `An application takes at most ${MAX_OUTPUTS} result documents.`);
        const row = await repo.insertDocument(tx, {
          application_id: id,
          purpose: 'output',
          document_key: null,
          object_key: received.key,
          content_type: received.inspection.contentType,
          size_bytes: received.inspection.size,
          width: received.inspection.width,
          height: received.inspection.height,
          uploaded_by: actor.userId,
        });
        const details = { document: row.id, contentType: row.content_type, sizeBytes: row.size_bytes };
        await record(tx, actor, a, { kind: 'output_added', visibility: 'internal', details }, { action: 'application.output_uploaded', details }, meta);
        return row;
      });
      return documentDto(doc, actor.userId);
    } catch (err) {
      await store.delete(received.key);
      throw err;
    }
  }

  async function deleteOutput(actor: Viewer, id: string, documentId: string, meta: RequestMeta): Promise<void> {
    const key = await db.tx(async (tx) => {
      const a = await lockForStaff(tx, actor, id);
      if (a.state !== 'in_progress') throw notInProgress();
      checkAssignee(a, actor);
      const doc = await repo.findDocument(tx, documentId);
      if (!doc || doc.application_id !== id || doc.purpose !== 'output') throw notFound('Document');
      const [objectKey] = await repo.deleteDocuments(tx, [doc.id]);
      await record(tx, actor, a, { kind: 'output_removed', visibility: 'internal', details: { document: doc.id } }, { action: 'application.output_removed', details: { document: doc.id } }, meta);
      return objectKey;
    });
    if (key) await store.delete(key);
  }

  // Downloads: the customer reads their uploads always and the results once completed; staff read
  // everything they can see, and each of their downloads is recorded.
  links.register(FILE_RESOURCE, async (docId, viewer, meta) => {
    if (!UUID.test(docId)) return null;
    const doc = await repo.findDocument(db, docId);
    if (!doc) return null;
    const a = await repo.findView(db, doc.application_id);
    const who: Viewer = { type: 'user', userId: viewer.userId, role: viewer.role, sessionId: viewer.sessionId };
    if (!a || !readable(a, who)) return null;
    const asStaff = isStaff(viewer.role) && a.user_id !== viewer.userId;
    if (doc.purpose === 'output' && !asStaff && a.state !== 'completed') return null;
    const base = `${a.ack_number ?? 'draft'}-${doc.purpose === 'output' ? 'result' : doc.document_key}`;
    return {
      ...uploadedFile(doc.object_key, doc.content_type, `${base}-${doc.id.slice(0, 8)}`),
      ...(asStaff
        ? {
            onServe: () =>
              insertActivity(
                db,
                who,
                { action: 'application.document_viewed', subjectUserId: a.user_id, object: { type: 'application', id: a.id }, details: { document: doc.id, purpose: doc.purpose, key: doc.document_key } },
                { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId },
              ),
          }
        : {}),
    };
  });

  /** Removes stored application files that no document row names (interrupted uploads), once they are an hour old. */
  const sweepOrphans = () => sweepStoreOrphans(store, KEY_PREFIX, (keys) => repo.knownObjectKeys(db, keys));

  /**
   * Retention: the files of every application of an account closed more than RECORDS_RETENTION_DAYS
   * ago are deleted (platform/storage/retention.ts); the application rows, timeline and money trail
   * stay. Answers keep the ids of the removed documents: they record what was submitted, and a link
   * to a removed document answers 404.
   */
  function purgeClosedAccountFiles() {
    const days = config.recordsRetentionDays;
    return purgeFilesOfClosedAccounts({
      db,
      store,
      accountsDue: (after, limit) => repo.closedAccountsWithDocuments(db, days, after, limit),
      filesOf: (userId) => repo.documentsOfCustomer(db, userId),
      async forget(tx, userId, gone) {
        await repo.deleteDocuments(tx, gone.map((d) => d.id));
        const details = { input: gone.filter((d) => d.purpose === 'input').length, output: gone.filter((d) => d.purpose === 'output').length, retentionDays: days };
        await insertActivity(tx, { type: 'system' }, { action: 'application.files_purged', subjectUserId: userId, object: { type: 'user', id: userId }, details }, SYSTEM_META);
      },
    });
  }

  return {
    create,
    saveDraft,
    submit,
    cancel,
    comment,
    uploadDocument,
    deleteDocument,
    list,
    detail: (actor: Viewer, id: string) => detail(actor, id),
    receipt,
    queue,
    assign,
    start,
    requestInfo,
    complete,
    reject,
    uploadOutput,
    deleteOutput,
    sweepOrphans,
    purgeClosedAccountFiles,
  };
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;
