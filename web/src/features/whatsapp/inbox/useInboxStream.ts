import { useEffect, useEffectEvent, useState } from 'react';
import { inboxStreamUrl, type Conversation, type InboxMessage, type InboxNote } from '../../../api/whatsapp-team-inbox';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended';

export interface InboxStreamHandlers {
  /** A new message, or a message whose status changed, with its conversation as the reader sees it now. */
  onMessage: (conversation: Conversation, message: InboxMessage) => void;
  onConversation: (conversation: Conversation) => void;
  onNote: (note: InboxNote) => void;
  /** The team changed (someone joined, left, changed role). */
  onTeam: () => void;
  /** Changes may have been missed (a reconnection): reload what is shown. */
  onResync: () => void;
  /** The server ended the stream for good: signed out, or no longer in the team. */
  onEnd: (reason: string) => void;
}

const parse = (e: Event): Record<string, unknown> => {
  try {
    return JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * The inbox's server-sent events. EventSource reconnects by itself after a network cut or a server
 * restart; every connection starts with `ready`, and a second `ready` means updates may have been
 * missed while disconnected, so the page reloads.
 */
export function useInboxStream(tenantId: string | null, handlers: InboxStreamHandlers): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const on = useEffectEvent((name: string, data: Record<string, unknown>) => {
    switch (name) {
      case 'message':
      case 'status':
        handlers.onMessage(data.conversation as Conversation, data.message as InboxMessage);
        break;
      case 'conversation':
        handlers.onConversation(data.conversation as Conversation);
        break;
      case 'note':
        handlers.onNote(data.note as InboxNote);
        break;
      case 'team':
        handlers.onTeam();
        break;
      case 'resync':
        handlers.onResync();
        break;
      case 'end':
        handlers.onEnd(String(data.reason ?? ''));
        break;
    }
  });

  useEffect(() => {
    if (!tenantId) return;
    const source = new EventSource(inboxStreamUrl(tenantId));
    let connections = 0;
    let ended = false;
    setState('connecting');
    source.addEventListener('ready', () => {
      connections++;
      setState('live');
      if (connections > 1) on('resync', {});
    });
    for (const name of ['message', 'status', 'conversation', 'note', 'team', 'resync']) {
      source.addEventListener(name, (e) => on(name, parse(e)));
    }
    source.addEventListener('end', (e) => {
      const data = parse(e);
      // A shutdown of one server: the browser reconnects (to another instance). Anything else is final.
      if (data.reason === 'server_shutdown') return;
      ended = true;
      source.close();
      setState('ended');
      on('end', data);
    });
    source.onerror = () => {
      if (ended) return;
      setState(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting');
    };
    return () => source.close();
  }, [tenantId]);

  return state;
}
