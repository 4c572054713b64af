import { SimGraphError, invalid, missing, notValid } from './sim-errors.js';

/**
 * The simulator's check of a POST /{phone-number-id}/messages body, done the way the Cloud API does
 * it (SPEC schemas and CONTRACT.md §2): a missing required field → 131008 ("The parameter text['body']
 * is required."), a wrong type or an over-long text → 100, a count or value out of range (buttons,
 * rows, sections, enum values) → 131009, an unknown type → 131051. Pure: no database, so every rule
 * is unit-tested. Checks that need state (tokens, templates, the 24-hour window) are in the service.
 */

export const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export interface TemplateParam {
  type: string;
  name?: string;
  value: Record<string, unknown>;
}
export interface TemplateComponentCall {
  type: 'header' | 'body' | 'button';
  subType?: string;
  index?: number;
  parameters: TemplateParam[];
}

export type ValidatedSend =
  | { kind: 'read'; messageId: string; typing: boolean }
  | {
      kind: 'message';
      type: MessageType;
      /** `to` as the caller wrote it (echoed as contacts[].input). */
      input: string;
      waId: string;
      /** Media referenced by id, to be checked against the uploads. */
      mediaIds: { type: MediaType; id: string }[];
      template?: { name: string; language: string; components: TemplateComponentCall[] };
      bizOpaque?: string;
      contextId?: string;
    };

type Json = Record<string, unknown>;
type Path = (string | number)[];

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Meta's notation for a field: text['body'], interactive['action']['buttons'][0]. */
export function fieldPath(path: Path): string {
  const [head, ...rest] = path;
  return String(head) + rest.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('');
}

function get(obj: Json, key: string, path: Path, required: true): unknown;
function get(obj: Json, key: string, path: Path, required?: false): unknown | undefined;
function get(obj: Json, key: string, path: Path, required = false): unknown {
  const v = obj[key];
  if ((v === undefined || v === null) && required) throw missing(fieldPath([...path, key]));
  return v ?? undefined;
}

function object(obj: Json, key: string, path: Path, required = true): Json | undefined {
  const v = required ? get(obj, key, path, true) : get(obj, key, path);
  if (v === undefined) return undefined;
  if (!isObj(v)) throw invalid(`Param ${fieldPath([...path, key])} must be a JSON object.`);
  return v;
}

function text(obj: Json, key: string, path: Path, o: { required?: boolean; max?: number; min?: number } = {}): string | undefined {
  const v = o.required ? get(obj, key, path, true) : get(obj, key, path);
  if (v === undefined) return undefined;
  const name = fieldPath([...path, key]);
  if (typeof v !== 'string') throw invalid(`Param ${name} must be a string.`);
  if (o.required && v.trim() === '' && (o.min ?? 1) > 0) throw missing(name);
  if (o.max !== undefined && [...v].length > o.max) throw invalid(`Param ${name} must be at most ${o.max} characters long.`);
  return v;
}

function list(obj: Json, key: string, path: Path, o: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
  const v = o.required ? get(obj, key, path, true) : get(obj, key, path);
  if (v === undefined) return undefined;
  const name = fieldPath([...path, key]);
  if (!Array.isArray(v)) throw invalid(`Param ${name} must be an array.`);
  if (o.min !== undefined && v.length < o.min) throw notValid(`Param ${name} must have at least ${o.min} element${o.min === 1 ? '' : 's'}.`);
  if (o.max !== undefined && v.length > o.max) throw notValid(`Param ${name} must have at most ${o.max} elements.`);
  return v;
}

function httpUrl(value: string, name: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalid(`Param ${name} must be a valid URL.`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || value.length > 2000) throw invalid(`Param ${name} must be an http(s) URL of at most 2000 characters.`);
  return value;
}

function number(obj: Json, key: string, path: Path, min: number, max: number): number {
  const v = get(obj, key, path, true);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`Param ${fieldPath([...path, key])} must be a number.`);
  if (n < min || n > max) throw notValid(`Param ${fieldPath([...path, key])} must be between ${min} and ${max}.`);
  return n;
}

