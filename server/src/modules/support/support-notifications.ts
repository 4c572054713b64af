import type { Notification } from '../notifications/notifier.js';
import { ticketReference, type TicketState } from './support.rules.js';

/** What customers and operators are told about tickets, in English and Hindi. */

const date = (d: Date, lang: 'en' | 'hi') =>
  new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', { dateStyle: 'medium', timeZone: 'Asia/Kolkata' }).format(d);

/** A reply quoted in a notification: whitespace folded, cut at 400 characters. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 399)}…` : flat;
}

interface TicketRef {
  id: string;
  number: number;
  subject: string;
  customer_id: string;
}

const customerLink = (t: TicketRef) => `/support/tickets/${t.id}`;
const staffLink = (t: TicketRef) => `/admin/support/${t.id}`;

export function ticketOpened(t: TicketRef): Notification {
  const ref = ticketReference(t.number);
  return {
    userId: t.customer_id,
    topic: 'service_updates',
    kind: 'ticket.opened',
    title: { en: `We received your ticket ${ref}`, hi: `हमें आपका टिकट ${ref} मिल गया है` },
    body: {
      en: `“${t.subject}”: our support team will reply on the ticket page, where you can also add details and files.`,
      hi: `“${t.subject}”: हमारी सहायता टीम टिकट पेज पर जवाब देगी। वहाँ आप और जानकारी व फ़ाइलें भी जोड़ सकते हैं।`,
    },
    link: customerLink(t),
  };
}

/** A staff reply, optionally with the state it moved the ticket to (one message, not two). */
export function staffReplied(t: TicketRef, reply: string, newState: TicketState | null, reopenUntil: Date | null): Notification {
  const ref = ticketReference(t.number);
  const quote = excerpt(reply);
  if (newState === 'waiting_on_customer') {
    return {
      userId: t.customer_id,
      topic: 'service_updates',
      kind: 'ticket.waiting_on_customer',
      title: { en: `Ticket ${ref} needs your reply`, hi: `टिकट ${ref} पर आपके जवाब की ज़रूरत है` },
      body: { en: `Our team wrote: “${quote}”`, hi: `हमारी टीम ने लिखा: “${quote}”` },
      link: customerLink(t),
    };
  }
  if (newState === 'resolved' && reopenUntil) {
    return {
      userId: t.customer_id,
      topic: 'service_updates',
      kind: 'ticket.resolved',
      title: { en: `Ticket ${ref} is resolved`, hi: `टिकट ${ref} हल कर दिया गया है` },
      body: {
        en: `Our team wrote: “${quote}” If the problem is not solved, you can reopen the ticket until ${date(reopenUntil, 'en')}.`,
        hi: `हमारी टीम ने लिखा: “${quote}” अगर समस्या हल नहीं हुई है, तो आप ${date(reopenUntil, 'hi')} तक टिकट दोबारा खोल सकते हैं।`,
      },
      link: customerLink(t),
    };
  }
  return {
    userId: t.customer_id,
    topic: 'service_updates',
    kind: 'ticket.replied',
    title: { en: `New reply on ticket ${ref}`, hi: `टिकट ${ref} पर नया जवाब` },
    body: { en: `Our team wrote: “${quote}”`, hi: `हमारी टीम ने लिखा: “${quote}”` },
    link: customerLink(t),
  };
}

/** A state change made by staff (or the cleanup job) without a reply. */
export function stateChanged(t: TicketRef, to: TicketState, reopenUntil: Date | null): Notification {
  const ref = ticketReference(t.number);
  const base = { userId: t.customer_id, topic: 'service_updates' as const, link: customerLink(t) };
  switch (to) {
    case 'waiting_on_customer':
      return {
        ...base,
        kind: 'ticket.waiting_on_customer',
        title: { en: `Ticket ${ref} needs your reply`, hi: `टिकट ${ref} पर आपके जवाब की ज़रूरत है` },
        body: { en: `“${t.subject}”: please reply on the ticket page so we can continue.`, hi: `“${t.subject}”: कृपया टिकट पेज पर जवाब दें ताकि हम आगे बढ़ सकें।` },
      };
    case 'resolved':
      return {
        ...base,
        kind: 'ticket.resolved',
        title: { en: `Ticket ${ref} is resolved`, hi: `टिकट ${ref} हल कर दिया गया है` },
        body: {
          en: `“${t.subject}”: if the problem is not solved, you can reopen the ticket${reopenUntil ? ` until ${date(reopenUntil, 'en')}` : ''}.`,
          hi: `“${t.subject}”: अगर समस्या हल नहीं हुई है, तो आप${reopenUntil ? ` ${date(reopenUntil, 'hi')} तक` : ''} टिकट दोबारा खोल सकते हैं।`,
        },
      };
    case 'open':
      return {
        ...base,
        kind: 'ticket.reopened',
        title: { en: `Ticket ${ref} is open again`, hi: `टिकट ${ref} फिर से खोला गया है` },
        body: { en: `“${t.subject}”: our team is working on it again.`, hi: `“${t.subject}”: हमारी टीम इस पर फिर से काम कर रही है।` },
      };
    case 'closed':
      return {
        ...base,
        kind: 'ticket.closed',
        title: { en: `Ticket ${ref} is closed`, hi: `टिकट ${ref} बंद कर दिया गया है` },
        body: {
          en: `“${t.subject}”: this ticket is closed. If you need more help, open a new ticket.`,
          hi: `“${t.subject}”: यह टिकट बंद हो गया है। और मदद चाहिए तो नया टिकट खोलें।`,
        },
      };
  }
}

/** The operator a ticket is assigned to hears about it, and about the customer's later replies. */
export function assignedToYou(t: TicketRef, assigneeId: string): Notification {
  const ref = ticketReference(t.number);
  return {
    userId: assigneeId,
    topic: 'service_updates',
    kind: 'ticket.assigned',
    title: { en: `Ticket ${ref} is assigned to you`, hi: `टिकट ${ref} आपको सौंपा गया है` },
    body: { en: `“${t.subject}”`, hi: `“${t.subject}”` },
    link: staffLink(t),
  };
}

export function customerActed(t: TicketRef, assigneeId: string, what: 'replied' | 'reopened', reply: string | null): Notification {
  const ref = ticketReference(t.number);
  const quote = reply ? ` “${excerpt(reply)}”` : '';
  return {
    userId: assigneeId,
    topic: 'service_updates',
    kind: what === 'replied' ? 'ticket.customer_replied' : 'ticket.customer_reopened',
    title:
      what === 'replied'
        ? { en: `The customer replied on ticket ${ref}`, hi: `ग्राहक ने टिकट ${ref} पर जवाब दिया` }
        : { en: `The customer reopened ticket ${ref}`, hi: `ग्राहक ने टिकट ${ref} दोबारा खोला` },
    body: { en: `“${t.subject}”${quote}`, hi: `“${t.subject}”${quote}` },
    link: staffLink(t),
  };
}
