import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { acceptUploads } from '../../platform/uploads/index.js';
import { DraftBody, KindParams, KycDocument, KycView, OwnKycView, QueueItem, QueueQuery, RejectBody, StaffKycView, UserIdParams } from './kyc.schemas.js';
import type { KycService } from './kyc.service.js';

const tags = ['kyc'];
const staffTags = ['kyc review'];
const uploadErrors = { 413: Type.Ref('ErrorResponse'), 415: Type.Ref('ErrorResponse'), 422: Type.Ref('ErrorResponse'), 503: Type.Ref('ErrorResponse') };
const STAFF = ['operator', 'admin'] as const;

export const kycRoutes: FastifyPluginAsyncTypebox<{ kyc: KycService; maxUploadBytes: number }> = async (app, { kyc, maxUploadBytes }) => {
  // Multipart bodies are parsed only by the routes of this plugin.
  await acceptUploads(app as never, maxUploadBytes);

  const own = async (userId: string) => ({ ...(await kyc.view(userId, userId)), requiredDocuments: kyc.requiredDocuments(), uploadLimits: kyc.uploadLimits() });

  app.get(
    '/api/kyc',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your KYC: details, documents (with short-lived links) and status', response: { 200: OwnKycView, ...errorResponses } } },
    async (request) => own(userActor(request).userId),
  );

  app.put(
    '/api/kyc',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Save KYC details as a draft (only the last four Aadhaar digits are kept)',
        body: DraftBody,
        response: { 200: OwnKycView, ...errorResponses },
      },
    },
    async (request) => {
      const actor = userActor(request);
      await kyc.saveDraft(actor, request.body, requestMeta(request));
      return own(actor.userId);
    },
  );

  app.post(
    '/api/kyc/documents/:kind',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Upload a KYC document (multipart/form-data, one file: PDF, JPEG, PNG or WebP; photo: images only); replaces the previous one of this kind',
        consumes: ['multipart/form-data'],
        params: KindParams,
        response: { 201: Type.Object({ document: KycDocument }), ...errorResponses, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const document = await kyc.uploadDocument(userActor(request), request.params.kind, request, requestMeta(request));
      return reply.status(201).send({ document });
    },
  );

  app.delete(
    '/api/kyc/documents/:kind',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Remove a draft document', params: KindParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await kyc.deleteDocument(userActor(request), request.params.kind, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/kyc/submit',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Submit KYC for review (again, after a rejection)', response: { 200: OwnKycView, ...errorResponses } } },
    async (request) => {
      const actor = userActor(request);
      await kyc.submit(actor, requestMeta(request));
      return own(actor.userId);
    },
  );

  app.get(
    '/api/staff/kyc',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'The review queue, oldest first', querystring: QueueQuery, response: { 200: Type.Object({ items: Type.Array(QueueItem), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => {
      const { items, total } = await kyc.queue(request.query);
      return {
        items: items.map((i) => ({
          userId: i.user_id,
          name: i.name,
          email: i.email,
          state: i.state,
          submittedAt: i.submitted_at?.toISOString() ?? null,
          reviewedAt: i.reviewed_at?.toISOString() ?? null,
          submissionCount: i.submission_count,
          ageSeconds: i.age_seconds,
        })),
        total,
      };
    },
  );

  app.get(
    '/api/staff/kyc/:userId',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: "A customer's KYC for review (the view is recorded in the activity log)", params: UserIdParams, response: { 200: StaffKycView, ...errorResponses } },
    },
    async (request) => kyc.staffView(userActor(request), request.params.userId, requestMeta(request)),
  );

  app.post(
    '/api/staff/kyc/:userId/approve',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Approve a submitted KYC; the customer is notified per their preferences', params: UserIdParams, response: { 200: KycView, ...errorResponses } },
    },
    async (request) => kyc.approve(userActor(request), request.params.userId, requestMeta(request)),
  );

  app.post(
    '/api/staff/kyc/:userId/reject',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Reject a submitted KYC with a reason the customer sees', params: UserIdParams, body: RejectBody, response: { 200: KycView, ...errorResponses } },
    },
    async (request) => kyc.reject(userActor(request), request.params.userId, request.body.reason, requestMeta(request)),
  );
};
