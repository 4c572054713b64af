import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Queryable, Tx } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { SYSTEM_META } from '../../platform/actor.js';
import { badRequest, conflict, notFound, type AppError } from '../../platform/errors.js';
import { uploadedFile, type FileLinks } from '../../platform/file-links.js';
import { purgeFilesOfClosedAccounts, sweepOrphans, type FileStore } from '../../platform/storage/index.js';
import type { UploadPolicy, UploadReceiver } from '../../platform/uploads/index.js';
import { insertActivity, type ActivityEntry } from '../audit/activity.repo.js';
import type { Notifier } from '../notifications/notifier.js';
import { linkedObjectBelongsTo } from './support-links.js';
import * as notices from './support-notifications.js';
import * as repo from './support.repo.js';
import type { AttachmentRow, QueueFilter, TicketRow } from './support.repo.js';
import {
  REPLYABLE,
  allowedMoves,
  canMove,
  overdue,
  reopenDeadline,
  slaDueDates,
  ticketReference,
  SLA_HOURS,
  type LinkType,
  type Priority,
  type TicketCategory,
  type TicketRole,
  type TicketState,
} from './support.rules.js';

export type SupportConfig = Pick<Config, 'supportReopenDays' | 'uploadMaxBytes' | 'uploadMaxPixels' | 'uploadMaxDimension' | 'grievanceOfficer' | 'recordsRetentionDays'>;
type UserActor = Extract<Actor, { type: 'user' }>;

export const FILE_RESOURCE = 'support';
const KEY_PREFIX = 'support';
/** Files sent with one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;
/** Uploaded files not yet sent with a message, per person: enough for a few drafts, not a file dump. */
export const MAX_PENDING_ATTACHMENTS = 20;
/** An upload not sent with a message within this time is deleted by the cleanup job. */
export const PENDING_ATTACHMENT_HOURS = 24;
const AUTO_CLOSE_BATCH = 100;

export interface OpenTicketInput {
  subject: string;
  category: TicketCategory;
  message: string;
  link?: { type: LinkType; id: string } | undefined;
  attachmentIds?: string[] | undefined;
}

export interface ReplyInput {
  body: string;
  attachmentIds?: string[] | undefined;
}

