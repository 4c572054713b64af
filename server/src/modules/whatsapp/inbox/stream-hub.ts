import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/index.js';
import { findMessage } from '../messages/message-log.repo.js';
import { findConversation, findNote, peopleNames, readCounts } from './conversations.repo.js';
import { inboxRole, type InboxRole } from './inbox-access.js';
import { INBOX_CHANNEL, parseFeedEvent, type FeedEvent } from './inbox-feed.js';
import { toConversationDto, toMessageDto, toNoteDto } from './inbox.schemas.js';
import { liveAccess } from './team.repo.js';

/**
 * The live inbox streams of this process (README.md "Live updates"). One LISTEN per process hears
 * every inbox change committed by any instance; each change is read from the database once and
 * written to the streams of its tenant, each reader with their own unread count. A heartbeat keeps
 * proxies from closing idle streams and re-checks every stream's session and team membership, so a
 * stream ends soon after its session is signed out or expires, or its reader leaves the team.
 */

export interface StreamClient {
  readonly userId: string;
  readonly sessionId: string;
  readonly tenantId: string;
  role: InboxRole;
  send(event: string, data: unknown): void;
  /** Tells the browser why (`end` event) and closes the stream. */
  end(reason: 'signed_out' | 'access_removed' | 'server_shutdown'): void;
}

export interface StreamHubOptions {
  /** Between heartbeats and session checks. */
  heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 20_000;

export class InboxStreamHub {
  private readonly clients = new Set<StreamClient>();
  private listening: Promise<() => Promise<void>> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  readonly heartbeatMs: number;

  constructor(
    private readonly deps: { db: Db; log: FastifyBaseLogger; sessionIdleSeconds: number },
    opts: StreamHubOptions = {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** Starts listening (once per process) before the stream counts as open, so no change after it is missed. */
  async add(client: StreamClient): Promise<void> {
    if (!this.listening) {
      this.listening = this.deps.db.listen(
        INBOX_CHANNEL,
        (payload) => this.enqueue(payload),
        () => this.resync(),
      );
      this.listening.catch(() => (this.listening = null));
    }
    await this.listening;
    this.clients.add(client);
    if (!this.timer) {
      this.timer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
      this.timer.unref();
    }
  }

  remove(client: StreamClient): void {
    this.clients.delete(client);
    if (!this.clients.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  countFor(userId: string): number {
    let n = 0;
    for (const c of this.clients) if (c.userId === userId) n++;
    return n;
  }

  get size(): number {
    return this.clients.size;
  }

  private enqueue(payload: string): void {
    const e = parseFeedEvent(payload);
    if (!e) return;
    // One change at a time, in commit order: a reader never sees a status before its message.
    this.queue = this.queue.then(() => this.deliver(e)).catch((err: unknown) => this.deps.log.error({ err, event: e }, 'team inbox: a live update could not be sent'));
  }

  /** The listening connection was lost for a while: every reader reloads what it shows. */
  private resync(): void {
    for (const c of this.clients) c.send('resync', {});
  }

  /** Waits until every change heard so far was written to the streams (tests, shutdown). */
  async drain(): Promise<void> {
    await this.queue;
  }

  private async deliver(e: FeedEvent): Promise<void> {
    const targets = [...this.clients].filter((c) => c.tenantId === e.t);
    if (!targets.length) return;
    const { db } = this.deps;
    if (e.k === 'team') {
      if (e.u) {
        const affected = targets.filter((c) => c.userId === e.u);
        const role = affected.length ? await inboxRole(db, e.u, e.t) : null;
        for (const c of affected) {
          if (role) c.role = role;
          else c.end('access_removed');
        }
      }
      for (const c of targets) if (this.clients.has(c)) c.send('team', {});
      return;
    }
    if (!e.c) return;
    if (e.k === 'note') {
      const note = e.id ? await findNote(db, e.id) : null;
      if (!note || note.tenant_id !== e.t) return;
      for (const c of targets) c.send('note', { note: toNoteDto(note) });
      return;
    }
    const view = await findConversation(db, e.c, null);
    if (!view || view.tenant_id !== e.t) return;
    const reads = await readCounts(db, view.id);
    const conversationFor = (c: StreamClient) => toConversationDto(view, view.inbound_count - (reads.get(c.userId) ?? 0));
    if (e.k === 'conversation') {
      for (const c of targets) c.send('conversation', { conversation: conversationFor(c) });
      return;
    }
    const m = e.id ? await findMessage(db, e.t, { id: e.id }) : null;
    if (!m) return;
    const sentBy = (m as typeof m & { sent_by: string | null }).sent_by;
    const message = toMessageDto(m, view.id, await peopleNames(db, sentBy ? [sentBy] : []));
    for (const c of targets) c.send(e.k, { conversation: conversationFor(c), message });
  }

  /** Ends the streams whose session ended (signed out, expired, idle) or whose reader left the team. */
  async check(): Promise<void> {
    const list = [...this.clients];
    if (!list.length) return;
    const { db, sessionIdleSeconds } = this.deps;
    const live = new Set(
      (
        await db.query<{ id: string }>(
          `SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()
              AND last_seen_at > now() - make_interval(secs => $2)`,
          [[...new Set(list.map((c) => c.sessionId))], sessionIdleSeconds],
        )
      ).map((r) => r.id),
    );
    const access = await liveAccess(db, list.map((c) => ({ tenantId: c.tenantId, userId: c.userId })));
    for (const c of list) {
      if (!live.has(c.sessionId)) c.end('signed_out');
      else if (!access.has(`${c.tenantId}:${c.userId}`)) c.end('access_removed');
    }
  }

  private async heartbeat(): Promise<void> {
    const at = new Date().toISOString();
    for (const c of this.clients) c.send('heartbeat', { at });
    await this.check().catch((err: unknown) => this.deps.log.warn({ err }, 'team inbox: stream sessions not checked'));
  }

  /** Shutdown: every stream is told and closed (the browser reconnects to another instance), listening stops. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const c of [...this.clients]) c.end('server_shutdown');
    const listening = this.listening;
    this.listening = null;
    if (listening) await (await listening.catch(() => null))?.();
  }
}