/** `to` in international format, with or without +, spaces, dashes or brackets → the digits (wa_id). */
export function normalizeRecipient(raw: string): string | null {
  const digits = raw.replace(/[\s\-().+]/g, '');
  return /^[0-9]{7,15}$/.test(digits) && !digits.startsWith('0') ? digits : null;
}

/** One media object: exactly one of id or link; caption where the type has one. */
function media(type: MediaType, value: Json, path: Path, mediaIds: { type: MediaType; id: string }[]): void {
  const id = text(value, 'id', path);
  const link = text(value, 'link', path);
  const name = fieldPath(path);
  if (id === undefined && link === undefined) throw missing(`${name}['id'] or ${name}['link']`);
  if (id !== undefined && link !== undefined) throw invalid(`Param ${name} must have either id or link, not both.`);
  if (id !== undefined) {
    if (!/^[0-9]{1,32}$/.test(id)) throw invalid(`Param ${name}['id'] must be a valid media id.`);
    mediaIds.push({ type, id });
  }
  if (link !== undefined) httpUrl(link, `${name}['link']`);
  if (value.caption !== undefined) {
    if (type === 'audio' || type === 'sticker') throw invalid(`Param ${name}['caption'] is not supported for ${type} messages.`);
    text(value, 'caption', path, { max: 1024 });
  }
  if (value.filename !== undefined) {
    if (type !== 'document') throw invalid(`Param ${name}['filename'] is only supported for document messages.`);
    text(value, 'filename', path, { max: 240 });
  }
}

function header(value: Json, path: Path, allowed: readonly string[], mediaIds: { type: MediaType; id: string }[]): void {
  const type = text(value, 'type', path, { required: true })!;
  if (!allowed.includes(type)) throw notValid(`Param ${fieldPath([...path, 'type'])} must be one of {${allowed.join(', ')}}.`);
  if (type === 'text') text(value, 'text', path, { required: true, max: 60 });
  else media(type as MediaType, object(value, type, path)!, [...path, type], mediaIds);
}