export interface StaffReplyInput extends ReplyInput {
  internal?: boolean | undefined;
  /** Move the ticket in the same step (a public reply only). */
  state?: 'waiting_on_customer' | 'resolved' | undefined;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const CLOSED_MESSAGE = 'This ticket is closed. If you need more help, open a new ticket.';

function fieldError(field: string, message: string, code = 'validation_failed'): AppError {
  return badRequest(code, message, [{ field, message }]);
}

function cleanText(text: string, field: string, min: number, what: string): string {
  const t = text.replace(/\r\n?/g, '\n').trim();
  if (t.length < min) throw fieldError(field, min > 1 ? `${what} must be at least ${min} characters.` : `Write ${what}.`);
  return t;
}

export function createSupportService(deps: { db: Db; store: FileStore; uploads: UploadReceiver; links: FileLinks; notifier: Notifier; config: SupportConfig }) {
  const { db, store, uploads, links, notifier, config } = deps;

  const policy: UploadPolicy = {
    name: 'support.attachment',
    types: ['pdf', 'jpeg', 'png', 'webp'],
    maxBytes: config.uploadMaxBytes,
    maxPixels: config.uploadMaxPixels,
    maxDimension: config.uploadMaxDimension,
  };

  const reopenUntil = (t: TicketRow) => (t.state === 'resolved' && t.resolved_at ? reopenDeadline(t.resolved_at, config.supportReopenDays) : null);

  // ---- views ----

  function attachmentDto(a: AttachmentRow, viewerId: string) {
    const link = links.sign(FILE_RESOURCE, a.id, viewerId);
    return { id: a.id, contentType: a.content_type, sizeBytes: a.size_bytes, width: a.width, height: a.height, url: link.url, urlExpiresAt: link.expiresAt };
  }

  async function thread(q: Queryable, t: TicketRow, viewerId: string, staff: boolean) {
    const messages = await repo.messagesOf(q, t.id, staff);
    const attachments = await repo.attachmentsOfMessages(q, messages.map((m) => m.id));
    const events = await repo.eventsOf(q, t.id, staff);
    return {
      messages: messages.map((m) => ({
        id: m.id,
        author: { name: m.author_name, role: m.author_role },
        internal: m.internal,
        body: m.body,
        createdAt: m.created_at.toISOString(),
        attachments: attachments.filter((a) => a.message_id === m.id).map((a) => attachmentDto(a, viewerId)),
      })),
      events: events.map((e) => ({ id: e.id, kind: e.kind, from: e.from_value, to: e.to_value, actorName: e.actor_name, createdAt: e.created_at.toISOString() })),
    };
  }

  function ticketSummary(t: TicketRow) {
    return {
      id: t.id,
      reference: ticketReference(t.number),
      subject: t.subject,
      category: t.category,
      state: t.state,
      link: t.link_type && t.link_id ? { type: t.link_type, id: t.link_id } : null,
      createdAt: t.created_at.toISOString(),
      updatedAt: t.updated_at.toISOString(),
      lastMessageAt: t.last_message_at.toISOString(),
      resolvedAt: iso(t.resolved_at),
      closedAt: iso(t.closed_at),
      reopenUntil: iso(reopenUntil(t)),
    };
  }

  function sla(t: TicketRow, now = new Date()) {
    const late = overdue(t, now);
    return {
      firstResponseDueAt: t.first_response_due_at.toISOString(),
      resolutionDueAt: t.resolution_due_at.toISOString(),
      firstRespondedAt: iso(t.first_responded_at),
      firstResponseOverdue: late.firstResponse,
      resolutionOverdue: late.resolution,
    };
  }

  const reopenable = (t: TicketRow, now = new Date()) => t.state === 'resolved' && (reopenUntil(t)?.getTime() ?? 0) > now.getTime();

  async function customerView(q: Queryable, t: TicketRow, viewerId: string) {
    return {
      ticket: {
        ...ticketSummary(t),
        canReply: REPLYABLE.includes(t.state),
        canReopen: reopenable(t),
        canResolve: canMove('customer', t.state, 'resolved'),
      },
      ...(await thread(q, t, viewerId, false)),
    };
  }

  async function staffViewOf(q: Queryable, t: TicketRow, viewerId: string) {
    const customer = (await repo.findUserBrief(q, t.customer_id))!;
    const assignee = t.assignee_id ? await repo.findUserBrief(q, t.assignee_id) : undefined;
    const moves = allowedMoves('staff', t.state).filter((s) => !(t.state === 'resolved' && s === 'open' && !reopenable(t)));
    return {
      ticket: {
        ...ticketSummary(t),
        priority: t.priority,
        assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
        customer: { id: customer.id, name: customer.name, email: customer.email, mobile: customer.mobile },
        sla: sla(t),
        reopenCount: t.reopen_count,
        allowedStates: moves,
        canReply: REPLYABLE.includes(t.state),
      },
      ...(await thread(q, t, viewerId, true)),
    };
  }

  /** The customer's own ticket; anyone else's answers 404, exactly like a ticket that does not exist. */
  async function ownTicket(q: Queryable, id: string, customerId: string, forUpdate = false): Promise<TicketRow> {
    const t = await repo.findTicket(q, id, { forUpdate });
    if (!t || t.customer_id !== customerId) throw notFound('Ticket');
    return t;
  }

  async function anyTicket(q: Queryable, id: string, forUpdate = false): Promise<TicketRow> {
    const t = await repo.findTicket(q, id, { forUpdate });
    if (!t) throw notFound('Ticket');
    return t;
  }

  // ---- changes ----

  const activity = (q: Queryable, actor: Actor, entry: ActivityEntry, meta: RequestMeta) => insertActivity(q, actor, entry, meta);

  /** Customer-visible changes are recorded under the customer's account; staff-only ones are not. */
  const ticketObject = (t: TicketRow) => ({ type: 'support_ticket', id: t.id });

  async function attach(tx: Tx, ids: string[] | undefined, uploaderId: string, messageId: string): Promise<number> {
    const unique = [...new Set(ids ?? [])];
    if (unique.length > MAX_ATTACHMENTS_PER_MESSAGE) throw fieldError('attachmentIds', `Attach at most ${MAX_ATTACHMENTS_PER_MESSAGE} files to one message.`);
    const tied = await repo.attachToMessage(tx, unique, uploaderId, messageId);
    if (tied !== unique.length) {
      throw fieldError('attachmentIds', 'An attached file was not found. Upload it again.', 'attachment_not_found');
    }
    return tied;
  }

  function impossible(from: TicketState, to: TicketState): AppError {
    if (from === 'closed') return conflict('ticket_closed', CLOSED_MESSAGE);
    return conflict('invalid_transition', `A ticket that is ${from.replace(/_/g, ' ')} cannot be moved to ${to.replace(/_/g, ' ')}.`);
  }

  /**
   * Moves a locked ticket, checking the side's allowed moves and the reopen period, and records the
   * event and the activity. Notifying is left to the caller (a reply and a move make one message).
   */
  async function move(tx: Tx, t: TicketRow, to: TicketState, who: { actor: Actor; role: TicketRole | 'system' }, meta: RequestMeta): Promise<TicketRow> {
    const allowed = who.role === 'system' ? t.state === 'resolved' && to === 'closed' : canMove(who.role, t.state, to);
    if (!allowed) throw impossible(t.state, to);
    const now = new Date();
    if (t.state === 'resolved' && to === 'open' && !reopenable(t, now)) {
      throw conflict('reopen_period_over', `This ticket can no longer be reopened (${config.supportReopenDays} days after it was resolved). Please open a new ticket.`);
    }
    const changes: repo.TicketChanges = { state: to };
    if (to === 'resolved') changes.resolved_at = now;
    if (to === 'closed') changes.closed_at = now;
    if (t.state === 'resolved' && to === 'open') {
      changes.resolved_at = null;
      changes.reopen_count = t.reopen_count + 1;
      changes.sla_clock_started_at = now;
      changes.resolution_due_at = slaDueDates(t.priority, now).resolutionDueAt;
    }
    const updated = await repo.updateTicket(tx, t.id, changes);
    const actorId = who.actor.type === 'user' ? who.actor.userId : null;
    await repo.insertEvent(tx, { ticket_id: t.id, actor_id: actorId, kind: 'state', from_value: t.state, to_value: to, internal: false });
    await activity(
      tx,
      who.actor,
      {
        action: 'support.state_changed',
        subjectUserId: t.customer_id,
        object: ticketObject(t),
        details: { reference: ticketReference(t.number), from: t.state, to, by: who.role },
      },
      meta,
    );
    return updated;
  }

  async function open(actor: UserActor, input: OpenTicketInput, meta: RequestMeta) {
    const subject = cleanText(input.subject, 'subject', 3, 'The subject').replace(/\s+/g, ' ');
    const message = cleanText(input.message, 'message', 1, 'your message');
    const link = input.link ? { type: input.link.type, id: input.link.id.trim() } : null;
    const ticket = await db.tx(async (tx) => {
      if (link && !(await linkedObjectBelongsTo(tx, link.type, link.id, actor.userId))) {
        const what = { application: 'application', payment: 'payment', whatsapp_message: 'WhatsApp message' }[link.type];
        throw fieldError('link.id', `We could not find that ${what} in your account.`, 'link_not_found');
      }
      const due = slaDueDates('normal', new Date());
      const t = await repo.insertTicket(tx, {
        customer_id: actor.userId,
        subject,
        category: input.category,
        priority: 'normal',
        link_type: link?.type ?? null,
        link_id: link?.id ?? null,
        first_response_due_at: due.firstResponseDueAt,
        resolution_due_at: due.resolutionDueAt,
      });
      const messageId = await repo.insertMessage(tx, { ticket_id: t.id, author_id: actor.userId, author_role: 'customer', internal: false, body: message });
      const files = await attach(tx, input.attachmentIds, actor.userId, messageId);
      await activity(
        tx,
        actor,
        {
          action: 'support.ticket_opened',
          subjectUserId: actor.userId,
          object: ticketObject(t),
          details: { reference: ticketReference(t.number), category: t.category, link: link ? `${link.type}:${link.id}` : null, attachments: files },
        },
        meta,
      );
      await notifier.notify(tx, notices.ticketOpened(t));
      return t;
    });
    return customerView(db, ticket, actor.userId);
  }

  async function reply(actor: UserActor, ticketId: string, input: ReplyInput, meta: RequestMeta) {
    const body = cleanText(input.body, 'body', 1, 'your reply');
    const ticket = await db.tx(async (tx) => {
      let t = await ownTicket(tx, ticketId, actor.userId, true);
      if (!REPLYABLE.includes(t.state)) {
        throw t.state === 'closed' ? conflict('ticket_closed', CLOSED_MESSAGE) : conflict('ticket_resolved', 'This ticket is resolved. Reopen it to reply.');
      }
      const messageId = await repo.insertMessage(tx, { ticket_id: t.id, author_id: actor.userId, author_role: 'customer', internal: false, body });
      const files = await attach(tx, input.attachmentIds, actor.userId, messageId);
      t = await repo.updateTicket(tx, t.id, { last_message_at: new Date() });
      // The customer answered what staff were waiting for: the ticket is back with the desk.
      if (t.state === 'waiting_on_customer') t = await move(tx, t, 'open', { actor, role: 'customer' }, meta);
      await activity(tx, actor, { action: 'support.replied', subjectUserId: actor.userId, object: ticketObject(t), details: { reference: ticketReference(t.number), messageId, attachments: files } }, meta);
      if (t.assignee_id && t.assignee_id !== actor.userId) await notifier.notify(tx, notices.customerActed(t, t.assignee_id, 'replied', body));
      return t;
    });
    return customerView(db, ticket, actor.userId);
  }

  /** The customer reopens (within the period) or marks their ticket solved. */
  async function customerMove(actor: UserActor, ticketId: string, to: 'open' | 'resolved', meta: RequestMeta) {
    const ticket = await db.tx(async (tx) => {
      const t = await ownTicket(tx, ticketId, actor.userId, true);
      if (to === 'open' && t.state !== 'resolved') throw impossible(t.state, 'open');
      const moved = await move(tx, t, to, { actor, role: 'customer' }, meta);
      if (to === 'open' && moved.assignee_id && moved.assignee_id !== actor.userId) await notifier.notify(tx, notices.customerActed(moved, moved.assignee_id, 'reopened', null));
      return moved;
    });
    return customerView(db, ticket, actor.userId);
  }

  async function staffReply(actor: UserActor, ticketId: string, input: StaffReplyInput, meta: RequestMeta) {
    const body = cleanText(input.body, 'body', 1, input.internal ? 'the note' : 'your reply');
    const internal = input.internal === true;
    if (internal && input.state) throw fieldError('state', 'An internal note cannot change the state; change it separately.');
    const ticket = await db.tx(async (tx) => {
      let t = await anyTicket(tx, ticketId, true);
      // Notes may be added to a ticket in any state (e.g. after closing); replies need it open or waiting.
      if (!internal && !REPLYABLE.includes(t.state)) {
        throw t.state === 'closed' ? conflict('ticket_closed', CLOSED_MESSAGE) : conflict('ticket_resolved', 'This ticket is resolved. Reopen it to reply.');
      }
      if (input.state && !canMove('staff', t.state, input.state)) throw impossible(t.state, input.state);
      const messageId = await repo.insertMessage(tx, { ticket_id: t.id, author_id: actor.userId, author_role: 'staff', internal, body });
      const files = await attach(tx, input.attachmentIds, actor.userId, messageId);
      if (internal) {
        await activity(tx, actor, { action: 'support.internal_note_added', object: ticketObject(t), details: { reference: ticketReference(t.number), messageId, attachments: files } }, meta);
        return t;
      }
      t = await repo.updateTicket(tx, t.id, { last_message_at: new Date(), ...(t.first_responded_at ? {} : { first_responded_at: new Date() }) });
      if (input.state) t = await move(tx, t, input.state, { actor, role: 'staff' }, meta);
      await activity(tx, actor, { action: 'support.replied', subjectUserId: t.customer_id, object: ticketObject(t), details: { reference: ticketReference(t.number), messageId, attachments: files, by: 'staff' } }, meta);
      await notifier.notify(tx, notices.staffReplied(t, body, input.state ?? null, reopenUntil(t)));
      return t;
    });
    return staffViewOf(db, ticket, actor.userId);
  }

  async function staffMove(actor: UserActor, ticketId: string, to: TicketState, meta: RequestMeta) {
    const ticket = await db.tx(async (tx) => {
      const t = await anyTicket(tx, ticketId, true);
      const moved = await move(tx, t, to, { actor, role: 'staff' }, meta);
      await notifier.notify(tx, notices.stateChanged(moved, to, reopenUntil(moved)));
      return moved;
    });
    return staffViewOf(db, ticket, actor.userId);
  }

  /** Priority and assignment (staff only, not shown to the customer). */
  async function update(actor: UserActor, ticketId: string, input: { priority?: Priority | undefined; assigneeId?: string | null | undefined }, meta: RequestMeta) {
    const ticket = await db.tx(async (tx) => {
      let t = await anyTicket(tx, ticketId, true);
      if (t.state === 'closed') throw conflict('ticket_closed', 'This ticket is closed; it cannot be changed.');
      if (input.priority !== undefined && input.priority !== t.priority) {
        const from = t.priority;
        const h = SLA_HOURS[input.priority];
        t = await repo.updateTicket(tx, t.id, {
          priority: input.priority,
          first_response_due_at: new Date(t.created_at.getTime() + h.firstResponse * 3_600_000),
          resolution_due_at: new Date(t.sla_clock_started_at.getTime() + h.resolution * 3_600_000),
        });
        await repo.insertEvent(tx, { ticket_id: t.id, actor_id: actor.userId, kind: 'priority', from_value: from, to_value: input.priority, internal: true });
        await activity(tx, actor, { action: 'support.priority_changed', object: ticketObject(t), details: { reference: ticketReference(t.number), from, to: input.priority } }, meta);
      }
      if (input.assigneeId !== undefined && input.assigneeId !== t.assignee_id) {
        const assignee = input.assigneeId ? await repo.findStaffMember(tx, input.assigneeId) : null;
        if (input.assigneeId && !assignee) throw fieldError('assigneeId', 'Choose an active operator or admin.', 'invalid_assignee');
        const from = t.assignee_id;
        t = await repo.updateTicket(tx, t.id, { assignee_id: input.assigneeId });
        await repo.insertEvent(tx, { ticket_id: t.id, actor_id: actor.userId, kind: 'assignee', from_value: from, to_value: input.assigneeId, internal: true });
        await activity(tx, actor, { action: 'support.assigned', object: ticketObject(t), details: { reference: ticketReference(t.number), from, to: input.assigneeId } }, meta);
        if (assignee && assignee.id !== actor.userId) await notifier.notify(tx, notices.assignedToYou(t, assignee.id));
      }
      return t;
    });
    return staffViewOf(db, ticket, actor.userId);
  }

  async function uploadAttachment(actor: UserActor, request: FastifyRequest, meta: RequestMeta) {
    const pending = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM support_attachments WHERE uploader_id = $1 AND message_id IS NULL', [actor.userId])
    )[0]!.n;
    if (pending >= MAX_PENDING_ATTACHMENTS) {
      throw conflict('too_many_pending_attachments', `You have ${pending} files waiting to be sent. Send or discard them before uploading more.`);
    }
    // The file streams into the store first (no transaction held open during an upload) and is
    // recorded after; if recording fails, the stored file is removed again.
    const received = await uploads.receive(request, policy, KEY_PREFIX);
    try {
      const row = await db.tx(async (tx) => {
        const a = await repo.insertAttachment(tx, {
          uploader_id: actor.userId,
          object_key: received.key,
          content_type: received.inspection.contentType,
          size_bytes: received.inspection.size,
          width: received.inspection.width,
          height: received.inspection.height,
        });
        await activity(tx, actor, { action: 'support.attachment_uploaded', subjectUserId: actor.userId, object: { type: 'support_attachment', id: a.id }, details: { contentType: a.content_type, sizeBytes: a.size_bytes } }, meta);
        return a;
      });
      return attachmentDto(row, actor.userId);
    } catch (err) {
      await store.delete(received.key);
      throw err;
    }
  }

