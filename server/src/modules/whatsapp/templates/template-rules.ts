import { isTemplateLanguage } from './template-languages.js';

/**
 * Meta's rules for message templates, checked before anything reaches Meta: the create rules (name,
 * language, category, header / body / footer / buttons and their variable examples), the variables of
 * a text, and what a stored template expects of a send (see template-params.ts). Pure functions over
 * Meta's own component objects; every problem is reported with a field path the form can point at
 * (`body.text`, `buttons[1].url`, …), all at once rather than the first only.
 */

export const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof CATEGORIES)[number];
export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
export type ParameterFormat = (typeof PARAMETER_FORMATS)[number];
export const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];
export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP'] as const;
export const OTP_TYPES = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'] as const;

/** Meta's limits (WhatsApp Business Platform, "Template components"). */
export const LIMITS = {
  name: 512,
  headerText: 60,
  body: 1024,
  footer: 60,
  buttons: 10,
  urlButtons: 2,
  phoneButtons: 1,
  copyCodeButtons: 1,
  buttonText: 25,
  url: 2000,
  phoneNumber: 20,
  couponCode: 15,
  example: 200,
  codeExpirationMinutes: 90,
} as const;

export interface TemplateIssue {
  field: string;
  message: string;
}

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A template as stored: Meta's components plus what decides how they are read. */
export interface TemplateShape {
  category: string;
  parameterFormat: ParameterFormat;
  components: Json[];
}

export interface TemplateDefinition extends TemplateShape {
  name: string;
  language: string;
  category: TemplateCategory;
}

// ---- variables ------------------------------------------------------------------------------------

const VARIABLE = /\{\{([^{}]*)\}\}/g;
const POSITIONAL = /^[1-9][0-9]{0,2}$/;
const NAMED = /^[a-z][a-z0-9_]{0,99}$/;

export interface TextVariables {
  /** Distinct variable keys in order of first appearance (`1`, `2` or `first_name`). */
  keys: string[];
  /** Tokens between braces that are not variables of this format, and stray braces. */
  malformed: string[];
}

/** The variables of a text; `{{ 1 }}`, `{{Name}}`, `{{1}` and friends are reported as malformed. */
export function variablesOf(text: string, format: ParameterFormat): TextVariables {
  const keys: string[] = [];
  const malformed: string[] = [];
  const valid = format === 'NAMED' ? NAMED : POSITIONAL;
  for (const m of text.matchAll(VARIABLE)) {
    const key = m[1]!;
    if (valid.test(key)) {
      if (!keys.includes(key)) keys.push(key);
    } else malformed.push(m[0]);
  }
  const rest = text.replace(VARIABLE, '');
  if (rest.includes('{{') || rest.includes('}}')) malformed.push(rest.includes('{{') ? '{{' : '}}');
  const triple = /\{{3,}|\}{3,}/.exec(text);
  if (triple) malformed.push(triple[0]);
  return { keys, malformed };
}

/** Every `{{…}}` token, valid or not; for rendering texts whatever their state. */
export const VARIABLE_TOKEN = VARIABLE;

// ---- text checks ----------------------------------------------------------------------------------

// Control characters other than newline, and bidirectional overrides, which would disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const EMOJI = /\p{Extended_Pictographic}/u;
export const charCount = (s: string) => [...s].length;

interface TextRules {
  max: number;
  required: boolean;
  newlines: boolean;
}

function checkText(issues: TemplateIssue[], field: string, value: unknown, label: string, rules: TextRules): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (rules.required) issues.push({ field, message: `Enter the ${label}.` });
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.push({ field, message: `The ${label} must be text.` });
    return undefined;
  }
  if (!value.trim()) {
    issues.push({ field, message: `The ${label} cannot be only spaces.` });
    return undefined;
  }
  if (BAD_CHARS.test(value)) issues.push({ field, message: `The ${label} contains control characters or direction overrides.` });
  if (!rules.newlines && /[\r\n]/.test(value)) issues.push({ field, message: `The ${label} cannot contain line breaks.` });
  const n = charCount(value);
  if (n > rules.max) issues.push({ field, message: `The ${label} can be at most ${rules.max} characters (it has ${n}).` });
  return value;
}

