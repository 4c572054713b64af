import { validateSend } from '../../meta-sandbox/message-rules.js';
import { SimGraphError } from '../../meta-sandbox/sim-errors.js';
import { badRequest } from '../../../platform/errors.js';

/**
 * What an automation replies with, as the tenant configures it, and the Cloud API message body it
 * becomes. A reply is checked when it is saved by the same rules the send path applies (Meta's
 * limits: 4096 characters of text, 1–3 buttons of 20 characters, ≤ 10 list rows …), so a rule that
 * was accepted cannot fail on its shape when it fires.
 */

export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export type Reply =
  | { type: 'text'; text: string; previewUrl?: boolean | undefined }
  | { type: 'media'; mediaType: MediaKind; link?: string | undefined; mediaId?: string | undefined; caption?: string | undefined; filename?: string | undefined }
  | {
      type: 'buttons';
      header?: string | undefined;
      body: string;
      footer?: string | undefined;
      buttons: { id: string; title: string }[];
    }
  | {
      type: 'list';
      header?: string | undefined;
      body: string;
      footer?: string | undefined;
      button: string;
      sections: { title?: string | undefined; rows: { id: string; title: string; description?: string | undefined }[] }[];
    }
  | { type: 'template'; name: string; language: string; components?: Record<string, unknown>[] | undefined };

/** The message body for the send service (Meta's shape), to `waId`. */
export function messageBody(reply: Reply, waId: string): Record<string, unknown> {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: waId };
  const textHeader = (h: string | undefined) => (h ? { header: { type: 'text', text: h } } : {});
  const footer = (f: string | undefined) => (f ? { footer: { text: f } } : {});
  switch (reply.type) {
    case 'text':
      return { ...base, type: 'text', text: { body: reply.text, ...(reply.previewUrl ? { preview_url: true } : {}) } };
    case 'media': {
      const media: Record<string, unknown> = reply.mediaId ? { id: reply.mediaId } : { link: reply.link };
      if (reply.caption && reply.mediaType !== 'audio') media.caption = reply.caption;
      if (reply.filename && reply.mediaType === 'document') media.filename = reply.filename;
      return { ...base, type: reply.mediaType, [reply.mediaType]: media };
    }
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          ...textHeader(reply.header),
          body: { text: reply.body },
          ...footer(reply.footer),
          action: { buttons: reply.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'list':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          ...textHeader(reply.header),
          body: { text: reply.body },
          ...footer(reply.footer),
          action: {
            button: reply.button,
            sections: reply.sections.map((s) => ({
              ...(s.title ? { title: s.title } : {}),
              rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
            })),
          },
        },
      };
    case 'template':
      return { ...base, type: 'template', template: { name: reply.name, language: { code: reply.language }, ...(reply.components?.length ? { components: reply.components } : {}) } };
  }
}

/** Checks the reply's message by Meta's rules; throws 400 `invalid_reply` with Meta's words. */
export function assertValidReply(reply: Reply, field = 'reply'): void {
  if (reply.type === 'media') {
    if (Boolean(reply.link) === Boolean(reply.mediaId)) throw badRequest('invalid_reply', 'A media reply needs either a link or an uploaded media id.', [{ field, message: 'give link or mediaId' }]);
    if (reply.link && !/^https:\/\//i.test(reply.link)) throw badRequest('invalid_reply', 'Media links must start with https://.', [{ field: `${field}.link`, message: 'must be an https:// address' }]);
  }
  try {
    validateSend(messageBody(reply, '919999999999'));
  } catch (err) {
    if (err instanceof SimGraphError) throw badRequest('invalid_reply', `WhatsApp would refuse this reply: ${err.details ?? err.message}`, [{ field, message: err.details ?? err.message }]);
    throw err;
  }
}

/** A short text of the reply, for lists and previews. */
export function replySummary(reply: Reply): string {
  switch (reply.type) {
    case 'text':
      return reply.text;
    case 'media':
      return `[${reply.mediaType}] ${reply.caption ?? reply.filename ?? reply.link ?? reply.mediaId ?? ''}`.trim();
    case 'buttons':
      return `${reply.body} [${reply.buttons.map((b) => b.title).join(' | ')}]`;
    case 'list':
      return `${reply.body} [${reply.button}]`;
    case 'template':
      return `[template] ${reply.name} (${reply.language})`;
  }
}
