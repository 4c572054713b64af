import type { ParameterFormat, TemplateCategory, TemplateComponent, TemplateDraft } from '../../../api/whatsapp-templates';

/** The create form's state, and the Meta components it stands for (checked and rendered by the server). */

export type HeaderFormat = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
export const HEADER_FORMATS: readonly HeaderFormat[] = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
export type ButtonKind = 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE';
export const BUTTON_KINDS: readonly ButtonKind[] = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'];
export const MAX_BUTTONS = 10;

export interface ButtonDraft {
  key: number;
  type: ButtonKind;
  text: string;
  url: string;
  phone: string;
  example: string;
}

export interface FormState {
  numberId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  headerFormat: HeaderFormat;
  headerText: string;
  headerHandle: string;
  bodyText: string;
  footerText: string;
  /** Samples by `header:<key>` / `body:<key>`. */
  examples: Record<string, string>;
  buttons: ButtonDraft[];
  securityRecommendation: boolean;
  expiryMinutes: string;
  otpText: string;
}

export const initialState = (numberId: string): FormState => ({
  numberId,
  name: '',
  language: 'en',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  headerFormat: 'NONE',
  headerText: '',
  headerHandle: '',
  bodyText: '',
  footerText: '',
  examples: {},
  buttons: [],
  securityRecommendation: true,
  expiryMinutes: '10',
  otpText: '',
});

const VARIABLE = /\{\{([^{}]*)\}\}/g;

/** The variables a text uses, in order, as the form offers sample inputs for them. */
export function variablesIn(text: string, format: ParameterFormat): string[] {
  const valid = format === 'NAMED' ? /^[a-z][a-z0-9_]*$/ : /^[0-9]+$/;
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (valid.test(m[1]!) && !out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** What people type into a name becomes Meta's form of it: "Order Update" → "order_update". */
export const toTemplateName = (typed: string) => typed.toLowerCase().replace(/[\s-]+/g, '_');

function examplesFor(s: FormState, part: 'header' | 'body', text: string): Record<string, unknown> | undefined {
  const keys = variablesIn(text, s.parameterFormat);
  if (!keys.length) return undefined;
  const value = (k: string) => s.examples[`${part}:${k}`] ?? '';
  if (s.parameterFormat === 'NAMED') return { [`${part}_text_named_params`]: keys.map((k) => ({ param_name: k, example: value(k) })) };
  return part === 'header' ? { header_text: keys.map(value) } : { body_text: [keys.map(value)] };
}

function button(b: ButtonDraft): Record<string, unknown> {
  switch (b.type) {
    case 'URL':
      return { type: 'URL', text: b.text, url: b.url, ...(variablesIn(b.url, 'POSITIONAL').length ? { example: [b.example] } : {}) };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: b.example };
    default:
      return { type: 'QUICK_REPLY', text: b.text };
  }
}

export function toDraft(s: FormState): TemplateDraft {
  const components: TemplateComponent[] = [];
  if (s.category === 'AUTHENTICATION') {
    components.push({ type: 'BODY', add_security_recommendation: s.securityRecommendation });
    const minutes = Number(s.expiryMinutes);
    // Out-of-range values still go to the server, whose rule names the allowed range.
    if (s.expiryMinutes.trim() && Number.isFinite(minutes)) components.push({ type: 'FOOTER', code_expiration_minutes: Math.max(-9999, Math.min(9999, Math.trunc(minutes))) });
    components.push({ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', ...(s.otpText.trim() ? { text: s.otpText } : {}) }] });
  } else {
    if (s.headerFormat === 'TEXT') {
      const example = examplesFor(s, 'header', s.headerText);
      components.push({ type: 'HEADER', format: 'TEXT', text: s.headerText, ...(example ? { example } : {}) });
    } else if (s.headerFormat === 'LOCATION') components.push({ type: 'HEADER', format: 'LOCATION' });
    else if (s.headerFormat !== 'NONE') components.push({ type: 'HEADER', format: s.headerFormat, example: { header_handle: [s.headerHandle] } });
    const example = examplesFor(s, 'body', s.bodyText);
    components.push({ type: 'BODY', text: s.bodyText, ...(example ? { example } : {}) });
    if (s.footerText) components.push({ type: 'FOOTER', text: s.footerText });
    if (s.buttons.length) components.push({ type: 'BUTTONS', buttons: s.buttons.map(button) });
  }
  return {
    ...(s.name ? { name: s.name } : {}),
    ...(s.language ? { language: s.language } : {}),
    category: s.category,
    parameterFormat: s.parameterFormat,
    components,
  };
}