/** Checks variables of a header or body text; answers their keys. */
function checkVariables(issues: TemplateIssue[], field: string, text: string, format: ParameterFormat, where: string): string[] {
  const { keys, malformed } = variablesOf(text, format);
  for (const token of new Set(malformed)) {
    issues.push({
      field,
      message:
        format === 'NAMED'
          ? `${token} is not a valid variable: named variables look like {{first_name}} (lower-case letters, digits and underscores, starting with a letter).`
          : `${token} is not a valid variable: variables look like {{1}}, {{2}}, … with no spaces.`,
    });
  }
  if (format === 'POSITIONAL') {
    keys.forEach((k, i) => {
      if (k !== String(i + 1)) issues.push({ field, message: `Variables in the ${where} must be numbered {{1}}, {{2}}, … in order of appearance (found {{${k}}} where {{${i + 1}}} was expected).` });
    });
  }
  if (/\}\}\s*\{\{/.test(text)) issues.push({ field, message: `Put words or punctuation between variables in the ${where}: Meta rejects variables next to each other.` });
  return keys;
}

function checkExampleValue(issues: TemplateIssue[], field: string, value: unknown, label: string): void {
  if (typeof value !== 'string' || !value.trim()) {
    issues.push({ field, message: `Give a sample value for ${label}.` });
    return;
  }
  if (/[\r\n\t]/.test(value) || BAD_CHARS.test(value)) issues.push({ field, message: `The sample for ${label} cannot contain line breaks, tabs or control characters.` });
  if (value.includes('{{') || value.includes('}}')) issues.push({ field, message: `The sample for ${label} cannot contain variables.` });
  if (charCount(value) > LIMITS.example) issues.push({ field, message: `The sample for ${label} can be at most ${LIMITS.example} characters.` });
}

/**
 * Example values for the variables `keys` of a header or body. Positional: `header_text: [v]`,
 * `body_text: [[v1, v2, …]]`; named: `<part>_text_named_params: [{param_name, example}]`.
 */
function checkExamples(issues: TemplateIssue[], field: string, component: Json, keys: string[], format: ParameterFormat, part: 'header' | 'body'): void {
  if (!keys.length) return;
  const example = isObj(component.example) ? component.example : {};
  const label = (k: string) => `{{${k}}}`;
  if (format === 'NAMED') {
    const key = `${part}_text_named_params`;
    const given = Array.isArray(example[key]) ? (example[key] as unknown[]) : [];
    const byName = new Map<string, unknown>();
    for (const g of given) {
      if (!isObj(g) || typeof g.param_name !== 'string') {
        issues.push({ field, message: `Each sample needs param_name and example.` });
        continue;
      }
      if (!keys.includes(g.param_name)) issues.push({ field, message: `There is a sample for {{${g.param_name.slice(0, 40)}}}, which the ${part} does not use.` });
      else if (byName.has(g.param_name)) issues.push({ field, message: `{{${g.param_name}}} has two samples.` });
      byName.set(g.param_name, g.example);
    }
    for (const k of keys) {
      if (!byName.has(k)) issues.push({ field, message: `Give a sample value for ${label(k)}: Meta reviews templates with their samples.` });
      else checkExampleValue(issues, field, byName.get(k), label(k));
    }
    return;
  }
  const raw = example[`${part}_text`];
  const values: unknown[] = part === 'header' ? (Array.isArray(raw) ? raw : []) : Array.isArray(raw) && Array.isArray(raw[0]) ? (raw[0] as unknown[]) : [];
  if (values.length > keys.length) issues.push({ field, message: `There are ${values.length} samples for ${keys.length} variable${keys.length === 1 ? '' : 's'}.` });
  keys.forEach((k, i) => {
    if (i >= values.length) issues.push({ field, message: `Give a sample value for ${label(k)}: Meta reviews templates with their samples.` });
    else checkExampleValue(issues, field, values[i], label(k));
  });
}

// ---- components -----------------------------------------------------------------------------------

const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : '');

