import type { Notification } from '../../notifications/notifier.js';

/**
 * Template statuses and what they mean for the tenant: which status a Meta event leaves a template
 * in, whether a report is older than the status the template has, whether the template can be sent,
 * and the notice a change deserves. Pure functions.
 */

/** Meta's template statuses (CONTRACT §5); Meta adds new ones, so anything else is kept as it comes. */
export const TEMPLATE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'LIMIT_EXCEEDED', 'ARCHIVED', 'LOCKED'] as const;

/**
 * The status a template has after Meta's `message_template_status_update` event. Events that are
 * not statuses: REINSTATED and UNARCHIVED return it to APPROVED; FLAGGED (quality is falling, a pause
 * may follow) leaves the status as it is.
 */
export function statusAfterEvent(event: string, current: string): string {
  switch (event) {
    case 'REINSTATED':
    case 'UNARCHIVED':
      return 'APPROVED';
    case 'FLAGGED':
      return current;
    default:
      return event;
  }
}

/**
 * Whether a report that happened at `at` is older than the template's current status (set at
 * `statusAt`). Meta's webhooks carry whole seconds, so within the same second the report counts as
 * newer — except a PENDING report after the review already answered, which can only be a late one.
 */
export function isStale(at: Date, statusAt: Date, report: { status: string; currentStatus: string }): boolean {
  const a = Math.floor(at.getTime() / 1000);
  const s = Math.floor(statusAt.getTime() / 1000);
  if (a < s) return true;
  if (a === s && report.status === 'PENDING' && report.currentStatus !== 'PENDING') return true;
  return false;
}

export type UnusableCode = 'template_not_found' | 'template_not_approved' | 'template_paused' | 'template_disabled';

export interface TemplateStatusView {
  name: string;
  language: string;
  status: string;
  reason: string | null;
  other_info: unknown;
}

const PAUSE_HOURS: Record<string, number> = { FIRST_PAUSE: 3, SECOND_PAUSE: 6 };

function pauseTitle(otherInfo: unknown): string | null {
  return typeof otherInfo === 'object' && otherInfo !== null && typeof (otherInfo as { title?: unknown }).title === 'string' ? (otherInfo as { title: string }).title : null;
}

/** Null when the template can be sent; otherwise the 422 code and a message a person can act on. */
export function unusableReason(t: TemplateStatusView): { code: UnusableCode; message: string } | null {
  const label = `Template "${t.name}" (${t.language})`;
  switch (t.status) {
    case 'APPROVED':
      return null;
    case 'PAUSED': {
      const hours = PAUSE_HOURS[pauseTitle(t.other_info) ?? ''];
      return {
        code: 'template_paused',
        message: `${label} is paused by Meta because people reported or blocked its messages${hours ? `; Meta resumes it after about ${hours} hours` : ''}. Messages using it are stopped until it is active again.`,
      };
    }
    case 'DISABLED':
      return { code: 'template_disabled', message: `${label} was disabled by Meta for low quality and can no longer be sent. Create a new template instead.` };
    case 'DELETED':
    case 'PENDING_DELETION':
      return { code: 'template_not_found', message: `${label} was deleted.` };
    case 'PENDING':
      return { code: 'template_not_approved', message: `${label} is still waiting for Meta's review.` };
    case 'REJECTED':
      return { code: 'template_not_approved', message: `${label} was rejected by Meta${t.reason && t.reason !== 'NONE' ? ` (${t.reason})` : ''}. Edit it and submit it again.` };
    default:
      return { code: 'template_not_approved', message: `${label} cannot be sent while its status is ${t.status}.` };
  }
}

export interface StatusChange {
  templateId: string;
  tenantId: string;
  name: string;
  language: string;
  event: string;
  from: string;
  to: string;
  reason: string | null;
  rejectionReason: string | null;
  otherInfo: unknown;
}

const REASONS_HI: Record<string, string> = {
  INVALID_FORMAT: 'गलत प्रारूप',
  ABUSIVE_CONTENT: 'आपत्तिजनक सामग्री',
  INCORRECT_CATEGORY: 'गलत श्रेणी',
  PROMOTIONAL: 'प्रचार सामग्री',
  SCAM: 'धोखाधड़ी का संदेह',
  TAG_CONTENT_MISMATCH: 'सामग्री और श्रेणी मेल नहीं खाते',
};

