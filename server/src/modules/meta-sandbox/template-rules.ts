import { SimGraphError, invalid, notValid } from './sim-errors.js';
import type { TemplateComponentCall } from './message-rules.js';

/**
 * Templates in the simulator: the check of a create request (POST /{waba-id}/message_templates),
 * the review that later approves or rejects it, and the check of a template send against the stored
 * template: exists in that language (132001), approved (paused 132015, disabled 132016), the right
 * number of parameters per component (132000), parameters of the right kind (132012), button
 * parameters where the template needs them (131008). Pure functions, unit-tested.
 */

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type ParameterFormat = 'POSITIONAL' | 'NAMED';

export interface StoredTemplate {
  id: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: string;
  parameter_format: ParameterFormat;
  components: Record<string, unknown>[];
  quality_pacing: boolean;
}

export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: Record<string, unknown>[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of a text, in order of first appearance. */
export function variablesOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

function str(v: unknown, name: string, max: number, required = true): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw invalid(`${name} is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || (required && v.trim() === '')) throw invalid(`${name} must be a non-empty string.`);
  if ([...v].length > max) throw invalid(`${name} must be at most ${max} characters long.`);
  return v;
}

/** Positional variables must be {{1}}, {{2}}, … in order; named ones lower-case words. */
function checkVariables(vars: string[], format: ParameterFormat, where: string): void {
  if (format === 'POSITIONAL') {
    vars.forEach((v, i) => {
      if (v !== String(i + 1)) throw invalid(`${where}: variables must be {{1}}, {{2}}, … in sequence (found {{${v}}}).`);
    });
  } else {
    for (const v of vars) if (!/^[a-z][a-z0-9_]*$/.test(v)) throw invalid(`${where}: named variables must be lower-case letters, digits and underscores (found {{${v}}}).`);
  }
}

function checkExample(component: Json, vars: string[], format: ParameterFormat, kind: 'header' | 'body'): void {
  if (!vars.length) return;
  const example = isObj(component.example) ? component.example : undefined;
  const key = format === 'NAMED' ? `${kind}_text_named_params` : `${kind}_text`;
  const values = example?.[key];
  if (!Array.isArray(values) || !values.length) throw invalid(`${kind.toUpperCase()}: example.${key} is required for a ${kind} with variables.`);
}

const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL'];

/** Validates a create request the way Meta does; answers the draft to store. */
export function validateTemplateCreate(body: unknown): TemplateDraft {
  if (!isObj(body)) throw invalid('The request body must be a JSON object.');
  const name = str(body.name, 'name', 512)!;
  if (!/^[a-z0-9_]+$/.test(name)) throw invalid('name can only contain lower-case letters, digits and underscores.');
  const language = str(body.language, 'language', 15)!;
  if (!/^[a-z]{2,3}(_[A-Z]{2,4})?$/.test(language)) throw invalid(`language must be a language code such as en or en_US (got ${language}).`);
  const category = body.category;
  if (category !== 'MARKETING' && category !== 'UTILITY' && category !== 'AUTHENTICATION') throw invalid('category must be one of MARKETING, UTILITY, AUTHENTICATION.');
  const parameterFormat = body.parameter_format ?? 'POSITIONAL';
  if (parameterFormat !== 'POSITIONAL' && parameterFormat !== 'NAMED') throw invalid('parameter_format must be POSITIONAL or NAMED.');
  if (!Array.isArray(body.components) || !body.components.length) throw invalid('components is required.');
  if (body.components.length > 10) throw notValid('A template has at most one header, body, footer and buttons component.');

  const seen = new Set<string>();
  const components: Json[] = [];
  for (const raw of body.components) {
    if (!isObj(raw)) throw invalid('Each component must be a JSON object.');
    const type = typeof raw.type === 'string' ? raw.type.toUpperCase() : '';
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) throw invalid(`component type must be HEADER, BODY, FOOTER or BUTTONS (got ${String(raw.type).slice(0, 30)}).`);
    if (seen.has(type)) throw notValid(`A template can have only one ${type} component.`);
    seen.add(type);
    const c: Json = { ...raw, type };
    if (type === 'HEADER') {
      const format = typeof raw.format === 'string' ? raw.format.toUpperCase() : '';
      if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format)) throw invalid('HEADER: format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.');
      c.format = format;
      if (format === 'TEXT') {
        const text = str(raw.text, 'HEADER: text', 60)!;
        const vars = variablesOf(text);
        if (vars.length > 1) throw invalid('HEADER: a text header can have at most one variable.');
        checkVariables(vars, parameterFormat, 'HEADER');
        checkExample(raw, vars, parameterFormat, 'header');
      }
    } else if (type === 'BODY') {
      if (category === 'AUTHENTICATION') {
        // Meta writes authentication bodies itself (CONTRACT §5: preset text with the code as {{1}}).
        c.text = `*{{1}}* is your verification code.${raw.add_security_recommendation === true ? ' For your security, do not share this code.' : ''}`;
      } else {
        const text = str(raw.text, 'BODY: text', 1024)!;
        const vars = variablesOf(text);
        checkVariables(vars, parameterFormat, 'BODY');
        checkExample(raw, vars, parameterFormat, 'body');
      }
    } else if (type === 'FOOTER') {
      if (category === 'AUTHENTICATION' && raw.code_expiration_minutes !== undefined) {
        const minutes = raw.code_expiration_minutes;
        if (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > 90) throw invalid('FOOTER: code_expiration_minutes must be between 1 and 90.');
        c.text = `This code expires in ${minutes as number} minutes.`;
      } else {
        const text = str(raw.text, 'FOOTER: text', 60)!;
        if (variablesOf(text).length) throw invalid('FOOTER: a footer cannot have variables.');
      }
    } else {
      if (!Array.isArray(raw.buttons) || !raw.buttons.length) throw invalid('BUTTONS: buttons is required.');
      if (raw.buttons.length > 10) throw notValid('BUTTONS: a template can have at most 10 buttons.');
      let urls = 0;
      for (const b of raw.buttons) {
        if (!isObj(b) || typeof b.type !== 'string' || !BUTTON_TYPES.includes(b.type)) throw invalid(`BUTTONS: button type must be one of ${BUTTON_TYPES.join(', ')}.`);
        if (b.type === 'OTP') {
          if (category !== 'AUTHENTICATION') throw invalid('BUTTONS: OTP buttons are only for AUTHENTICATION templates.');
          if (!['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(String(b.otp_type))) throw invalid('BUTTONS: otp_type must be COPY_CODE, ONE_TAP or ZERO_TAP.');
          continue;
        }
        str(b.text, 'BUTTONS: text', 25);
        if (b.type === 'URL') {
          urls++;
          const url = str(b.url, 'BUTTONS: url', 2000)!;
          if (!/^https?:\/\//.test(url)) throw invalid('BUTTONS: url must be an http(s) URL.');
          const vars = variablesOf(url);
          if (vars.length > 1 || (vars.length === 1 && !url.trimEnd().endsWith('}}'))) throw invalid('BUTTONS: a URL button can have one variable, at the end of the URL.');
          if (vars.length && (!Array.isArray(b.example) || !b.example.length)) throw invalid('BUTTONS: example is required for a URL with a variable.');
        }
        if (b.type === 'PHONE_NUMBER') str(b.phone_number, 'BUTTONS: phone_number', 20);
      }
      if (urls > 2) throw notValid('BUTTONS: a template can have at most 2 URL buttons.');
    }
    components.push(c);
  }
  if (!seen.has('BODY')) throw invalid('components: a BODY component is required.');
  return { name, language, category, parameterFormat, components };
}

export type ReviewResult =
  | { status: 'APPROVED'; reason: 'NONE' }
  | { status: 'REJECTED'; reason: 'INVALID_FORMAT'; rejectionInfo: { reason: string; recommendation: string } };

/** Meta's review, reduced to one well-known rule: variables next to each other are rejected. */
export function reviewTemplate(components: Record<string, unknown>[]): ReviewResult {
  for (const c of components) {
    if (typeof c.text === 'string' && /\}\}\s*\{\{/.test(c.text)) {
      return {
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        rejectionInfo: {
          reason: 'Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.',
          recommendation: 'Separate parameters with descriptive text and ensure each parameter is clearly contextualized.',
        },
      };
    }
  }
  return { status: 'APPROVED', reason: 'NONE' };
}

/** Where a send matches no usable template. */
export function templateUnusable(t: StoredTemplate | undefined, name: string, language: string): SimGraphError | null {
  if (!t) return new SimGraphError(132001, `template name (${name}) does not exist in ${language}`);
  if (t.status === 'PAUSED') return new SimGraphError(132015, `Template ${name} is paused because of low quality.`);
  if (t.status === 'DISABLED') return new SimGraphError(132016, `Template ${name} is disabled because of low quality.`);
  if (t.status !== 'APPROVED') return new SimGraphError(132001, `template name (${name}) does not exist in ${language}`);
  return null;
}

interface ButtonNeed {
  type: string;
  /** The call's sub_type this button answers to. */
  subType: string;
  /** The parameter the call must (or may) give. */
  param: 'text' | 'coupon_code' | 'payload' | null;
  required: boolean;
}

function buttonNeeds(components: Record<string, unknown>[]): ButtonNeed[] {
  const buttons = components.find((c) => c.type === 'BUTTONS')?.buttons;
  if (!Array.isArray(buttons)) return [];
  return buttons.map((b: Json): ButtonNeed => {
    switch (b.type) {
      case 'URL': {
        const dynamic = typeof b.url === 'string' && variablesOf(b.url).length > 0;
        return { type: 'Url', subType: 'url', param: dynamic ? 'text' : null, required: dynamic };
      }
      case 'OTP':
        // Authentication sends carry the code as a url-button parameter, whatever the otp_type.
        return { type: 'Otp', subType: 'url', param: 'text', required: true };
      case 'COPY_CODE':
        return { type: 'CopyCode', subType: 'copy_code', param: 'coupon_code', required: true };
      case 'QUICK_REPLY':
        return { type: 'QuickReply', subType: 'quick_reply', param: 'payload', required: false };
      case 'FLOW':
        return { type: 'Flow', subType: 'flow', param: null, required: false };
      case 'CATALOG':
        return { type: 'Catalog', subType: 'catalog', param: null, required: false };
      default:
        return { type: String(b.type), subType: String(b.type).toLowerCase(), param: null, required: false };
    }
  });
}

const countError = (part: string, got: number, want: number) =>
  new SimGraphError(132000, `${part}: number of localizable_params (${got}) does not match the expected number of params (${want})`);

function textLength(p: Json): number {
  if (typeof p.text === 'string') return [...p.text].length;
  const inner = (p.currency ?? p.date_time) as Json | undefined;
  return typeof inner?.fallback_value === 'string' ? [...inner.fallback_value].length : 0;
}

/** Checks the parameters of a header or body call against the template's variables. */
function checkTextParams(part: 'header' | 'body', text: string, call: TemplateComponentCall | undefined, format: ParameterFormat, maxLength: number): void {
  const vars = variablesOf(text);
  const params = call?.parameters ?? [];
  if (params.length !== vars.length) throw countError(part, params.length, vars.length);
  for (const p of params) {
    const allowed = part === 'header' ? ['text'] : ['text', 'currency', 'date_time'];
    if (!allowed.includes(p.type)) throw new SimGraphError(132012, `${part}: Format mismatch, expected ${allowed.join(' or ')}, received ${p.type}`);
  }
  if (format === 'NAMED') {
    const names = params.map((p) => p.name);
    for (const n of names) {
      if (n === undefined) throw invalid(`${part}: every parameter of a template with named parameters needs parameter_name.`);
      if (!vars.includes(n)) throw invalid(`${part}: parameter_name "${n}" is not a parameter of this template.`);
    }
    if (new Set(names).size !== names.length) throw invalid(`${part}: a parameter_name is given twice.`);
  }
  // The text as the user would read it must still fit.
  const filled = text.replace(VARIABLE, '').length + params.reduce((n, p) => n + textLength(p.value), 0);
  if (filled > maxLength) throw new SimGraphError(132005, `${part}: the text with its parameters is longer than ${maxLength} characters.`);
}

/** Checks a template send's components against the stored template; throws SimGraphError. */
export function checkTemplateCall(t: StoredTemplate, calls: TemplateComponentCall[]): void {
  const byType = (type: string) => t.components.find((c) => c.type === type);
  const callsOf = (type: string) => calls.filter((c) => c.type === type);
  for (const type of ['header', 'body'] as const) if (callsOf(type).length > 1) throw notValid(`Only one ${type} component can be given.`);

  const header = byType('HEADER');
  const headerCall = callsOf('header')[0];
  if (!header || header.format === undefined) {
    if (headerCall?.parameters.length) throw countError('header', headerCall.parameters.length, 0);
  } else if (header.format === 'TEXT') {
    checkTextParams('header', String(header.text ?? ''), headerCall, t.parameter_format, 60);
  } else {
    const want = String(header.format).toLowerCase();
    const params = headerCall?.parameters ?? [];
    if (params.length !== 1) throw countError('header', params.length, 1);
    if (params[0]!.type !== want) throw new SimGraphError(132012, `header: Format mismatch, expected ${String(header.format)}, received ${params[0]!.type.toUpperCase()}`);
  }

  const body = byType('BODY');
  checkTextParams('body', String(body?.text ?? ''), callsOf('body')[0], t.parameter_format, 1024);

  const needs = buttonNeeds(t.components);
  const given = new Map<number, TemplateComponentCall>();
  for (const c of callsOf('button')) {
    const index = c.index ?? 0;
    if (given.has(index)) throw notValid(`buttons: the button at index ${index} is given twice.`);
    given.set(index, c);
    const need = needs[index];
    if (!need) throw notValid(`buttons: the template has no button at index ${index}.`);
    if (need.subType !== c.subType) throw notValid(`buttons: the button at index ${index} is ${need.type}, not ${c.subType}.`);
    const want = need.param === null ? 0 : 1;
    if (c.parameters.length > want || (need.required && c.parameters.length < want)) throw countError('buttons', c.parameters.length, want);
    const p = c.parameters[0];
    if (p && p.type !== need.param) throw new SimGraphError(132012, `buttons: Format mismatch, expected ${need.param}, received ${p.type}`);
  }
  needs.forEach((need, index) => {
    if (need.required && !given.has(index)) throw new SimGraphError(131008, `buttons: Button at index ${index} of type ${need.type} requires a parameter`);
  });
}
