import type { ConversationRow, UserRow } from './meta-sandbox.repo.js';

/** What a send reads of its recipient: the user's row and the number × user conversation, absent ones as their defaults. */
export interface Recipient {
  undeliverable: UserRow['undeliverable'];
  lastInboundAt: Date | null;
  marketing: ConversationRow['marketing'];
}

/**
 * The recipients of recent sends, so a send normally reads no row. The simulator's tables change only
 * through its own service, in the one process that serves its Graph API (as for SimRates), and every
 * change to a row a send reads forgets the entries it touches once it is written (`forgetUser`,
 * `forgetConversation`). A miss reads the rows and keeps them only when no change was forgotten
 * meanwhile (`generation`): a read that raced a change could hold the old rows. The window state is
 * kept as the time of the last inbound message, so it closes by itself after 24 h. Bounded, oldest
 * entries go first.
 */
export class RecipientCache {
  /** `${phoneNumberId}:${waId}` → recipient. */
  private readonly entries = new Map<string, Recipient>();
  private changes = 0;

  constructor(private readonly max = 20_000) {}

  get(phoneNumberId: string, waId: string): Recipient | undefined {
    return this.entries.get(`${phoneNumberId}:${waId}`);
  }

  /** Changes forgotten so far: take it before reading the rows, and hand it to `fill`. */
  generation(): number {
    return this.changes;
  }

  /** Keeps what was read, unless a change was forgotten since `generation` was taken. */
  fill(generation: number, phoneNumberId: string, waId: string, recipient: Recipient): void {
    if (generation !== this.changes) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(`${phoneNumberId}:${waId}`, recipient);
  }

  /** The user's row changed: every number's entry of that user goes. */
  forgetUser(waId: string): void {
    this.changes++;
    const suffix = `:${waId}`;
    for (const key of this.entries.keys()) if (key.endsWith(suffix)) this.entries.delete(key);
  }

  forgetConversation(phoneNumberId: string, waId: string): void {
    this.changes++;
    this.entries.delete(`${phoneNumberId}:${waId}`);
  }

  get size(): number {
    return this.entries.size;
  }
}