function interactive(value: Json, mediaIds: { type: MediaType; id: string }[]): void {
  const path: Path = ['interactive'];
  const type = text(value, 'type', path, { required: true })!;
  const body = () => text(object(value, 'body', path)!, 'text', [...path, 'body'], { required: true, max: 1024 });
  const footer = () => {
    const f = object(value, 'footer', path, false);
    if (f) text(f, 'text', [...path, 'footer'], { required: true, max: 60 });
  };
  const action = () => object(value, 'action', path)!;
  const ap: Path = [...path, 'action'];
  switch (type) {
    case 'button': {
      const h = object(value, 'header', path, false);
      if (h) header(h, [...path, 'header'], ['text', 'image', 'video', 'document'], mediaIds);
      body();
      footer();
      const buttons = list(action(), 'buttons', ap, { required: true, min: 1, max: 3 })!;
      const ids = new Set<string>();
      const titles = new Set<string>();
      buttons.forEach((b, i) => {
        const bp: Path = [...ap, 'buttons', i];
        if (!isObj(b)) throw invalid(`Param ${fieldPath(bp)} must be a JSON object.`);
        const t = text(b, 'type', bp, { required: true });
        if (t !== 'reply') throw notValid(`Param ${fieldPath([...bp, 'type'])} must be reply.`);
        const reply = object(b, 'reply', bp)!;
        const id = text(reply, 'id', [...bp, 'reply'], { required: true, max: 256 })!;
        const title = text(reply, 'title', [...bp, 'reply'], { required: true, max: 20 })!;
        if (ids.has(id) || titles.has(title)) throw notValid('Buttons must have unique ids and titles.');
        ids.add(id);
        titles.add(title);
      });
      return;
    }
    case 'list': {
      const h = object(value, 'header', path, false);
      if (h) header(h, [...path, 'header'], ['text'], mediaIds);
      body();
      footer();
      const a = action();
      text(a, 'button', ap, { required: true, max: 20 });
      const sections = list(a, 'sections', ap, { required: true, min: 1, max: 10 })!;
      let rows = 0;
      const rowIds = new Set<string>();
      sections.forEach((s, i) => {
        const sp: Path = [...ap, 'sections', i];
        if (!isObj(s)) throw invalid(`Param ${fieldPath(sp)} must be a JSON object.`);
        text(s, 'title', sp, { required: sections.length > 1, max: 24 });
        const r = list(s, 'rows', sp, { required: true, min: 1, max: 10 })!;
        r.forEach((row, j) => {
          const rp: Path = [...sp, 'rows', j];
          if (!isObj(row)) throw invalid(`Param ${fieldPath(rp)} must be a JSON object.`);
          const id = text(row, 'id', rp, { required: true, max: 200 })!;
          text(row, 'title', rp, { required: true, max: 24 });
          text(row, 'description', rp, { max: 72 });
          if (rowIds.has(id)) throw notValid('Rows must have unique ids.');
          rowIds.add(id);
        });
        rows += r.length;
      });
      if (rows > 10) throw notValid(`A list message can have at most 10 rows in all its sections (got ${rows}).`);
      return;
    }
    case 'cta_url': {
      const h = object(value, 'header', path, false);
      if (h) header(h, [...path, 'header'], ['text', 'image', 'video', 'document'], mediaIds);
      body();
      footer();
      const a = action();
      if (text(a, 'name', ap, { required: true }) !== 'cta_url') throw notValid(`Param ${fieldPath([...ap, 'name'])} must be cta_url.`);
      const p = object(a, 'parameters', ap)!;
      text(p, 'display_text', [...ap, 'parameters'], { required: true, max: 20 });
      httpUrl(text(p, 'url', [...ap, 'parameters'], { required: true })!, fieldPath([...ap, 'parameters', 'url']));
      return;
    }
    case 'flow': {
      body();
      footer();
      const a = action();
      if (text(a, 'name', ap, { required: true }) !== 'flow') throw notValid(`Param ${fieldPath([...ap, 'name'])} must be flow.`);
      const p = object(a, 'parameters', ap)!;
      const pp: Path = [...ap, 'parameters'];
      if (String(get(p, 'flow_message_version', pp, true)) !== '3') throw notValid(`Param ${fieldPath([...pp, 'flow_message_version'])} must be 3.`);
      text(p, 'flow_cta', pp, { required: true, max: 30 });
      if (p.flow_id === undefined && p.flow_name === undefined) throw missing(`${fieldPath([...pp, 'flow_id'])} or ${fieldPath([...pp, 'flow_name'])}`);
      return;
    }
    case 'location_request_message': {
      body();
      if (text(action(), 'name', ap, { required: true }) !== 'send_location') throw notValid(`Param ${fieldPath([...ap, 'name'])} must be send_location.`);
      return;
    }
    default:
      throw notValid(`Param interactive['type'] must be one of {button, list, cta_url, flow, location_request_message} (got ${type.slice(0, 40)}).`);
  }
}

const PARAM_TYPES = ['text', 'currency', 'date_time', 'image', 'video', 'document', 'location', 'payload', 'coupon_code', 'action'];

