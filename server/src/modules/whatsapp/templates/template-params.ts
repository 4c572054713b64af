import {
  LIMITS,
  VARIABLE_TOKEN,
  authenticationBody,
  authenticationFooter,
  buttonsOf,
  charCount,
  componentOf,
  isObj,
  variablesOf,
  type Json,
  type TemplateShape,
} from './template-rules.js';

/**
 * What a stored template expects of a send, the check of a send's `template.components` against it
 * (so Meta's 132000 parameter-count, 132012 format and 131008 missing-button-parameter errors never
 * happen), and the rendering of a template with its variables filled — for previews and message logs.
 */

export type HeaderKind = 'none' | 'text' | 'image' | 'video' | 'document' | 'location';

export interface ButtonExpectation {
  index: number;
  /** Meta's button type (URL, QUICK_REPLY, COPY_CODE, OTP, PHONE_NUMBER, …). */
  type: string;
  /** The `sub_type` a send names this button by. */
  subType: string;
  /** The parameter the send gives, if any. */
  param: 'text' | 'payload' | 'coupon_code' | 'action' | null;
  required: boolean;
}

export interface ParameterExpectation {
  header: { kind: HeaderKind; keys: string[] };
  body: { keys: string[] };
  buttons: ButtonExpectation[];
}

const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : '');

