import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { acceptUploads } from '../../platform/uploads/index.js';
import {
  ApplicationDetail,
  ApplicationDocument,
  ApplicationSummary,
  AssignBody,
  CancelBody,
  CommentBody,
  CompleteBody,
  CreateBody,
  DocumentKeyParams,
  DraftBody,
  FormErrorResponse,
  IdParams,
  ListQuery,
  OutputParams,
  QueueItem,
  QueueQuery,
  RejectBody,
  RequestInfoBody,
  StaffCommentBody,
  StaffCreateBody,
  SubmitBody,
} from './applications.schemas.js';
import type { ApplicationsService } from './applications.service.js';

const tags = ['applications'];
const staffTags = ['applications work queue'];
const STAFF = ['operator', 'admin'] as const;
const One = Type.Object({ application: ApplicationDetail });
/** Routes that check answers: 400 details carry the form engine's rule codes and values. */
const answerErrors = { ...errorResponses, 400: FormErrorResponse };
const uploadErrors = { 413: Type.Ref('ErrorResponse'), 415: Type.Ref('ErrorResponse'), 422: Type.Ref('ErrorResponse'), 503: Type.Ref('ErrorResponse') };
const pdf = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PDF' });

/**
 * A customer's applications (and, on applications staff filed for a walk-in customer, the same
 * actions for staff). Reads are open to the customer and to staff; another customer's application
 * answers 404.
 */
export const applicationRoutes: FastifyPluginAsyncTypebox<{ applications: ApplicationsService; maxUploadBytes: number }> = async (app, { applications, maxUploadBytes }) => {
  // Multipart bodies are parsed only by the routes of this plugin.
  await acceptUploads(app as never, maxUploadBytes);

  app.get(
    '/api/applications',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Your applications and drafts, most recently changed first', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(ApplicationSummary), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => applications.list(userActor(request), request.query),
  );

  app.post(
    '/api/applications',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: "Start a draft for an active service, pinned to its form's current version", body: CreateBody, response: { 201: One, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send({ application: await applications.create(userActor(request), request.body, requestMeta(request)) }),
  );

  app.get(
    '/api/applications/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'One application: form, answers, fees, documents (5-minute links), timeline and what you may do next', params: IdParams, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.detail(userActor(request), request.params.id) }),
  );

  app.put(
    '/api/applications/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Save the answers of a draft (or of an application sent back for more information); what is given is checked, missing answers are allowed',
        params: IdParams,
        body: DraftBody,
        response: { 200: One, ...answerErrors },
      },
    },
    async (request) => ({ application: await applications.saveDraft(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/applications/:id/submit',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Submit a draft (checked in full, KYC when needed, fees held in the wallet, acknowledgement number issued) or resubmit after "needs information"',
        params: IdParams,
        body: SubmitBody,
        response: { 200: One, ...answerErrors },
      },
    },
    async (request) => ({ application: await applications.submit(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/applications/:id/cancel',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Cancel a draft, or a submitted application before work starts (the money held is released)', params: IdParams, body: CancelBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.cancel(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/applications/:id/comments',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Write to the centre about a submitted application', params: IdParams, body: CommentBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.comment(userActor(request), request.params.id, { message: request.body.message, visibility: 'customer' }, 'customer', requestMeta(request)) }),
  );

  app.post(
    '/api/applications/:id/documents/:key',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: "Upload the file for one of the form's documents (multipart/form-data, one file, the document's types and size); replaces the previous one",
        consumes: ['multipart/form-data'],
        params: DocumentKeyParams,
        response: { 201: Type.Object({ document: ApplicationDocument }), ...errorResponses, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const document = await applications.uploadDocument(userActor(request), request.params.id, request.params.key, request, requestMeta(request));
      return reply.status(201).send({ document });
    },
  );

  app.delete(
    '/api/applications/:id/documents/:key',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: "Remove the file of one of the form's documents", params: DocumentKeyParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await applications.deleteDocument(userActor(request), request.params.id, request.params.key, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/applications/:id/receipt.pdf',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Printable acknowledgement (receipt once completed): number, service, fees with CGST and SGST, status and dates', params: IdParams, produces: ['application/pdf'], response: { 200: pdf, ...errorResponses } },
    },
    async (request, reply) => {
      const { pdf: body, ackNumber } = await applications.receipt(userActor(request), request.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${ackNumber}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(body);
    },
  );
};

/** The operators' work queue and their actions; every one is role-checked again in the service. */
export const staffApplicationRoutes: FastifyPluginAsyncTypebox<{ applications: ApplicationsService; maxUploadBytes: number }> = async (app, { applications, maxUploadBytes }) => {
  await acceptUploads(app as never, maxUploadBytes);

  app.get(
    '/api/staff/applications',
    {
      config: { access: STAFF },
      schema: {
        tags: staffTags,
        summary: 'The work queue: by state, service, assignee, overdue, customer or acknowledgement number; with SLA due times',
        querystring: QueueQuery,
        response: { 200: Type.Object({ items: Type.Array(QueueItem), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => applications.queue(userActor(request), request.query),
  );

  app.post(
    '/api/staff/applications',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'File an application for a walk-in customer (a draft on their account, paid from their wallet)', body: StaffCreateBody, response: { 201: One, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send({ application: await applications.create(userActor(request), request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/assign',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Assign to an operator (operators: themselves, or hand back; admins: anyone) or unassign (null)', params: IdParams, body: AssignBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.assign(userActor(request), request.params.id, request.body.operatorId, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/start',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Start work on a submitted application (assigns it to you when unassigned)', params: IdParams, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.start(userActor(request), request.params.id, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/request-info',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Send back to the customer for more information (the SLA clock stops until they resubmit)', params: IdParams, body: RequestInfoBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.requestInfo(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/complete',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Complete (needs at least one result document): the money held is charged', params: IdParams, body: CompleteBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.complete(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/reject',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Reject with a reason shown to the customer: the money held is released', params: IdParams, body: RejectBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.reject(userActor(request), request.params.id, request.body, requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/comments',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Comment: visible to the customer (who is notified) or internal to staff', params: IdParams, body: StaffCommentBody, response: { 200: One, ...errorResponses } },
    },
    async (request) => ({ application: await applications.comment(userActor(request), request.params.id, request.body, 'staff', requestMeta(request)) }),
  );

  app.post(
    '/api/staff/applications/:id/outputs',
    {
      config: { access: STAFF },
      schema: {
        tags: staffTags,
        summary: 'Attach a result document (multipart/form-data, one PDF or image) to an application in progress; the customer sees it once completed',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Type.Object({ document: ApplicationDocument }), ...errorResponses, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const document = await applications.uploadOutput(userActor(request), request.params.id, request, requestMeta(request));
      return reply.status(201).send({ document });
    },
  );

  app.delete(
    '/api/staff/applications/:id/outputs/:documentId',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Remove a result document before completing', params: OutputParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await applications.deleteOutput(userActor(request), request.params.id, request.params.documentId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