  // ---- reads ----

  async function listOwn(customerId: string, f: { states?: TicketState[] | undefined; limit: number; offset: number }) {
    const { items, total } = await repo.listForCustomer(db, customerId, f);
    return { items: items.map(ticketSummary), total };
  }

  async function queue(f: QueueFilter) {
    const { items, total } = await repo.queue(db, f);
    const now = new Date();
    return {
      items: items.map((t) => ({
        ...ticketSummary(t),
        priority: t.priority,
        customer: { id: t.customer_id, name: t.customer_name, email: t.customer_email },
        assignee: t.assignee_id ? { id: t.assignee_id, name: t.assignee_name ?? '' } : null,
        sla: sla(t, now),
        ageSeconds: Math.max(0, Math.floor((now.getTime() - t.created_at.getTime()) / 1000)),
      })),
      total,
    };
  }

  // ---- jobs ----

  /** Closes resolved tickets whose reopen period is over; each batch in its own transaction. */
  async function closeExpired(): Promise<number> {
    let closed = 0;
    for (;;) {
      const n = await db.tx(async (tx) => {
        const due = await repo.lockResolvedBefore(tx, config.supportReopenDays, AUTO_CLOSE_BATCH);
        for (const t of due) {
          const moved = await move(tx, t, 'closed', { actor: { type: 'system' }, role: 'system' }, SYSTEM_META);
          await notifier.notify(tx, notices.stateChanged(moved, 'closed', null));
        }
        return due.length;
      });
      closed += n;
      if (n < AUTO_CLOSE_BATCH) return closed;
    }
  }