function checkHeader(issues: TemplateIssue[], c: Json, format: ParameterFormat, category: string): Json {
  const headerFormat = upper(c.format);
  if (category === 'AUTHENTICATION') issues.push({ field: 'header', message: 'Authentication templates have no header.' });
  if (!(HEADER_FORMATS as readonly string[]).includes(headerFormat)) {
    issues.push({ field: 'header.format', message: 'The header must be text, an image, a video, a document or a location.' });
    return { type: 'HEADER', format: headerFormat };
  }
  if (headerFormat === 'TEXT') {
    const text = checkText(issues, 'header.text', c.text, 'header text', { max: LIMITS.headerText, required: true, newlines: false });
    if (text === undefined) return { type: 'HEADER', format: 'TEXT' };
    if (EMOJI.test(text)) issues.push({ field: 'header.text', message: 'A text header cannot contain emoji.' });
    if (/[*~`]/.test(text)) issues.push({ field: 'header.text', message: 'A text header cannot use formatting characters (* ~ `).' });
    const keys = checkVariables(issues, 'header.text', text, format, 'header');
    if (keys.length > 1) issues.push({ field: 'header.text', message: 'A text header can have at most one variable.' });
    checkExamples(issues, 'header.example', c, keys, format, 'header');
    const out: Json = { type: 'HEADER', format: 'TEXT', text };
    if (keys.length && isObj(c.example)) out.example = format === 'NAMED' ? { header_text_named_params: c.example.header_text_named_params } : { header_text: c.example.header_text };
    return out;
  }
  if (c.text !== undefined && c.text !== '') issues.push({ field: 'header.text', message: `A ${headerFormat.toLowerCase()} header has no text.` });
  if (headerFormat === 'LOCATION') return { type: 'HEADER', format: 'LOCATION' };
  // Meta reviews a media header with a sample file, uploaded first (Resumable Upload API) and named by its handle.
  const handles = isObj(c.example) && Array.isArray(c.example.header_handle) ? c.example.header_handle : [];
  const handle = handles[0];
  if (typeof handle !== 'string' || !handle.trim()) {
    issues.push({ field: 'header.example', message: `Give the handle of a sample ${headerFormat.toLowerCase()}: Meta reviews media headers with a sample file.` });
  } else if (handle.length > 1000 || BAD_CHARS.test(handle) || /\s/.test(handle)) {
    issues.push({ field: 'header.example', message: 'The sample media handle is not valid.' });
  }
  return { type: 'HEADER', format: headerFormat, example: { header_handle: [handle] } };
}

function checkBody(issues: TemplateIssue[], c: Json, format: ParameterFormat, category: string): Json {
  if (category === 'AUTHENTICATION') {
    // Meta writes authentication bodies itself: "<code> is your verification code." (+ a security line).
    if (c.text !== undefined && c.text !== '') issues.push({ field: 'body.text', message: 'Meta writes the text of authentication templates; leave the body text empty.' });
    if (c.add_security_recommendation !== undefined && typeof c.add_security_recommendation !== 'boolean') {
      issues.push({ field: 'body.add_security_recommendation', message: 'add_security_recommendation must be true or false.' });
    }
    return { type: 'BODY', ...(c.add_security_recommendation === true ? { add_security_recommendation: true } : {}) };
  }
  const text = checkText(issues, 'body.text', c.text, 'message body', { max: LIMITS.body, required: true, newlines: true });
  if (text === undefined) return { type: 'BODY' };
  const keys = checkVariables(issues, 'body.text', text, format, 'body');
  const trimmed = text.trim();
  if (keys.length && trimmed.startsWith('{{')) issues.push({ field: 'body.text', message: 'The body cannot start with a variable: Meta rejects it. Begin with a word, e.g. "Hi {{1}}".' });
  if (keys.length && trimmed.endsWith('}}')) issues.push({ field: 'body.text', message: 'The body cannot end with a variable: Meta rejects it. End with a word or a full stop.' });
  checkExamples(issues, 'body.example', c, keys, format, 'body');
  const out: Json = { type: 'BODY', text };
  if (keys.length && isObj(c.example)) out.example = format === 'NAMED' ? { body_text_named_params: c.example.body_text_named_params } : { body_text: c.example.body_text };
  return out;
}

function checkFooter(issues: TemplateIssue[], c: Json, category: string): Json {
  if (category === 'AUTHENTICATION') {
    if (c.text !== undefined && c.text !== '') issues.push({ field: 'footer.text', message: 'Meta writes the footer of authentication templates; give code_expiration_minutes instead.' });
    const minutes = c.code_expiration_minutes;
    if (minutes === undefined) return { type: 'FOOTER' };
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.codeExpirationMinutes) {
      issues.push({ field: 'footer.code_expiration_minutes', message: `The code expiry must be 1 to ${LIMITS.codeExpirationMinutes} minutes.` });
    }
    return { type: 'FOOTER', code_expiration_minutes: minutes };
  }
  const text = checkText(issues, 'footer.text', c.text, 'footer', { max: LIMITS.footer, required: true, newlines: false });
  if (text !== undefined && /\{\{|\}\}/.test(text)) issues.push({ field: 'footer.text', message: 'The footer cannot have variables.' });
  return { type: 'FOOTER', text };
}