function templateParams(parameters: unknown[], path: Path, mediaIds: { type: MediaType; id: string }[]): TemplateParam[] {
  return parameters.map((p, i) => {
    const pp: Path = [...path, i];
    if (!isObj(p)) throw invalid(`Param ${fieldPath(pp)} must be a JSON object.`);
    const type = text(p, 'type', pp, { required: true })!;
    if (!PARAM_TYPES.includes(type)) throw notValid(`Param ${fieldPath([...pp, 'type'])} must be one of {${PARAM_TYPES.join(', ')}}.`);
    const name = text(p, 'parameter_name', pp, { max: 100 });
    switch (type) {
      case 'text':
        text(p, 'text', pp, { required: true, max: 32768 });
        break;
      case 'payload':
        text(p, 'payload', pp, { required: true, max: 1000 });
        break;
      case 'coupon_code':
        text(p, 'coupon_code', pp, { required: true, max: 15 });
        break;
      case 'currency': {
        const c = object(p, 'currency', pp)!;
        text(c, 'fallback_value', [...pp, 'currency'], { required: true });
        text(c, 'code', [...pp, 'currency'], { required: true, max: 3 });
        const amount = get(c, 'amount_1000', [...pp, 'currency'], true);
        if (!Number.isSafeInteger(amount)) throw invalid(`Param ${fieldPath([...pp, 'currency', 'amount_1000'])} must be an integer.`);
        break;
      }
      case 'date_time':
        text(object(p, 'date_time', pp)!, 'fallback_value', [...pp, 'date_time'], { required: true });
        break;
      case 'image':
      case 'video':
      case 'document':
        media(type, object(p, type, pp)!, [...pp, type], mediaIds);
        break;
      case 'location': {
        const l = object(p, 'location', pp)!;
        number(l, 'latitude', [...pp, 'location'], -90, 90);
        number(l, 'longitude', [...pp, 'location'], -180, 180);
        break;
      }
      case 'action':
        object(p, 'action', pp);
        break;
    }
    return { type, ...(name !== undefined ? { name } : {}), value: p };
  });
}

function template(value: Json, mediaIds: { type: MediaType; id: string }[]): NonNullable<Extract<ValidatedSend, { kind: 'message' }>['template']> {
  const path: Path = ['template'];
  const name = text(value, 'name', path, { required: true, max: 512 })!;
  const language = object(value, 'language', path)!;
  const code = text(language, 'code', [...path, 'language'], { required: true, max: 15 })!;
  const policy = text(language, 'policy', [...path, 'language']);
  if (policy !== undefined && policy !== 'deterministic') throw notValid(`Param template['language']['policy'] must be deterministic.`);
  const components = (list(value, 'components', path) ?? []).map((c, i): TemplateComponentCall => {
    const cp: Path = [...path, 'components', i];
    if (!isObj(c)) throw invalid(`Param ${fieldPath(cp)} must be a JSON object.`);
    const type = text(c, 'type', cp, { required: true })!.toLowerCase();
    if (type !== 'header' && type !== 'body' && type !== 'button') throw notValid(`Param ${fieldPath([...cp, 'type'])} must be one of {header, body, button}.`);
    const parameters = templateParams(list(c, 'parameters', cp, { required: type === 'button' && c.sub_type !== 'quick_reply' }) ?? [], [...cp, 'parameters'], mediaIds);
    if (type !== 'button') return { type, parameters };
    const subType = text(c, 'sub_type', cp, { required: true })!.toLowerCase();
    if (!['quick_reply', 'url', 'copy_code', 'catalog', 'flow', 'voice_call', 'mpm'].includes(subType)) throw notValid(`Param ${fieldPath([...cp, 'sub_type'])} is not a valid button sub_type.`);
    const rawIndex = get(c, 'index', cp, true);
    const index = typeof rawIndex === 'number' ? rawIndex : Number(rawIndex);
    if (!Number.isInteger(index) || index < 0 || index > 9) throw notValid(`Param ${fieldPath([...cp, 'index'])} must be between 0 and 9.`);
    return { type, subType, index, parameters };
  });
  return { name, language: code, components };
}