/** The in-app / email notice a status change deserves (null: none, e.g. PENDING → PENDING). */
export function statusNotice(c: StatusChange): Notification | null {
  // Names run to 512 characters; a notification title holds 200.
  const label = `${c.name.length > 120 ? `${c.name.slice(0, 119)}…` : c.name} (${c.language})`;
  const link = `/whatsapp/templates/${c.templateId}`;
  const base = { userId: c.tenantId, topic: 'service_updates' as const, link };
  const reason = c.reason && c.reason !== 'NONE' ? c.reason : null;
  if (c.event === 'FLAGGED') {
    return {
      ...base,
      kind: 'whatsapp.template_flagged',
      title: { en: `Template at risk: ${label}`, hi: `टेम्पलेट खतरे में: ${label}` },
      body: {
        en: 'Meta flagged this template because its quality is falling. If people keep blocking or reporting its messages, Meta will pause it. Review who receives it and what it says.',
        hi: 'इस टेम्पलेट की गुणवत्ता गिर रही है, इसलिए Meta ने इसे चिह्नित किया है। अगर लोग इसके संदेश ब्लॉक या रिपोर्ट करते रहे तो Meta इसे रोक देगा। जाँचें कि यह किसे भेजा जाता है और इसमें क्या लिखा है।',
      },
    };
  }
  if (c.from === c.to) return null;
  switch (c.to) {
    case 'APPROVED':
      return {
        ...base,
        kind: c.from === 'PAUSED' ? 'whatsapp.template_resumed' : 'whatsapp.template_approved',
        title: c.from === 'PAUSED' ? { en: `Template active again: ${label}`, hi: `टेम्पलेट फिर से चालू: ${label}` } : { en: `Template approved: ${label}`, hi: `टेम्पलेट स्वीकृत: ${label}` },
        body: { en: 'You can send messages with this template.', hi: 'अब आप इस टेम्पलेट से संदेश भेज सकते हैं।' },
      };
    case 'REJECTED':
      return {
        ...base,
        kind: 'whatsapp.template_rejected',
        title: { en: `Template rejected: ${label}`, hi: `टेम्पलेट अस्वीकृत: ${label}` },
        body: {
          en: `Meta rejected this template${reason ? ` (${reason})` : ''}.${c.rejectionReason ? ` ${c.rejectionReason}` : ''} Open it to see the reason, then create a corrected one.`.slice(0, 2000),
          hi: `Meta ने यह टेम्पलेट अस्वीकार कर दिया${reason ? ` (${REASONS_HI[reason] ?? reason})` : ''}। कारण देखने के लिए इसे खोलें, फिर सुधार कर नया बनाएँ।`,
        },
      };
    case 'PAUSED': {
      const hours = PAUSE_HOURS[pauseTitle(c.otherInfo) ?? ''];
      return {
        ...base,
        kind: 'whatsapp.template_paused',
        title: { en: `Template paused: ${label}`, hi: `टेम्पलेट रोका गया: ${label}` },
        body: {
          en: `Meta paused this template because people reported or blocked its messages${hours ? `; it resumes after about ${hours} hours` : ''}. Campaigns and automations using it are stopped until it is active again.`,
          hi: `लोगों ने इसके संदेश रिपोर्ट या ब्लॉक किए, इसलिए Meta ने यह टेम्पलेट रोक दिया है${hours ? `; लगभग ${hours} घंटे बाद यह फिर चालू होगा` : ''}। इसका उपयोग करने वाले अभियान और ऑटोमेशन तब तक रुके रहेंगे।`,
        },
      };
    }
    case 'DISABLED':
      return {
        ...base,
        kind: 'whatsapp.template_disabled',
        title: { en: `Template disabled: ${label}`, hi: `टेम्पलेट बंद किया गया: ${label}` },
        body: {
          en: 'Meta disabled this template for low quality. It can no longer be sent; campaigns and automations using it are stopped. Create a new template instead.',
          hi: 'कम गुणवत्ता के कारण Meta ने यह टेम्पलेट बंद कर दिया है। अब इससे संदेश नहीं भेजे जा सकते; इसका उपयोग करने वाले अभियान और ऑटोमेशन रोक दिए गए हैं। इसकी जगह नया टेम्पलेट बनाएँ।',
        },
      };
    default:
      return null;
  }
}