const PHONE = /^\+?[1-9][0-9]{6,18}$/;
const PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const SIGNATURE_HASH = /^[A-Za-z0-9+/=]{11}$/;

function checkButton(issues: TemplateIssue[], b: unknown, i: number, category: string): Json | null {
  const field = `buttons[${i}]`;
  if (!isObj(b)) {
    issues.push({ field, message: 'Each button must be an object.' });
    return null;
  }
  const type = upper(b.type);
  if (!(BUTTON_TYPES as readonly string[]).includes(type)) {
    issues.push({ field: `${field}.type`, message: `Button ${i + 1}: the type must be quick reply, website (URL), phone number, copy code or one-time password.` });
    return null;
  }
  if (type === 'OTP') {
    if (category !== 'AUTHENTICATION') issues.push({ field: `${field}.type`, message: 'One-time-password buttons are only for authentication templates.' });
    const otpType = upper(b.otp_type);
    if (!(OTP_TYPES as readonly string[]).includes(otpType)) issues.push({ field: `${field}.otp_type`, message: 'The one-time-password button must be copy code, one-tap or zero-tap.' });
    const out: Json = { type: 'OTP', otp_type: otpType };
    if (b.text !== undefined) out.text = checkText(issues, `${field}.text`, b.text, `text of button ${i + 1}`, { max: LIMITS.buttonText, required: false, newlines: false });
    if (otpType === 'ONE_TAP' || otpType === 'ZERO_TAP') {
      const apps = Array.isArray(b.supported_apps) ? b.supported_apps : [];
      if (!apps.length || apps.length > 5) issues.push({ field: `${field}.supported_apps`, message: 'One-tap and zero-tap buttons need 1 to 5 Android apps (package name and signature hash).' });
      for (const app of apps) {
        if (!isObj(app) || typeof app.package_name !== 'string' || !PACKAGE.test(app.package_name) || app.package_name.length > 224) {
          issues.push({ field: `${field}.supported_apps`, message: 'Each app needs a package name such as com.example.app.' });
        } else if (typeof app.signature_hash !== 'string' || !SIGNATURE_HASH.test(app.signature_hash)) {
          issues.push({ field: `${field}.supported_apps`, message: 'Each app needs its 11-character signature hash.' });
        }
      }
      out.supported_apps = apps;
      if (otpType === 'ZERO_TAP') {
        if (b.zero_tap_terms_accepted !== true) issues.push({ field: `${field}.zero_tap_terms_accepted`, message: 'Zero-tap buttons need Meta’s zero-tap terms accepted.' });
        out.zero_tap_terms_accepted = b.zero_tap_terms_accepted === true;
      }
    }
    return out;
  }
  if (category === 'AUTHENTICATION') {
    issues.push({ field: `${field}.type`, message: 'Authentication templates have only a one-time-password button.' });
    return null;
  }
  if (type === 'COPY_CODE') {
    if (category !== 'MARKETING') issues.push({ field: `${field}.type`, message: 'Copy-code (coupon) buttons are only for marketing templates.' });
    const example = b.example;
    if (typeof example !== 'string' || !example.trim()) issues.push({ field: `${field}.example`, message: 'Give a sample coupon code.' });
    else if (charCount(example) > LIMITS.couponCode || /\s/.test(example)) issues.push({ field: `${field}.example`, message: `A coupon code is one word of at most ${LIMITS.couponCode} characters.` });
    return { type: 'COPY_CODE', example };
  }
  const text = checkText(issues, `${field}.text`, b.text, `text of button ${i + 1}`, { max: LIMITS.buttonText, required: true, newlines: false });
  if (text !== undefined && /\{\{|\}\}/.test(text)) issues.push({ field: `${field}.text`, message: `Button ${i + 1}: button texts cannot have variables.` });
  if (type === 'QUICK_REPLY') return { type, text };
  if (type === 'PHONE_NUMBER') {
    const phone = typeof b.phone_number === 'string' ? b.phone_number.replace(/[\s()-]/g, '') : '';
    if (!PHONE.test(phone)) issues.push({ field: `${field}.phone_number`, message: `Button ${i + 1}: give the phone number with its country code, e.g. +919876543210.` });
    return { type, text, phone_number: phone };
  }
  // URL
  const url = checkText(issues, `${field}.url`, b.url, `web address of button ${i + 1}`, { max: LIMITS.url, required: true, newlines: false });
  const out: Json = { type, text, url };
  if (url === undefined) return out;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url.replace(VARIABLE, 'x'));
  } catch {
    parsed = null;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname.includes('.')) {
    issues.push({ field: `${field}.url`, message: `Button ${i + 1}: give a full web address starting with https://.` });
  }
  const { keys, malformed } = variablesOf(url, 'POSITIONAL');
  if (malformed.length || keys.length > 1 || (keys.length === 1 && (keys[0] !== '1' || !url.endsWith('{{1}}')))) {
    issues.push({ field: `${field}.url`, message: `Button ${i + 1}: a web address can have one variable, {{1}}, at its very end.` });
  } else if (keys.length === 1) {
    const ex = Array.isArray(b.example) ? b.example[0] : b.example;
    checkExampleValue(issues, `${field}.example`, ex, `the web address of button ${i + 1}`);
    if (typeof ex === 'string' && /\s/.test(ex)) issues.push({ field: `${field}.example`, message: `Button ${i + 1}: the sample cannot contain spaces.` });
    out.example = [ex];
  }
  return out;
}