  /** Removes uploads never sent with a message, and stored files no row names. */
  async function purgeAttachments(): Promise<{ pending: number; orphans: number }> {
    let pending = 0;
    for (;;) {
      const rows = await repo.pendingAttachmentsOlderThan(db, PENDING_ATTACHMENT_HOURS);
      for (const r of rows) {
        // Row first: once it is gone the file cannot be attached any more, then the file goes.
        if (await repo.deletePendingAttachment(db, r.id)) {
          await store.delete(r.object_key);
          pending++;
        }
      }
      if (rows.length < 200) break;
    }
    const orphans = await sweepOrphans(store, KEY_PREFIX, (keys) => repo.knownObjectKeys(db, keys));
    return { pending, orphans };
  }

  /**
   * Retention: attachments on the tickets of an account closed more than RECORDS_RETENTION_DAYS ago
   * are deleted (platform/storage/retention.ts); the tickets and their messages stay.
   */
  function purgeClosedAccountFiles() {
    const days = config.recordsRetentionDays;
    return purgeFilesOfClosedAccounts({
      db,
      store,
      accountsDue: (after, limit) => repo.closedCustomersWithAttachments(db, days, after, limit),
      filesOf: (customerId) => repo.attachmentsOfCustomer(db, customerId),
      async forget(tx, customerId, gone) {
        await repo.deleteAttachments(tx, gone.map((a) => a.id));
        await activity(tx, { type: 'system' }, { action: 'support.files_purged', subjectUserId: customerId, object: { type: 'user', id: customerId }, details: { attachments: gone.length, retentionDays: days } }, SYSTEM_META);
      },
    });
  }


