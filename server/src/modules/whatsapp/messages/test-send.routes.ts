import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../../db/index.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { Strict, Uuid, errorResponses } from '../../../platform/schemas.js';
import type { GraphClient } from '../graph/graph-client.js';
import { accessTokenOf, findTenantNumber, type NumberRow } from '../numbers/numbers.repo.js';
import type { Keyring } from '../../../platform/encryption.js';
import { metaErrorAsV1 } from './meta-errors.js';
import { MetaRefusal, whatsappUnavailable, type SendService } from './send.service.js';
import { V1_ERRORS } from './v1-messages.schemas.js';

/**
 * "Send a test message" in the web app: a customer sends a text or a template from one of their
 * connected numbers, through the same send path as the API (consent, price, reserve, pacing), as
 * themselves (source `ui`, recorded in the activity log).
 */

const tags = ['whatsapp send'];
const perUser = (r: { signedIn: { userId: string } | null; ip: string }) => r.signedIn?.userId ?? r.ip;

const NumberItem = Type.Object({
  id: Uuid,
  label: Type.String(),
  phoneNumberId: Type.String(),
  displayPhoneNumber: Type.Union([Type.String(), Type.Null()]),
  verifiedName: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
});
const TemplateItem = Type.Object({
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  body: Type.String({ description: 'The body text with its {{variables}}.' }),
  parameterFormat: Type.String({ description: 'POSITIONAL ({{1}}, {{2}}) or NAMED ({{first_name}}).' }),
  variables: Type.Array(Type.String(), { description: 'The body variables in order.' }),
  hasHeaderVariables: Type.Boolean({ description: 'The header needs parameters (media or text) this form cannot give.' }),
});
const SendBody = Strict({
  numberId: Uuid,
  to: Type.String({ minLength: 5, maxLength: 40 }),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  template: Type.Optional(
    Strict({
      name: Type.String({ minLength: 1, maxLength: 512 }),
      language: Type.String({ minLength: 2, maxLength: 15 }),
      parameters: Type.Array(Strict({ name: Type.Optional(Type.String({ maxLength: 100 })), value: Type.String({ minLength: 1, maxLength: 1024 }) }), { maxItems: 20, default: [] }),
    }),
  ),
});
const SendResult = Type.Object({
  id: Uuid,
  status: Type.String(),
  wamid: Type.Union([Type.String(), Type.Null()]),
  waId: Type.String(),
  category: Type.String(),
  reservedPaise: Type.Integer(),
  note: Type.Optional(Type.String()),
});

function variablesOf(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

export const testSendRoutes: FastifyPluginAsyncTypebox<{ db: Db; graph: GraphClient | null; ring: Keyring; send: SendService }> = async (app, { db, graph, ring, send }) => {
  async function liveNumber(userId: string, id: string): Promise<NumberRow> {
    const n = await findTenantNumber(db, userId, id);
    if (!n || n.status === 'disconnected') throw notFound('Phone number');
    return n;
  }

  app.get(
    '/api/whatsapp/test-send/numbers',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your connected numbers that can send', response: { 200: Type.Object({ items: Type.Array(NumberItem) }), ...errorResponses } } },
    async (request) => {
      const rows = await db.query<NumberRow>(`SELECT * FROM wa_numbers WHERE tenant_id = $1 AND status <> 'disconnected' ORDER BY created_at DESC LIMIT 100`, [userActor(request).userId]);
      return {
        items: rows.map((n) => ({ id: n.id, label: n.label, phoneNumberId: n.phone_number_id, displayPhoneNumber: n.display_phone_number, verifiedName: n.verified_name, status: n.status })),
      };
    },
  );

  app.get(
    '/api/whatsapp/test-send/numbers/:id/templates',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'wa-test-send-templates', limit: 60, windowSeconds: 600, key: perUser }),
      schema: { tags, summary: "The number's approved templates, as WhatsApp lists them", params: Strict({ id: Uuid }), response: { 200: Type.Object({ items: Type.Array(TemplateItem) }), ...errorResponses, 503: Type.Ref('ErrorResponse') } },
    },
    async (request) => {
      const n = await liveNumber(userActor(request).userId, request.params.id);
      if (!graph) throw whatsappUnavailable('WhatsApp messaging is not configured');
      let list;
      try {
        list = await graph.listTemplates(n.waba_id, accessTokenOf(ring, n), { status: 'APPROVED', limit: 100 });
      } catch (err) {
        request.log.warn({ err }, 'template list for the test send failed');
        throw whatsappUnavailable('the templates could not be loaded');
      }
      return {
        items: list.data
          .filter((t) => String(t.status) === 'APPROVED')
          .map((t) => {
            const body = t.components.find((c) => c.type === 'BODY')?.text ?? '';
            const header = t.components.find((c) => c.type === 'HEADER');
            return {
              name: t.name,
              language: t.language,
              category: String(t.category),
              body,
              parameterFormat: t.parameter_format ?? 'POSITIONAL',
              variables: variablesOf(body),
              hasHeaderVariables: Boolean(header && (header.format && header.format !== 'TEXT' ? true : variablesOf(header.text ?? '').length > 0)),
            };
          }),
      };
    },
  );

  app.post(
    '/api/whatsapp/test-send',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'wa-test-send', limit: 30, windowSeconds: 600, key: perUser }),
      schema: {
        tags,
        summary: 'Send a test message (a text, or an approved template with its body parameters) from one of your numbers',
        body: SendBody,
        response: { 200: SendResult, 202: SendResult, ...V1_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const b = request.body;
      if (Boolean(b.text) === Boolean(b.template)) throw badRequest('validation_failed', 'Send either a text or a template.');
      const number = await liveNumber(actor.userId, b.numberId);
      const message = b.text
        ? { messaging_product: 'whatsapp', to: b.to, type: 'text', text: { body: b.text } }
        : {
            messaging_product: 'whatsapp',
            to: b.to,
            type: 'template',
            template: {
              name: b.template!.name,
              language: { code: b.template!.language },
              ...(b.template!.parameters.length
                ? { components: [{ type: 'body', parameters: b.template!.parameters.map((p) => ({ type: 'text', text: p.value, ...(p.name ? { parameter_name: p.name } : {}) })) }] }
                : {}),
            },
          };
      try {
        const outcome = await send.send({ tenantId: actor.userId, source: 'ui', apiKeyId: null, userId: actor.userId, actor, meta: requestMeta(request) }, number, message, { queueOnThroughput: true });
        if (outcome.kind === 'read') throw new Error('a test send is never a read receipt');
        const m = outcome.message;
        return reply.status(outcome.kind === 'accepted' ? 200 : 202).send({ id: m.id, status: m.status, wamid: m.wamid, waId: m.waId, category: m.category, reservedPaise: m.reservedPaise, ...(m.note ? { note: m.note } : {}) });
      } catch (err) {
        if (!(err instanceof MetaRefusal)) throw err;
        const r = metaErrorAsV1(err.info, String(request.id));
        return reply.status(r.status as 422).headers(r.headers).send(r.body);
      }
    },
  );
};