function checkButtons(issues: TemplateIssue[], c: Json, category: string): Json {
  const raw = c.buttons;
  if (!Array.isArray(raw) || !raw.length) {
    issues.push({ field: 'buttons', message: 'Add at least one button, or remove the buttons.' });
    return { type: 'BUTTONS', buttons: [] };
  }
  if (raw.length > LIMITS.buttons) issues.push({ field: 'buttons', message: `A template can have at most ${LIMITS.buttons} buttons.` });
  const buttons = raw.slice(0, LIMITS.buttons).map((b, i) => checkButton(issues, b, i, category));
  const valid = buttons.filter((b): b is Json => b !== null);
  const count = (type: string) => valid.filter((b) => b.type === type).length;
  if (count('URL') > LIMITS.urlButtons) issues.push({ field: 'buttons', message: `A template can have at most ${LIMITS.urlButtons} website buttons.` });
  if (count('PHONE_NUMBER') > LIMITS.phoneButtons) issues.push({ field: 'buttons', message: 'A template can have one phone-number button.' });
  if (count('COPY_CODE') > LIMITS.copyCodeButtons) issues.push({ field: 'buttons', message: 'A template can have one copy-code button.' });
  if (count('OTP') > 1) issues.push({ field: 'buttons', message: 'An authentication template has exactly one one-time-password button.' });
  // Meta shows quick replies and call-to-action buttons as two groups: they may not be interleaved.
  const kinds = valid.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'c')).join('');
  if (/q+c+q|c+q+c/.test(kinds)) issues.push({ field: 'buttons', message: 'Keep the quick-reply buttons together, before or after the other buttons.' });
  const texts = valid.map((b) => (typeof b.text === 'string' ? b.text.trim().toLowerCase() : null)).filter((t): t is string => !!t);
  if (new Set(texts).size !== texts.length) issues.push({ field: 'buttons', message: 'Two buttons have the same text.' });
  return { type: 'BUTTONS', buttons: valid };
}

export interface DraftInput {
  name?: unknown;
  language?: unknown;
  category?: unknown;
  parameterFormat?: unknown;
  components?: unknown;
}