  // Downloads: the uploader (before sending), the ticket's customer (never files of internal notes)
  // and staff (files on tickets) may read an attachment; everyone else gets a 404.
  links.register(FILE_RESOURCE, async (id, viewer) => {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const a = await repo.findAttachment(db, id);
    if (!a) return null;
    const isStaff = viewer.role === 'operator' || viewer.role === 'admin';
    const mayRead =
      a.uploader_id === viewer.userId || (a.message_id !== null && (isStaff || (a.ticket_customer_id === viewer.userId && a.internal === false)));
    if (!mayRead) return null;
    return uploadedFile(a.object_key, a.content_type, `attachment-${a.id.slice(0, 8)}`);
  });

  return {
    open,
    reply,
    reopen: (actor: UserActor, id: string, meta: RequestMeta) => customerMove(actor, id, 'open', meta),
    resolve: (actor: UserActor, id: string, meta: RequestMeta) => customerMove(actor, id, 'resolved', meta),
    uploadAttachment,
    listOwn,
    view: async (customerId: string, id: string) => customerView(db, await ownTicket(db, id, customerId), customerId),
    queue,
    staffView: async (viewerId: string, id: string) => staffViewOf(db, await anyTicket(db, id), viewerId),
    staffReply,
    staffMove,
    update,
    assignees: () => repo.listStaff(db),
    grievanceOfficer: () => ({ name: config.grievanceOfficer.name, email: config.grievanceOfficer.email, phone: config.grievanceOfficer.phone }),
    closeExpired,
    purgeAttachments,
    purgeClosedAccountFiles,
  };
}

export type SupportService = ReturnType<typeof createSupportService>;
