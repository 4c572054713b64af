import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Queryable } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { SYSTEM_META } from '../../platform/actor.js';
import { decryptString, encryptString, rewrapString, type Keyring } from '../../platform/encryption.js';
import { badRequest, conflict, forbidden, notFound, type AppError, type FieldIssue } from '../../platform/errors.js';
import { uploadedFile, type FileLinks } from '../../platform/file-links.js';
import { sweepOrphans, type FileStore } from '../../platform/storage/index.js';
import type { UploadPolicy, UploadReceiver } from '../../platform/uploads/index.js';
import { findUserById } from '../accounts/accounts.repo.js';
import { insertActivity } from '../audit/activity.repo.js';
import type { Notifier } from '../notifications/notifier.js';
import * as repo from './kyc.repo.js';
import type { DocumentKind, KycDocumentRow, KycProfileRow, KycState } from './kyc.repo.js';
import { checkAadhaar, checkDateOfBirth, checkPan, checkPincode, maskAadhaar } from './kyc.rules.js';

export type KycConfig = Pick<
  Config,
  'kycRequiredDocuments' | 'kycRequiredFor' | 'kycRetentionDays' | 'uploadMaxBytes' | 'uploadMaxPixels' | 'uploadMaxDimension' | 'publicUrl'
>;

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['pan_card', 'aadhaar_masked', 'photo', 'address_proof'];
const DOCUMENT_NAMES: Record<DocumentKind, string> = {
  pan_card: 'PAN card',
  aadhaar_masked: 'Aadhaar (first eight digits masked)',
  photo: 'photo',
  address_proof: 'address proof',
};
/** The customer may change details and documents only while nothing is waiting for review. */
const EDITABLE: readonly KycState[] = ['not_started', 'rejected'];
const PENDING: KycState[] = ['submitted', 'resubmitted'];
const KEY_PREFIX = 'kyc';
export const FILE_RESOURCE = 'kyc';

export interface DraftInput {
  legalName?: string | undefined;
  pan?: string | undefined;
  aadhaarNumber?: string | undefined;
  dateOfBirth?: string | undefined;
  address?: { line1: string; line2?: string | undefined; city: string; region: string; pincode: string } | undefined;
}

export interface KycDocumentDto {
  id: string;
  kind: DocumentKind;
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  uploadedAt: string;
  submitted: boolean;
  url: string;
  urlExpiresAt: string;
}