export type DraftResult = { ok: true; value: TemplateDefinition; issues: [] } | { ok: false; issues: TemplateIssue[]; components: Json[] };

/**
 * Checks a template the way Meta's create endpoint and review would, and answers Meta's request
 * components (types upper-case, in the order header, body, footer, buttons) or every problem found.
 */
export function validateTemplateDraft(input: DraftInput): DraftResult {
  const issues: TemplateIssue[] = [];
  const name = typeof input.name === 'string' ? input.name : '';
  if (!name) issues.push({ field: 'name', message: 'Enter a name for the template.' });
  else if (name.length > LIMITS.name) issues.push({ field: 'name', message: `The name can be at most ${LIMITS.name} characters.` });
  else if (!/^[a-z0-9_]+$/.test(name)) issues.push({ field: 'name', message: 'The name can only have lower-case letters, digits and underscores, e.g. order_update.' });
  const language = typeof input.language === 'string' ? input.language : '';
  if (!isTemplateLanguage(language)) issues.push({ field: 'language', message: language ? `${language.slice(0, 20)} is not a language Meta offers for templates.` : 'Choose the language.' });
  const category = upper(input.category);
  if (!(CATEGORIES as readonly string[]).includes(category)) issues.push({ field: 'category', message: 'Choose marketing, utility or authentication.' });
  const parameterFormat = (input.parameterFormat === undefined ? 'POSITIONAL' : upper(input.parameterFormat)) as ParameterFormat;
  if (!(PARAMETER_FORMATS as readonly string[]).includes(parameterFormat)) issues.push({ field: 'parameterFormat', message: 'Variables are numbered (positional) or named.' });

  const raw = Array.isArray(input.components) ? input.components : [];
  const byType = new Map<string, Json>();
  for (const [i, c] of raw.entries()) {
    if (!isObj(c)) {
      issues.push({ field: `components[${i}]`, message: 'Each component must be an object.' });
      continue;
    }
    const type = upper(c.type);
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) issues.push({ field: `components[${i}].type`, message: 'A component is a header, body, footer or buttons.' });
    else if (byType.has(type)) issues.push({ field: type.toLowerCase(), message: `A template has one ${type.toLowerCase()}.` });
    else byType.set(type, c);
  }
  const out: Json[] = [];
  const header = byType.get('HEADER');
  if (header) out.push(checkHeader(issues, header, parameterFormat, category));
  const body = byType.get('BODY');
  if (body) out.push(checkBody(issues, body, parameterFormat, category));
  else issues.push({ field: 'body.text', message: 'A template needs a body.' });
  const footer = byType.get('FOOTER');
  if (footer) out.push(checkFooter(issues, footer, category));
  const buttons = byType.get('BUTTONS');
  if (buttons) out.push(checkButtons(issues, buttons, category));
  if (category === 'AUTHENTICATION' && !(buttons?.buttons as unknown[] | undefined)?.some((b) => isObj(b) && upper(b.type) === 'OTP')) {
    issues.push({ field: 'buttons', message: 'An authentication template needs a one-time-password button.' });
  }
  if (issues.length) return { ok: false, issues, components: out };
  return { ok: true, issues: [], value: { name, language, category: category as TemplateCategory, parameterFormat, components: out } };
}

/** A component of a stored template by type. */
export function componentOf(components: readonly Json[], type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS'): Json | undefined {
  return components.find((c) => upper(c.type) === type);
}

/** The buttons of a stored template, in order (their index is what a send names). */
export function buttonsOf(components: readonly Json[]): Json[] {
  const b = componentOf(components, 'BUTTONS')?.buttons;
  return Array.isArray(b) ? b.filter(isObj) : [];
}

/** The text Meta shows for an authentication body (Meta's own wording), when the stored component has none. */
export function authenticationBody(c: Json | undefined): string {
  return `*{{1}}* is your verification code.${c?.add_security_recommendation === true ? ' For your security, do not share this code.' : ''}`;
}

export function authenticationFooter(c: Json | undefined): string | null {
  const m = c?.code_expiration_minutes;
  return typeof m === 'number' ? `This code expires in ${m} minutes.` : null;
}
