import type { Conversation, InboxMessage, InboxNote } from '../../../api/whatsapp-team-inbox';

/** What the inbox page passes on from its stream to the open thread. */
export type LiveEvent =
  | { kind: 'message'; conversation: Conversation; message: InboxMessage }
  | { kind: 'conversation'; conversation: Conversation }
  | { kind: 'note'; note: InboxNote }
  | { kind: 'resync' };

/** A tiny publish/subscribe between the page (one EventSource) and its children. */
export function createLiveBus() {
  const listeners = new Set<(e: LiveEvent) => void>();
  return {
    emit(e: LiveEvent) {
      for (const l of listeners) l(e);
    },
    subscribe(listener: (e: LiveEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