/** The parameters a send of this template must carry, per component. */
export function expectedParameters(t: TemplateShape): ParameterExpectation {
  const header = componentOf(t.components, 'HEADER');
  const format = upper(header?.format);
  let headerPart: ParameterExpectation['header'] = { kind: 'none', keys: [] };
  if (format === 'TEXT') headerPart = { kind: 'text', keys: variablesOf(String(header?.text ?? ''), t.parameterFormat).keys };
  else if (['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format)) headerPart = { kind: format.toLowerCase() as HeaderKind, keys: [] };

  const body = componentOf(t.components, 'BODY');
  const bodyText = typeof body?.text === 'string' ? body.text : upper(t.category) === 'AUTHENTICATION' ? authenticationBody(body) : '';
  const buttons = buttonsOf(t.components).map((b, index): ButtonExpectation => {
    const type = upper(b.type);
    switch (type) {
      case 'URL': {
        const dynamic = typeof b.url === 'string' && variablesOf(b.url, 'POSITIONAL').keys.length > 0;
        return { index, type, subType: 'url', param: dynamic ? 'text' : null, required: dynamic };
      }
      case 'OTP':
        // An authentication send carries the code as the url button's text, whatever the otp_type.
        return { index, type, subType: 'url', param: 'text', required: true };
      case 'COPY_CODE':
        return { index, type, subType: 'copy_code', param: 'coupon_code', required: true };
      case 'QUICK_REPLY':
        return { index, type, subType: 'quick_reply', param: 'payload', required: false };
      case 'FLOW':
        return { index, type, subType: 'flow', param: 'action', required: false };
      default:
        return { index, type, subType: type.toLowerCase(), param: null, required: false };
    }
  });
  return { header: headerPart, body: { keys: variablesOf(bodyText, t.parameterFormat).keys }, buttons };
}

export interface ParamIssue {
  /** count: a component has the wrong number of parameters (Meta 132000 / 131008); invalid: a wrong kind or value. */
  kind: 'count' | 'invalid';
  field: string;
  message: string;
}

/** Values to fill a template with: per part, variable key → text; buttons by index. */
export interface FillValues {
  header: Record<string, string>;
  headerMedia?: { kind: string; link?: string; id?: string } | undefined;
  body: Record<string, string>;
  buttons: Record<number, string>;
}

const plural = (n: number) => `${n} parameter${n === 1 ? '' : 's'}`;

function textOf(p: Json): string | undefined {
  if (typeof p.text === 'string') return p.text;
  for (const k of ['currency', 'date_time'] as const) {
    const inner = p[k];
    if (isObj(inner) && typeof inner.fallback_value === 'string') return inner.fallback_value;
  }
  return undefined;
}

/** Meta refuses text parameters with line breaks, tabs or more than four spaces in a row. */
function checkParamText(issues: ParamIssue[], field: string, value: string | undefined, max: number): void {
  if (value === undefined || !value.trim()) {
    issues.push({ kind: 'invalid', field, message: `${field}: the parameter text is empty.` });
    return;
  }
  if (/[\n\r\t]/.test(value) || / {5,}/.test(value)) issues.push({ kind: 'invalid', field, message: `${field}: parameter text cannot contain line breaks, tabs or more than four spaces in a row.` });
  if (charCount(value) > max) issues.push({ kind: 'invalid', field, message: `${field}: the parameter is longer than ${max} characters.` });
}

/** Checks text parameters against variable keys; fills `into` with what was given. */
function checkTextParams(issues: ParamIssue[], part: 'header' | 'body', keys: string[], params: Json[], named: boolean, into: Record<string, string>): void {
  if (params.length !== keys.length) {
    issues.push({ kind: 'count', field: part, message: `${part} expects ${plural(keys.length)}${keys.length ? ` (${keys.map((k) => `{{${k}}}`).join(', ')})` : ''}, got ${params.length}.` });
    return;
  }
  const allowed = part === 'header' ? ['text'] : ['text', 'currency', 'date_time'];
  const seen = new Set<string>();
  params.forEach((p, i) => {
    const field = `${part}.parameters[${i}]`;
    if (!allowed.includes(String(p.type))) {
      issues.push({ kind: 'invalid', field, message: `${field}: expected type ${allowed.join(' or ')}, got ${String(p.type).slice(0, 20)}.` });
      return;
    }
    if (p.type === 'currency' && (!isObj(p.currency) || typeof p.currency.code !== 'string' || !/^[A-Z]{3}$/.test(p.currency.code) || !Number.isInteger(p.currency.amount_1000))) {
      issues.push({ kind: 'invalid', field, message: `${field}: a currency needs fallback_value, a three-letter code and amount_1000.` });
    }
    const value = textOf(p);
    checkParamText(issues, field, value, part === 'header' ? LIMITS.headerText : LIMITS.body);
    let key = keys[i]!;
    if (named) {
      const name = p.parameter_name;
      if (typeof name !== 'string' || !keys.includes(name)) {
        issues.push({ kind: 'invalid', field, message: `${field}: parameter_name must be one of ${keys.join(', ')}${typeof name === 'string' ? ` (got ${name.slice(0, 40)})` : ''}.` });
        return;
      }
      if (seen.has(name)) issues.push({ kind: 'invalid', field, message: `${field}: ${name} is given twice.` });
      seen.add(name);
      key = name;
    }
    if (value !== undefined) into[key] = value;
  });
}

const MEDIA_KINDS = ['image', 'video', 'document'];

/** The send's `components` checked against the template; the values it gives, for rendering. */
export function checkSendParameters(t: TemplateShape, components: unknown): { issues: ParamIssue[]; values: FillValues } {
  const issues: ParamIssue[] = [];
  const values: FillValues = { header: {}, body: {}, buttons: {} };
  const expect = expectedParameters(t);
  const named = t.parameterFormat === 'NAMED';
  if (components !== undefined && components !== null && !Array.isArray(components)) {
    issues.push({ kind: 'invalid', field: 'components', message: 'components must be a list.' });
    return { issues, values };
  }
  const calls = ((components as unknown[] | undefined) ?? []).filter((c, i) => {
    if (isObj(c)) return true;
    issues.push({ kind: 'invalid', field: `components[${i}]`, message: `components[${i}] must be an object.` });
    return false;
  }) as Json[];
  const ofType = (type: string) => calls.filter((c) => String(c.type).toLowerCase() === type);
  for (const [i, c] of calls.entries()) {
    if (!['header', 'body', 'button'].includes(String(c.type).toLowerCase())) issues.push({ kind: 'invalid', field: `components[${i}].type`, message: `components[${i}]: type must be header, body or button.` });
    if (c.parameters !== undefined && !Array.isArray(c.parameters)) issues.push({ kind: 'invalid', field: `components[${i}].parameters`, message: `components[${i}]: parameters must be a list.` });
  }
  const paramsOf = (c: Json | undefined): Json[] => (Array.isArray(c?.parameters) ? (c.parameters as unknown[]).filter(isObj) : []);
  for (const part of ['header', 'body'] as const) if (ofType(part).length > 1) issues.push({ kind: 'invalid', field: part, message: `Give the ${part} once.` });

  const headerParams = paramsOf(ofType('header')[0]);
  if (expect.header.kind === 'none' || expect.header.kind === 'text') {
    checkTextParams(issues, 'header', expect.header.keys, headerParams, named, values.header);
  } else if (headerParams.length !== 1) {
    issues.push({ kind: 'count', field: 'header', message: `header expects 1 parameter (the ${expect.header.kind}), got ${headerParams.length}.` });
  } else {
    const p = headerParams[0]!;
    const kind = expect.header.kind;
    if (p.type !== kind) issues.push({ kind: 'invalid', field: 'header.parameters[0]', message: `header: expected a ${kind}, got ${String(p.type).slice(0, 20)}.` });
    else if (MEDIA_KINDS.includes(kind)) {
      const media = p[kind];
      const link = isObj(media) && typeof media.link === 'string' ? media.link : undefined;
      const id = isObj(media) && typeof media.id === 'string' ? media.id : undefined;
      if (!link === !id) issues.push({ kind: 'invalid', field: 'header.parameters[0]', message: `header: the ${kind} needs either an id or a link.` });
      else if (link !== undefined && !/^https?:\/\/\S+$/.test(link)) issues.push({ kind: 'invalid', field: 'header.parameters[0]', message: `header: the ${kind} link must be an http(s) address.` });
      values.headerMedia = { kind, ...(link ? { link } : {}), ...(id ? { id } : {}) };
    } else {
      const loc = p.location;
      const lat = isObj(loc) ? loc.latitude : undefined;
      const lng = isObj(loc) ? loc.longitude : undefined;
      if (typeof lat !== 'number' || typeof lng !== 'number' || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
        issues.push({ kind: 'invalid', field: 'header.parameters[0]', message: 'header: the location needs latitude and longitude.' });
      }
      values.headerMedia = { kind: 'location' };
    }
  }

  checkTextParams(issues, 'body', expect.body.keys, paramsOf(ofType('body')[0]), named, values.body);

  const given = new Map<number, Json>();
  for (const c of ofType('button')) {
    const rawIndex = c.index;
    const index = typeof rawIndex === 'number' ? rawIndex : typeof rawIndex === 'string' && /^[0-9]{1,2}$/.test(rawIndex) ? Number(rawIndex) : NaN;
    const field = `buttons[${Number.isInteger(index) ? index : '?'}]`;
    if (!Number.isInteger(index)) {
      issues.push({ kind: 'invalid', field, message: 'A button component needs its index (0 for the first button).' });
      continue;
    }
    if (given.has(index)) {
      issues.push({ kind: 'invalid', field, message: `${field}: the button is given twice.` });
      continue;
    }
    given.set(index, c);
    const need = expect.buttons[index];
    if (!need) {
      issues.push({ kind: 'invalid', field, message: `${field}: the template has ${expect.buttons.length} button${expect.buttons.length === 1 ? '' : 's'}, none at index ${index}.` });
      continue;
    }
    if (String(c.sub_type).toLowerCase() !== need.subType) {
      issues.push({ kind: 'invalid', field, message: `${field}: the button is ${need.type}, so sub_type must be ${need.subType}.` });
      continue;
    }
    const params = paramsOf(c);
    const want = need.param === null ? 0 : 1;
    if (params.length > want || (need.required && params.length < want)) {
      issues.push({ kind: 'count', field, message: `${field} (${need.type}) expects ${plural(want)}, got ${params.length}.` });
      continue;
    }
    const p = params[0];
    if (!p || need.param === null) continue;
    if (p.type !== need.param) {
      issues.push({ kind: 'invalid', field, message: `${field}: expected a ${need.param} parameter, got ${String(p.type).slice(0, 20)}.` });
      continue;
    }
    const value = typeof p[need.param] === 'string' ? (p[need.param] as string) : undefined;
    if (need.param === 'coupon_code' || need.type === 'OTP') {
      if (!value || charCount(value) > LIMITS.couponCode || /\s/.test(value)) issues.push({ kind: 'invalid', field, message: `${field}: the code must be one word of at most ${LIMITS.couponCode} characters.` });
    } else if (need.param === 'text') {
      checkParamText(issues, field, value, LIMITS.url);
    } else if (need.param === 'payload' && (value === undefined || charCount(value) > 1000)) {
      issues.push({ kind: 'invalid', field, message: `${field}: the payload must be text of at most 1000 characters.` });
    }
    if (value !== undefined) values.buttons[index] = value;
  }
  for (const need of expect.buttons) {
    if (need.required && !given.has(need.index)) {
      issues.push({ kind: 'count', field: `buttons[${need.index}]`, message: `buttons[${need.index}] (${need.type}) expects 1 parameter, got none: add {"type":"button","sub_type":"${need.subType}","index":"${need.index}","parameters":[…]}.` });
    }
  }

  if (!issues.length) {
    // The text as the person reads it must still fit (Meta 132005).
    const r = renderTemplate(t, values);
    if (r.header?.text !== undefined && charCount(r.header.text) > LIMITS.headerText) issues.push({ kind: 'invalid', field: 'header', message: `The header with its parameters is longer than ${LIMITS.headerText} characters.` });
    if (charCount(r.body) > LIMITS.body) issues.push({ kind: 'invalid', field: 'body', message: `The body with its parameters is longer than ${LIMITS.body} characters.` });
  }
  return { issues, values };
}

export interface RenderedTemplate {
  header: { format: string; text?: string; media?: { kind: string; link?: string; id?: string } } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string; url?: string; phoneNumber?: string; code?: string }[];
  /** Header, body and footer as plain text, as a message log shows it. */
  text: string;
}

/** The samples a template was submitted with: what a preview fills in where no value is given. */
export function exampleValues(t: TemplateShape): FillValues {
  const out: FillValues = { header: {}, body: {}, buttons: {} };
  const named = t.parameterFormat === 'NAMED';
  for (const part of ['header', 'body'] as const) {
    const c = componentOf(t.components, part === 'header' ? 'HEADER' : 'BODY');
    const ex = isObj(c?.example) ? c.example : {};
    if (named) {
      const list = ex[`${part}_text_named_params`];
      if (Array.isArray(list)) for (const p of list) if (isObj(p) && typeof p.param_name === 'string' && typeof p.example === 'string') out[part][p.param_name] = p.example;
    } else {
      const raw = ex[`${part}_text`];
      const list = part === 'header' ? raw : Array.isArray(raw) ? raw[0] : undefined;
      if (Array.isArray(list)) list.forEach((v, i) => typeof v === 'string' && (out[part][String(i + 1)] = v));
    }
  }
  buttonsOf(t.components).forEach((b, i) => {
    const ex = Array.isArray(b.example) ? b.example[0] : b.example;
    if (typeof ex === 'string') out.buttons[i] = ex;
  });
  return out;
}

function fill(text: string, values: Record<string, string>, fallback: Record<string, string>): string {
  return text.replace(VARIABLE_TOKEN, (token, key: string) => values[key] ?? fallback[key] ?? token);
}

/** The template as its recipient sees it: given values first, then the submitted samples, else `{{n}}`. */
export function renderTemplate(t: TemplateShape, given?: FillValues): RenderedTemplate {
  const samples = exampleValues(t);
  const v = given ?? { header: {}, body: {}, buttons: {} };
  const isAuth = upper(t.category) === 'AUTHENTICATION';

  const h = componentOf(t.components, 'HEADER');
  let header: RenderedTemplate['header'] = null;
  if (h) {
    const format = upper(h.format) || 'TEXT';
    header = format === 'TEXT' ? { format, text: fill(String(h.text ?? ''), v.header, samples.header) } : { format, ...(v.headerMedia ? { media: v.headerMedia } : {}) };
  }
  const b = componentOf(t.components, 'BODY');
  const bodyText = typeof b?.text === 'string' ? b.text : isAuth ? authenticationBody(b) : '';
  const body = fill(bodyText, v.body, isAuth ? { 1: v.buttons[0] ?? '123456', ...samples.body } : samples.body);
  const f = componentOf(t.components, 'FOOTER');
  const footer = f ? (typeof f.text === 'string' ? f.text : authenticationFooter(f)) : null;

  const buttons = buttonsOf(t.components).map((btn, i) => {
    const type = upper(btn.type);
    const value = v.buttons[i] ?? samples.buttons[i];
    const text = typeof btn.text === 'string' && btn.text ? btn.text : type === 'COPY_CODE' ? 'Copy offer code' : type === 'OTP' ? 'Copy code' : type;
    const out: RenderedTemplate['buttons'][number] = { type, text };
    if (type === 'URL' && typeof btn.url === 'string') {
      // A sample may be the whole address (as Meta's docs show it) or only the variable's value.
      out.url = value && /^https?:\/\//.test(value) && !v.buttons[i] ? value : btn.url.replace(VARIABLE_TOKEN, (token) => (value !== undefined ? encodeURIComponent(value) : token));
    }
    if (type === 'PHONE_NUMBER' && typeof btn.phone_number === 'string') out.phoneNumber = btn.phone_number;
    if ((type === 'COPY_CODE' || type === 'OTP') && value !== undefined) out.code = value;
    return out;
  });
  const text = [header?.text, body, footer].filter((s): s is string => !!s).join('\n\n');
  return { header, body, footer, buttons, text };
}