export interface KycProfileDto {
  state: KycState;
  editable: boolean;
  legalName: string | null;
  pan: string | null;
  aadhaarMasked: string | null;
  dateOfBirth: string | null;
  address: { line1: string; line2: string | null; city: string; region: string; pincode: string } | null;
  submissionCount: number;
  submittedAt: string | null;
  reviewedAt: string | null;
  rejectionReason: string | null;
  /** What is still needed before the customer can submit (field names and document kinds). */
  missing: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function field(fieldName: string, message: string): AppError {
  return badRequest('validation_failed', message, [{ field: fieldName, message }]);
}

export function createKycService(deps: {
  db: Db;
  store: FileStore;
  uploads: UploadReceiver;
  links: FileLinks;
  notifier: Notifier;
  ring: Keyring;
  config: KycConfig;
}) {
  const { db, store, uploads, links, notifier, ring, config } = deps;
  const required = config.kycRequiredDocuments as DocumentKind[];
  const panContext = (userId: string) => `kyc.pan:${userId}`;

  const policyFor = (kind: DocumentKind): UploadPolicy => ({
    name: `kyc.${kind}`,
    types: kind === 'photo' ? ['jpeg', 'png', 'webp'] : ['pdf', 'jpeg', 'png', 'webp'],
    maxBytes: config.uploadMaxBytes,
    maxPixels: config.uploadMaxPixels,
    maxDimension: config.uploadMaxDimension,
  });

  function missingFor(p: KycProfileRow | undefined, docs: KycDocumentRow[]): string[] {
    const out: string[] = [];
    if (!p?.legal_name) out.push('legalName');
    if (!p?.pan_encrypted) out.push('pan');
    if (!p?.aadhaar_last4) out.push('aadhaarNumber');
    if (!p?.date_of_birth) out.push('dateOfBirth');
    if (!p?.address_line1 || !p.city || !p.region || !p.pincode) out.push('address');
    for (const kind of required) if (!docs.some((d) => d.kind === kind)) out.push(kind);
    return out;
  }

  function profileDto(userId: string, p: KycProfileRow | undefined, docs: KycDocumentRow[]): KycProfileDto {
    return {
      state: p?.state ?? 'not_started',
      editable: EDITABLE.includes(p?.state ?? 'not_started'),
      legalName: p?.legal_name ?? null,
      pan: p?.pan_encrypted ? decryptString(ring, p.pan_encrypted, panContext(userId)) : null,
      aadhaarMasked: p?.aadhaar_last4 ? maskAadhaar(p.aadhaar_last4) : null,
      dateOfBirth: p?.date_of_birth ?? null,
      address:
        p?.address_line1 && p.city && p.region && p.pincode
          ? { line1: p.address_line1, line2: p.address_line2, city: p.city, region: p.region, pincode: p.pincode }
          : null,
      submissionCount: p?.submission_count ?? 0,
      submittedAt: iso(p?.submitted_at ?? null),
      reviewedAt: iso(p?.reviewed_at ?? null),
      rejectionReason: p?.rejection_reason ?? null,
      missing: missingFor(p, docs),
    };
  }

  /** Each document with a fresh 5-minute link for the person looking at it. */
  function documentDto(d: KycDocumentRow, viewerId: string): KycDocumentDto {
    const link = links.sign(FILE_RESOURCE, d.id, viewerId);
    return {
      id: d.id,
      kind: d.kind,
      contentType: d.content_type,
      sizeBytes: d.size_bytes,
      width: d.width,
      height: d.height,
      uploadedAt: d.uploaded_at.toISOString(),
      submitted: d.submitted_at !== null,
      url: link.url,
      urlExpiresAt: link.expiresAt,
    };
  }

  async function view(userId: string, viewerId: string, q: Queryable = db) {
    const profile = await repo.findProfile(q, userId);
    const docs = await repo.currentDocuments(q, userId);
    return { profile: profileDto(userId, profile, docs), documents: docs.map((d) => documentDto(d, viewerId)) };
  }

  const notEditable = (state: KycState) =>
    conflict(
      'kyc_not_editable',
      state === 'approved' ? 'Your KYC is approved; it cannot be changed.' : 'Your KYC is waiting for review; it cannot be changed until it has been reviewed.',
    );

  function userIdOf(actor: Actor): string {
    if (actor.type !== 'user') throw forbidden();
    return actor.userId;
  }

  async function saveDraft(actor: Actor, input: DraftInput, meta: RequestMeta) {
    const userId = userIdOf(actor);
    const problems: FieldIssue[] = [];
    const changes: repo.ProfileChanges = {};
    if (input.legalName !== undefined) {
      const name = input.legalName.trim().replace(/\s+/g, ' ');
      if (!name) problems.push({ field: 'legalName', message: 'Enter your name as it is on your PAN card.' });
      else changes.legal_name = name;
    }
    if (input.pan !== undefined) {
      const r = checkPan(input.pan);
      if ('problem' in r) problems.push({ field: 'pan', message: r.problem });
      else changes.pan_encrypted = encryptString(ring, r.pan, panContext(userId));
    }
    if (input.aadhaarNumber !== undefined) {
      // Only the last four digits leave this block; the full number is never stored, logged or echoed.
      const r = checkAadhaar(input.aadhaarNumber);
      if ('problem' in r) problems.push({ field: 'aadhaarNumber', message: r.problem });
      else changes.aadhaar_last4 = r.last4;
    }
    if (input.dateOfBirth !== undefined) {
      const problem = checkDateOfBirth(input.dateOfBirth);
      if (problem) problems.push({ field: 'dateOfBirth', message: problem.problem });
      else changes.date_of_birth = input.dateOfBirth;
    }
    if (input.address !== undefined) {
      const a = input.address;
      const pin = checkPincode(a.pincode);
      const trimmed = { line1: a.line1.trim(), line2: a.line2?.trim() || null, city: a.city.trim(), region: a.region.trim() };
      if (!trimmed.line1) problems.push({ field: 'address.line1', message: 'Enter the address.' });
      if (!trimmed.city) problems.push({ field: 'address.city', message: 'Enter the city, town or village.' });
      if (!trimmed.region) problems.push({ field: 'address.region', message: 'Enter the state.' });
      if ('problem' in pin) problems.push({ field: 'address.pincode', message: pin.problem });
      else Object.assign(changes, { address_line1: trimmed.line1, address_line2: trimmed.line2, city: trimmed.city, region: trimmed.region, pincode: pin.pincode });
    }
    if (problems.length) throw badRequest('validation_failed', problems.map((p) => p.message).join(' '), problems);

    await db.tx(async (tx) => {
      const profile = await repo.lockOrCreateProfile(tx, userId);
      if (!EDITABLE.includes(profile.state)) throw notEditable(profile.state);
      await repo.updateProfileDetails(tx, userId, changes);
      await insertActivity(
        tx,
        actor,
        { action: 'kyc.details_saved', subjectUserId: userId, object: { type: 'kyc', id: userId }, details: { fields: Object.keys(input).sort() } },
        meta,
      );
    });
    return view(userId, userId);
  }

  async function uploadDocument(actor: Actor, kind: DocumentKind, request: FastifyRequest, meta: RequestMeta) {
    const userId = userIdOf(actor);
    const before = await repo.findProfile(db, userId);
    if (before && !EDITABLE.includes(before.state)) throw notEditable(before.state);
    // The file streams into the store first (no transaction is held open during an upload) and is
    // recorded after; if recording fails, the stored file is removed again.
    const received = await uploads.receive(request, policyFor(kind), KEY_PREFIX);
    let replaced: string | null = null;
    let doc: KycDocumentRow;
    try {
      doc = await db.tx(async (tx) => {
        const profile = await repo.lockOrCreateProfile(tx, userId);
        if (!EDITABLE.includes(profile.state)) throw notEditable(profile.state);
        replaced = await repo.retireCurrentDocument(tx, userId, kind);
        const row = await repo.insertDocument(tx, {
          user_id: userId,
          kind,
          object_key: received.key,
          content_type: received.inspection.contentType,
          size_bytes: received.inspection.size,
          width: received.inspection.width,
          height: received.inspection.height,
        });
        await insertActivity(
          tx,
          actor,
          {
            action: 'kyc.document_uploaded',
            subjectUserId: userId,
            object: { type: 'kyc_document', id: row.id },
            details: { kind, contentType: row.content_type, sizeBytes: row.size_bytes },
          },
          meta,
        );
        return row;
      });
    } catch (err) {
      await store.delete(received.key);
      throw err;
    }
    if (replaced) await store.delete(replaced);
    return documentDto(doc, userId);
  }

  async function deleteDocument(actor: Actor, kind: DocumentKind, meta: RequestMeta): Promise<void> {
    const userId = userIdOf(actor);
    const removed = await db.tx(async (tx) => {
      const profile = await repo.findProfile(tx, userId, { forUpdate: true });
      if (!profile) throw notFound('Document');
      if (!EDITABLE.includes(profile.state)) throw notEditable(profile.state);
      const current = (await repo.currentDocuments(tx, userId)).find((d) => d.kind === kind);
      if (!current) throw notFound('Document');
      const key = await repo.retireCurrentDocument(tx, userId, kind);
      await insertActivity(tx, actor, { action: 'kyc.document_removed', subjectUserId: userId, object: { type: 'kyc_document', id: current.id }, details: { kind } }, meta);
      return key;
    });
    if (removed) await store.delete(removed);
  }

  async function submit(actor: Actor, meta: RequestMeta) {
    const userId = userIdOf(actor);
    await db.tx(async (tx) => {
      const profile = await repo.lockOrCreateProfile(tx, userId);
      if (!EDITABLE.includes(profile.state)) throw notEditable(profile.state);
      const docs = await repo.currentDocuments(tx, userId);
      const missing = missingFor(profile, docs);
      if (missing.length) {
        throw badRequest(
          'kyc_incomplete',
          `Before submitting, add: ${missing.map((m) => DOCUMENT_NAMES[m as DocumentKind] ?? m).join(', ')}.`,
          missing.map((m) => ({ field: m, message: 'required' })),
        );
      }
      const next = profile.state === 'rejected' ? 'resubmitted' : 'submitted';
      await repo.markSubmitted(tx, userId, next);
      await insertActivity(
        tx,
        actor,
        { action: next === 'submitted' ? 'kyc.submitted' : 'kyc.resubmitted', subjectUserId: userId, object: { type: 'kyc', id: userId }, details: { documents: docs.map((d) => d.kind) } },
        meta,
      );
    });
    return view(userId, userId);
  }

  async function queue(filter: { state?: KycState[] | undefined; q?: string | undefined; limit: number; offset: number }) {
    return repo.queue(db, { states: filter.state?.length ? filter.state : PENDING, q: filter.q, limit: filter.limit, offset: filter.offset });
  }

  async function staffView(actor: Actor, userId: string, meta: RequestMeta) {
    if (actor.type !== 'user') throw forbidden();
    const user = await findUserById(db, userId);
    const profile = user ? await repo.findProfile(db, userId) : undefined;
    if (!user || !profile) throw notFound('KYC record');
    // Reading someone's identity details is itself recorded.
    await insertActivity(db, actor, { action: 'kyc.viewed', subjectUserId: userId, object: { type: 'kyc', id: userId } }, meta);
    const v = await view(userId, actor.userId);
    return { user: { id: user.id, name: user.name, email: user.email, mobile: user.mobile }, ...v };
  }

  /** Through the notifier: in-app, email and WhatsApp as the customer's service-update preferences allow. */
  async function notifyDecision(q: Queryable, userId: string, decision: 'approved' | 'rejected', reason: string | null): Promise<void> {
    await notifier.notify(
      q,
      decision === 'approved'
        ? {
            userId,
            topic: 'service_updates',
            kind: 'kyc.approved',
            title: { en: 'Your KYC is approved', hi: 'आपका KYC स्वीकृत हो गया है' },
            body: {
              en: 'Your KYC has been approved. Services that need verified identity are now open to you.',
              hi: 'आपका KYC स्वीकृत हो गया है। सत्यापित पहचान वाली सेवाएँ अब आपके लिए खुली हैं।',
            },
            link: '/kyc',
          }
        : {
            userId,
            topic: 'service_updates',
            kind: 'kyc.rejected',
            title: { en: 'Your KYC needs attention', hi: 'आपके KYC पर ध्यान देने की ज़रूरत है' },
            body: {
              en: `Your KYC could not be approved yet. The reason given: “${reason}” Please correct this and submit again.`,
              hi: `आपका KYC अभी स्वीकृत नहीं हो सका। बताया गया कारण: “${reason}” कृपया इसे ठीक करके फिर से जमा करें।`,
            },
            link: '/kyc',
          },
    );
  }

  async function decideOn(actor: Actor, userId: string, decision: { state: 'approved' } | { state: 'rejected'; reason: string }, meta: RequestMeta) {
    if (actor.type !== 'user') throw forbidden();
    if (actor.userId === userId) throw forbidden('You cannot review your own KYC.', 'cannot_review_self');
    await db.tx(async (tx) => {
      const current = await repo.findProfile(tx, userId, { forUpdate: true });
      if (!current) throw notFound('KYC record');
      if ((await findUserById(tx, userId))?.status === 'closed') throw conflict('account_closed', 'This account has been closed; its KYC can no longer be reviewed.');
      const updated = await repo.decide(tx, userId, actor.userId, decision);
      if (!updated) {
        throw conflict('kyc_not_pending', `This KYC is ${current.state.replace('_', ' ')}, not waiting for review.`);
      }
      await notifyDecision(tx, userId, decision.state, decision.state === 'rejected' ? decision.reason : null);
      await insertActivity(
        tx,
        actor,
        {
          action: decision.state === 'approved' ? 'kyc.approved' : 'kyc.rejected',
          subjectUserId: userId,
          object: { type: 'kyc', id: userId },
          details: { ...(decision.state === 'rejected' ? { reason: decision.reason } : {}), submission: current.submission_count },
        },
        meta,
      );
    });
    return view(userId, actor.userId);
  }

  const approve = (actor: Actor, userId: string, meta: RequestMeta) => decideOn(actor, userId, { state: 'approved' }, meta);
  function reject(actor: Actor, userId: string, reason: string, meta: RequestMeta) {
    const r = reason.trim();
    if (r.length < 5) throw field('reason', 'Give the customer a reason of at least 5 characters.');
    return decideOn(actor, userId, { state: 'rejected', reason: r }, meta);
  }

  // Download links: only the owner and staff can read a document; everyone else gets a 404.
  links.register(FILE_RESOURCE, async (id, viewer, meta) => {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const doc = await repo.findDocument(db, id);
    if (!doc) return null;
    const isOwner = doc.user_id === viewer.userId;
    const isStaff = viewer.role === 'operator' || viewer.role === 'admin';
    if (!isOwner && !isStaff) return null;
    return {
      ...uploadedFile(doc.object_key, doc.content_type, doc.kind),
      ...(isOwner
        ? {}
        : {
            onServe: () =>
              insertActivity(
                db,
                { type: 'user', userId: viewer.userId, role: viewer.role, sessionId: viewer.sessionId },
                { action: 'kyc.document_viewed', subjectUserId: doc.user_id, object: { type: 'kyc_document', id: doc.id }, details: { kind: doc.kind } },
                { ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId },
              ),
          }),
    };
  });

  /**
   * Retention: KYC records of accounts closed more than KYC_RETENTION_DAYS ago are deleted, files
   * first (so a failure leaves rows to retry, never files nobody knows about), then rows. Also removes
   * stored files that no document names (left by a crash between storing and recording an upload).
   */
  async function purgeExpired(): Promise<{ profiles: number; documents: number; orphans: number }> {
    let profiles = 0;
    let documents = 0;
    for (const userId of await repo.profilesDueForPurge(db, config.kycRetentionDays)) {
      const keys = await repo.allDocumentKeys(db, userId);
      for (const key of keys) await store.delete(key);
      const n = await db.tx(async (tx) => {
        const deleted = await repo.deleteAllFor(tx, userId);
        await insertActivity(tx, { type: 'system' }, { action: 'kyc.purged', subjectUserId: userId, object: { type: 'kyc', id: userId }, details: { documents: deleted, retentionDays: config.kycRetentionDays } }, SYSTEM_META);
        return deleted;
      });
      profiles++;
      documents += n;
    }
    const orphans = await sweepOrphans(store, KEY_PREFIX, (keys) => repo.knownObjectKeys(db, keys));
    return { profiles, documents, orphans };
  }

  /** Key rotation for the encrypted PAN column (files are re-wrapped by the store). */
  async function rewrapSecrets(): Promise<number> {
    let changed = 0;
    let after: string | null = null;
    for (;;) {
      const rows = await repo.encryptedPans(db, after, 200);
      if (!rows.length) return changed;
      for (const r of rows) {
        const fresh = rewrapString(ring, r.pan_encrypted, panContext(r.user_id));
        if (fresh) {
          changed += await db.execute('UPDATE kyc_profiles SET pan_encrypted = $2 WHERE user_id = $1 AND pan_encrypted = $3', [r.user_id, fresh, r.pan_encrypted]);
        }
      }
      after = rows[rows.length - 1]!.user_id;
    }
  }

  return {
    view,
    saveDraft,
    uploadDocument,
    deleteDocument,
    submit,
    queue,
    staffView,
    approve,
    reject,
    purgeExpired,
    rewrapSecrets,
    requiredDocuments: () => required,
    uploadLimits: () => ({ maxBytes: config.uploadMaxBytes, types: { photo: [...policyFor('photo').types], other: [...policyFor('pan_card').types] } }),
  };
}

export type KycService = ReturnType<typeof createKycService>;
