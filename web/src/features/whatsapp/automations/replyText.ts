import type { Reply } from '../../../api/whatsapp-automations';
import type { Template } from '../../../api/whatsapp-templates';

/** Helpers for showing and filling automated replies (pure). */

export interface TemplateVariables {
  format: 'POSITIONAL' | 'NAMED';
  /** The body's variables in order: "1", "2" … or names. */
  names: string[];
}

/** The body variables of a template ({{1}} or {{name}}); header and button variables are not filled here. */
export function templateVariables(tpl: Pick<Template, 'components' | 'parameterFormat'>): TemplateVariables {
  const body = tpl.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  const text = typeof body?.text === 'string' ? body.text : '';
  const names: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) if (!names.includes(m[1]!)) names.push(m[1]!);
  if (tpl.parameterFormat === 'POSITIONAL') names.sort((a, b) => Number(a) - Number(b));
  return { format: tpl.parameterFormat, names };
}

type TemplateReply = Extract<Reply, { type: 'template' }>;

/** The body values a template reply carries, in order. */
export function templateValues(reply: TemplateReply): string[] {
  const body = reply.components?.find((c) => c.type === 'body') as { parameters?: { text?: string }[] } | undefined;
  return (body?.parameters ?? []).map((p) => p.text ?? '');
}

/** The template reply with its body parameters set to `values`. */
export function withVariables(reply: TemplateReply, vars: TemplateVariables, values: string[]): TemplateReply {
  const parameters = vars.names.map((name, i) => ({ type: 'text', text: values[i] ?? '', ...(vars.format === 'NAMED' ? { parameter_name: name } : {}) }));
  return { ...reply, components: parameters.length ? [{ type: 'body', parameters }] : [] };
}

/** One line describing a reply, for lists. */
export function replyLine(reply: Reply, t: (key: string, o?: Record<string, unknown>) => string): string {
  switch (reply.type) {
    case 'text':
      return reply.text;
    case 'media':
      return `${t(`waAutomations.reply.media.${reply.mediaType}`)}: ${reply.caption ?? reply.filename ?? reply.link ?? reply.mediaId ?? ''}`;
    case 'buttons':
      return `${reply.body} [${reply.buttons.map((b) => b.title).join(' | ')}]`;
    case 'list':
      return `${reply.body} [${reply.button}]`;
    case 'template':
      return `${t('waAutomations.reply.types.template')}: ${reply.name} (${reply.language})`;
  }
}
