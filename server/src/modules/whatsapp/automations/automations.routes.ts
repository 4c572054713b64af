import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import {
  KindParams,
  NumberParams,
  OrderBody,
  OverviewResponse,
  RuleBody,
  RuleParams,
  RulePatchBody,
  RuleResponse,
  RulesResponse,
  RunsQuery,
  RunsResponse,
  SettingsBody,
  SettingsResponse,
  SingleReplyBody,
  TestBody,
  TestResponse,
  asReply,
  automationErrors,
  toRuleDto,
  toRunDto,
  toSettingsDto,
} from './automations.schemas.js';
import type { AutomationsService } from './automations.service.js';

/**
 * Automations of one of the signed-in customer's numbers (the tenant is the signed-in account);
 * another tenant's number or rule answers 404. HTTP only: the rules are in the service.
 */

const tags = ['whatsapp automations'];
const SIGNED_IN = 'signed-in' as const;
const tenantOf = (request: FastifyRequest) => userActor(request).userId;
const perTenant = (r: FastifyRequest) => r.signedIn?.userId ?? r.ip;

export const automationRoutes: FastifyPluginAsyncTypebox<{ db: Db; automations: AutomationsService }> = async (app, { db, automations }) => {
  const writes = rateLimit(db, { name: 'wa-automation-write', limit: 300, windowSeconds: 600, key: perTenant });
  const base = '/api/whatsapp/automations/:numberId';

  app.get(
    base,
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'A number’s automations: settings, opening hours, replies and keyword rules', params: NumberParams, response: { 200: OverviewResponse, ...automationErrors } } },
    async (request) => {
      const o = await automations.overview(tenantOf(request), request.params.numberId);
      return {
        number: { id: o.number.id, label: o.number.label, displayPhoneNumber: o.number.display_phone_number, status: o.number.status },
        settings: toSettingsDto(o.settings),
        openNow: o.openNow,
        rules: o.rules.map(toRuleDto),
      };
    },
  );

  app.put(
    `${base}/settings`,
    {
      config: { access: SIGNED_IN },
      preHandler: writes,
      schema: { tags, summary: 'Switch automations on or off; time zone, weekly hours, holidays, away cooldown and flood limits', params: NumberParams, body: SettingsBody, response: { 200: SettingsResponse, ...automationErrors } },
    },
    async (request) => {
      const r = await automations.updateSettings(userActor(request), tenantOf(request), request.params.numberId, request.body, requestMeta(request));
      return { settings: toSettingsDto(r.settings), openNow: r.openNow };
    },
  );

  app.put(
    `${base}/replies/:kind`,
    {
      config: { access: SIGNED_IN },
      preHandler: writes,
      schema: { tags, summary: 'The welcome, away, opt-out or opt-in reply', params: KindParams, body: SingleReplyBody, response: { 200: RuleResponse, ...automationErrors } },
    },
    async (request) => {
      const { enabled, reply } = request.body;
      const rule = await automations.putSingle(userActor(request), tenantOf(request), request.params.numberId, request.params.kind, { enabled, reply: reply ? asReply(reply) : null }, requestMeta(request));
      return { rule: toRuleDto(rule) };
    },
  );

  app.post(
    `${base}/rules`,
    {
      config: { access: SIGNED_IN },
      preHandler: writes,
      schema: { tags, summary: 'Add a keyword rule (tried after the existing ones)', params: NumberParams, body: RuleBody, response: { 201: RuleResponse, ...automationErrors } },
    },
    async (request, reply) => {
      const b = request.body;
      const rule = await automations.createRule(userActor(request), tenantOf(request), request.params.numberId, { ...b, reply: b.reply ? asReply(b.reply) : null }, requestMeta(request));
      return reply.status(201).send({ rule: toRuleDto(rule) });
    },
  );

  app.put(
    `${base}/rules/order`,
    {
      config: { access: SIGNED_IN },
      preHandler: writes,
      schema: { tags, summary: 'Reorder the keyword rules: the first that matches fires', params: NumberParams, body: OrderBody, response: { 200: RulesResponse, ...automationErrors } },
    },
    async (request) => ({ rules: (await automations.reorder(userActor(request), tenantOf(request), request.params.numberId, request.body.ruleIds, requestMeta(request))).map(toRuleDto) }),
  );

  app.patch(
    `${base}/rules/:ruleId`,
    {
      config: { access: SIGNED_IN },
      preHandler: writes,
      schema: { tags, summary: 'Change a keyword rule, or switch it on or off', params: RuleParams, body: RulePatchBody, response: { 200: RuleResponse, ...automationErrors } },
    },
    async (request) => {
      const b = request.body;
      const rule = await automations.updateRule(userActor(request), tenantOf(request), request.params.numberId, request.params.ruleId, { ...b, reply: b.reply === undefined ? undefined : b.reply ? asReply(b.reply) : null }, requestMeta(request));
      return { rule: toRuleDto(rule) };
    },
  );

  app.delete(
    `${base}/rules/:ruleId`,
    { config: { access: SIGNED_IN }, preHandler: writes, schema: { tags, summary: 'Delete a keyword rule', params: RuleParams, response: { 204: Type.Null(), ...automationErrors } } },
    async (request, reply) => {
      await automations.deleteRule(userActor(request), tenantOf(request), request.params.numberId, request.params.ruleId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${base}/test`,
    {
      config: { access: SIGNED_IN },
      preHandler: rateLimit(db, { name: 'wa-automation-test', limit: 600, windowSeconds: 600, key: perTenant }),
      schema: { tags, summary: 'Which rule would fire for a message (nothing is sent)', params: NumberParams, body: TestBody, response: { 200: TestResponse, ...automationErrors } },
    },
    async (request) => automations.test(tenantOf(request), request.params.numberId, request.body),
  );

  app.get(
    `${base}/runs`,
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'Recent automation runs of the number: what fired, what was sent or skipped and why', params: NumberParams, querystring: RunsQuery, response: { 200: RunsResponse, ...automationErrors } } },
    async (request) => ({ items: (await automations.runs(tenantOf(request), request.params.numberId, request.query.limit)).map(toRunDto) }),
  );
};