/** Validates a send body; throws SimGraphError with Meta's code and details. */
export function validateSend(body: unknown): ValidatedSend {
  if (!isObj(body)) throw missing('messaging_product');
  const product = get(body, 'messaging_product', [], true);
  if (product !== 'whatsapp') throw invalid('Param messaging_product must be whatsapp.');

  if (body.status !== undefined) {
    if (body.status !== 'read') throw notValid('Param status must be read.');
    const messageId = text(body, 'message_id', [], { required: true, max: 200 })!;
    const typing = object(body, 'typing_indicator', [], false);
    if (typing && text(typing, 'type', ['typing_indicator'], { required: true }) !== 'text') throw notValid(`Param typing_indicator['type'] must be text.`);
    return { kind: 'read', messageId, typing: Boolean(typing) };
  }

  const recipientType = text(body, 'recipient_type', []);
  if (recipientType !== undefined && recipientType !== 'individual') {
    throw notValid(recipientType === 'group' ? 'Groups are not enabled for this phone number.' : 'Param recipient_type must be individual.');
  }
  const input = text(body, 'to', [], { required: true })!;
  const waId = normalizeRecipient(input);
  if (!waId) throw invalid('Param to must be a phone number in international format.');

  const rawType = get(body, 'type', []) ?? 'text';
  if (typeof rawType !== 'string') throw invalid('Param type must be a string.');
  if (!(MESSAGE_TYPES as readonly string[]).includes(rawType)) throw new SimGraphError(131051, 'Unsupported message type.');
  const type = rawType as MessageType;

  const bizOpaque = text(body, 'biz_opaque_callback_data', [], { max: 512 });
  const context = object(body, 'context', [], false);
  const contextId = context ? text(context, 'message_id', ['context'], { required: true, max: 200 }) : undefined;

  const mediaIds: { type: MediaType; id: string }[] = [];
  let tpl: ReturnType<typeof template> | undefined;
  switch (type) {
    case 'text': {
      const t = object(body, 'text', [])!;
      text(t, 'body', ['text'], { required: true, max: 4096 });
      const preview = t.preview_url;
      if (preview !== undefined && typeof preview !== 'boolean') throw invalid(`Param text['preview_url'] must be a boolean.`);
      break;
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      media(type, object(body, type, [])!, [type], mediaIds);
      break;
    case 'location': {
      const l = object(body, 'location', [])!;
      number(l, 'latitude', ['location'], -90, 90);
      number(l, 'longitude', ['location'], -180, 180);
      text(l, 'name', ['location'], { max: 1000 });
      text(l, 'address', ['location'], { max: 1000 });
      break;
    }
    case 'contacts': {
      const contacts = list(body, 'contacts', [], { required: true, min: 1, max: 257 })!;
      contacts.forEach((c, i) => {
        if (!isObj(c)) throw invalid(`Param contacts[${i}] must be a JSON object.`);
        const name = object(c, 'name', ['contacts', i])!;
        text(name, 'formatted_name', ['contacts', i, 'name'], { required: true, max: 1000 });
        for (const key of ['phones', 'emails', 'urls', 'addresses']) list(c, key, ['contacts', i]);
      });
      break;
    }
    case 'reaction': {
      const r = object(body, 'reaction', [])!;
      text(r, 'message_id', ['reaction'], { required: true, max: 200 });
      const emoji = get(r, 'emoji', ['reaction'], true);
      if (typeof emoji !== 'string') throw invalid(`Param reaction['emoji'] must be a string.`);
      // One emoji (possibly with modifiers and joiners), or "" to remove the reaction.
      if (emoji !== '' && (emoji.length > 16 || /[\p{L}\p{N}\s]/u.test(emoji.replace(/[\u{1F1E6}-\u{1F1FF}]/gu, '')))) {
        throw invalid(`Param reaction['emoji'] must be a single emoji.`);
      }
      break;
    }
    case 'interactive':
      interactive(object(body, 'interactive', [])!, mediaIds);
      break;
    case 'template':
      tpl = template(object(body, 'template', [])!, mediaIds);
      break;
  }
  return {
    kind: 'message',
    type,
    input,
    waId,
    mediaIds,
    ...(tpl ? { template: tpl } : {}),
    ...(bizOpaque !== undefined ? { bizOpaque } : {}),
    ...(contextId !== undefined ? { contextId } : {}),
  };
}
