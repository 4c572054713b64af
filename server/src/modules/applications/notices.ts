import { formatRupees } from '../../platform/money.js';
import type { Notification } from '../notifications/notifier.js';

/**
 * What the customer is told when their application moves, in English and Hindi. Pure: the service
 * hands the result to the notifier inside the transaction of the change.
 */
export interface NoticeSubject {
  id: string;
  userId: string;
  ackNumber: string;
  service: { en: string; hi: string };
}

const rupees = (paise: number) => `₹${formatRupees(paise)}`;
/** Messages from operators are shown in full in the app; a notification carries the start. */
const excerpt = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function notice(a: NoticeSubject, kind: string, title: Notification['title'], body: Notification['body']): Notification {
  return { userId: a.userId, topic: 'service_updates', kind: `application.${kind}`, title, body, link: `/applications/${a.id}` };
}

export function submittedNotice(a: NoticeSubject, heldPaise: number, resubmitted: boolean): Notification {
  const held = heldPaise > 0;
  return notice(
    a,
    resubmitted ? 'resubmitted' : 'submitted',
    resubmitted ? { en: `Application ${a.ackNumber} sent again`, hi: `आवेदन ${a.ackNumber} फिर से भेजा गया` } : { en: `Application ${a.ackNumber} received`, hi: `आवेदन ${a.ackNumber} प्राप्त हुआ` },
    {
      en: `We have your application for ${a.service.en}.${held && !resubmitted ? ` ${rupees(heldPaise)} is held in your wallet and charged only when the work is done.` : ''}`,
      hi: `${a.service.hi} के लिए आपका आवेदन हमें मिल गया है।${held && !resubmitted ? ` आपके वॉलेट में ${rupees(heldPaise)} रोके गए हैं, जो काम पूरा होने पर ही लिए जाएँगे।` : ''}`,
    },
  );
}

export function needsInfoNotice(a: NoticeSubject, message: string): Notification {
  return notice(
    a,
    'needs_info',
    { en: `More information needed for ${a.ackNumber}`, hi: `${a.ackNumber} के लिए और जानकारी चाहिए` },
    { en: `The operator asks: ${excerpt(message)}`, hi: `ऑपरेटर का अनुरोध: ${excerpt(message)}` },
  );
}

export function completedNotice(a: NoticeSubject, chargedPaise: number): Notification {
  return notice(
    a,
    'completed',
    { en: `Application ${a.ackNumber} is complete`, hi: `आवेदन ${a.ackNumber} पूरा हुआ` },
    {
      en: `Your ${a.service.en} is done. Download the documents from the application page.${chargedPaise > 0 ? ` ${rupees(chargedPaise)} was charged from the amount held.` : ''}`,
      hi: `आपका ${a.service.hi} का काम पूरा हो गया है। दस्तावेज़ आवेदन के पेज से डाउनलोड करें।${chargedPaise > 0 ? ` रोकी गई राशि में से ${rupees(chargedPaise)} लिए गए।` : ''}`,
    },
  );
}

export function rejectedNotice(a: NoticeSubject, reason: string, releasedPaise: number): Notification {
  return notice(
    a,
    'rejected',
    { en: `Application ${a.ackNumber} was rejected`, hi: `आवेदन ${a.ackNumber} अस्वीकार हुआ` },
    {
      en: `Reason: ${excerpt(reason)}${releasedPaise > 0 ? ` The ${rupees(releasedPaise)} held is back in your wallet.` : ''}`,
      hi: `कारण: ${excerpt(reason)}${releasedPaise > 0 ? ` रोके गए ${rupees(releasedPaise)} आपके वॉलेट में वापस आ गए हैं।` : ''}`,
    },
  );
}

export function commentNotice(a: NoticeSubject, message: string): Notification {
  return notice(
    a,
    'comment',
    { en: `New message about ${a.ackNumber}`, hi: `${a.ackNumber} के बारे में नया संदेश` },
    { en: excerpt(message), hi: excerpt(message) },
  );
}
