import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Readable } from 'node:stream';
import type { FileStore } from '../storage/index.js';
import { ClamavTap, type ClamavConfig } from './clamav.js';
import { UploadError, uploadError } from './errors.js';
import { UploadInspector, tooLarge, type Inspection, type UploadPolicy } from './inspect.js';

export interface ReceivedUpload {
  /** The object key in the file store. */
  key: string;
  inspection: Inspection;
}

export interface UploadReceiver {
  /**
   * Streams the one file of a multipart/form-data request through validation (and the virus scan,
   * when configured) into the encrypted store. Throws an UploadError (4xx) when the file is refused;
   * then nothing has been stored.
   */
  receive(request: FastifyRequest, policy: UploadPolicy, prefix: string): Promise<ReceivedUpload>;
}

/**
 * Accepts multipart/form-data in the calling plugin only (register inside a module's routes plugin,
 * so no other route parses multipart bodies).
 */
export async function acceptUploads(app: FastifyInstance, maxBytes: number): Promise<void> {
  await app.register(multipart, {
    // One file per request, a few small fields; anything more is refused by the parser.
    limits: { fileSize: maxBytes + 1, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: true,
  });
}

function mapMultipartError(err: unknown, policy: UploadPolicy): unknown {
  if (err instanceof UploadError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(policy.maxBytes);
  if (code === 'FST_FILES_LIMIT') return uploadError('too_many_files', 'Send one file per request.');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return uploadError('too_many_files', 'The form has too many parts.');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return uploadError('not_multipart', 'Send the file as multipart/form-data.');
  if (typeof code === 'string' && code.startsWith('FST_')) return uploadError('truncated_file', 'The upload was not complete. Please try again.');
  const message = (err as Error)?.message ?? '';
  if (/terminated early|Unexpected end|premature close/i.test(message)) return uploadError('truncated_file', 'The upload was not complete. Please try again.');
  return err;
}

export function createUploadReceiver(deps: { store: FileStore; clamav?: ClamavConfig | undefined }): UploadReceiver {
  const { store, clamav } = deps;
  return {
    async receive(request, policy, prefix) {
      if (!request.isMultipart()) throw uploadError('not_multipart', 'Send the file as multipart/form-data.');
      let part;
      try {
        part = await request.file({ limits: { fileSize: policy.maxBytes + 1, files: 1 } });
      } catch (err) {
        throw mapMultipartError(err, policy);
      }
      if (!part) throw uploadError('missing_file', 'Choose a file to upload.');
      const file = part.file;
      // The multipart parser may have failed already (a body cut off mid-file) before we got here.
      if (file.errored || file.destroyed) throw mapMultipartError(file.errored ?? new Error('Part terminated early'), policy);
      const inspector = new UploadInspector(policy);
      file.on('error', (err) => inspector.destroy(mapMultipartError(err, policy) as Error));
      file.once('limit', () => inspector.destroy(tooLarge(policy.maxBytes)));
      let stream: Readable = file.pipe(inspector);
      if (clamav) {
        const tap = new ClamavTap(clamav);
        inspector.on('error', (err) => tap.destroy(err));
        stream = inspector.pipe(tap);
      }
      try {
        const stored = await store.put(stream, { prefix });
        if (!inspector.result) throw new Error('upload finished without an inspection result');
        return { key: stored.key, inspection: inspector.result };
      } catch (err) {
        // Let the rest of the request body drain, so the client receives our answer.
        file.resume();
        throw mapMultipartError(err, policy);
      }
    },
  };
}
