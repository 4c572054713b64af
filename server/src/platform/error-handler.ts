import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldIssue } from './errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldIssue[]; requestId: string };
}

function validationDetails(err: FastifyError): FieldIssue[] {
  return (err.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const base = v.instancePath ? v.instancePath.slice(1).replace(/\//g, '.') : '';
    const extra =
      (params.missingProperty as string | undefined) ?? (params.additionalProperty as string | undefined) ?? '';
    const field = [base, extra].filter(Boolean).join('.') || (err.validationContext ?? 'body');
    const message = params.additionalProperty ? 'is not an accepted field' : (v.message ?? 'is not valid');
    return { field, message };
  });
}

/**
 * The one place errors become HTTP answers. AppErrors and Fastify's own 4xx errors are told to the
 * client; anything else is logged in full and answered with a generic 500 carrying the request id.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const requestId = String(request.id);
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      const body: ErrorBody = { error: { code: err.code, message: err.message, requestId } };
      if (err.details) body.error.details = err.details;
      return reply.status(err.status).send(body);
    }
    if (err.validation) {
      const details = validationDetails(err);
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: `Some fields are not valid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`.slice(0, 500),
          details,
          requestId,
        },
      } satisfies ErrorBody);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = (err.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
      return reply.status(status).send({ error: { code, message: err.message, requestId } } satisfies ErrorBody);
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({
      error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again.', requestId },
    } satisfies ErrorBody);
  });
}

/**
 * The `frameworkErrors` server option: errors the router raises before any hook runs (a URL with
 * broken percent-encoding, an over-long path parameter) get the same error body as everything else.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id);
  const code = (err.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
  void reply
    .header('x-request-id', requestId)
    .status(err.statusCode && err.statusCode < 500 ? err.statusCode : 400)
    .send({ error: { code, message: err.message, requestId } } satisfies ErrorBody);
}
