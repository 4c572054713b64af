import { createHash } from 'node:crypto';
import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import type { Keyring } from '../../../platform/encryption.js';
import { sniffType, CONTENT_TYPES } from '../../../platform/uploads/inspect.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { checkUpload } from '../../meta-sandbox/media-rules.js';
import { SimGraphError } from '../../meta-sandbox/sim-errors.js';
import { requireNumberAccess, type ApiPrincipal } from '../api-keys/api-key-auth.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { DownloadedMedia, MediaUrlResponse } from '../graph/graph-types.js';
import { accessTokenOf, type NumberRow } from '../numbers/numbers.repo.js';
import { MEDIA_DOWNLOAD_PATH, type MediaLinks } from './media-links.js';
import { whatsappUnavailable } from './send.service.js';

/**
 * Media through the platform (README.md beside this file): uploads go to Meta with the number's
 * token after Meta's type and size rules (and, for images and PDFs, a check that the bytes are what
 * the type says); the platform records which tenant uploaded which media id, so GET and DELETE
 * /{media-id} answer only its owner — or the tenant whose inbound message carried it. Nothing is
 * stored here: Meta keeps the file (about 30 days).
 */

export interface OwnedMedia {
  mediaId: string;
  number: NumberRow;
}

/** Meta's "no such object" for ids the caller may not see, as Meta words it. */
export const objectNotFound = (id: string, method: 'get' | 'post' | 'delete') =>
  new SimGraphError(100, undefined, {
    subcode: 33,
    whatsapp: false,
    httpStatus: 404,
    message: `Unsupported ${method} request. Object with ID '${id.slice(0, 40)}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

const SNIFFED: Record<string, string> = Object.fromEntries(Object.entries(CONTENT_TYPES).map(([type, mime]) => [mime, type]));

export function createMediaService(deps: { db: Db; graph: GraphClient | null; ring: Keyring; links: MediaLinks }) {
  const { db, links } = deps;
  const graph = () => {
    if (!deps.graph) throw whatsappUnavailable('WhatsApp messaging is not configured');
    return deps.graph;
  };

  async function owned(principal: ApiPrincipal, mediaId: string, method: 'get' | 'delete'): Promise<OwnedMedia> {
    if (!/^[0-9]{1,32}$/.test(mediaId)) throw objectNotFound(mediaId, method);
    const rows = await db.query<NumberRow>(
      `SELECT n.* FROM wa_numbers n
        WHERE n.tenant_id = $1 AND n.status <> 'disconnected' AND (
          EXISTS (SELECT 1 FROM wa_media m WHERE m.number_id = n.id AND m.tenant_id = $1 AND m.media_id = $2 AND m.deleted_at IS NULL)
          OR EXISTS (SELECT 1 FROM wa_messages w WHERE w.number_id = n.id AND w.tenant_id = $1 AND w.direction = 'inbound' AND w.media_ref = $2))
        ORDER BY n.created_at DESC LIMIT 1`,
      [principal.tenantId, mediaId],
    );
    const number = rows[0];
    if (!number) throw objectNotFound(mediaId, method);
    requireNumberAccess(principal, number.id);
    return { mediaId, number };
  }

  return {
    /**
     * Uploads a file to Meta for `number` after Meta's rules (131053 otherwise) and records it as the
     * tenant's. `mimeType` is what the caller declared (the form's `type`, else the file part's).
     */
    async upload(principal: ApiPrincipal, number: NumberRow, file: { data: Buffer; mimeType: string; filename?: string | undefined }, actor: Actor, meta: RequestMeta): Promise<{ id: string }> {
      const mime = file.mimeType.split(';')[0]!.trim().toLowerCase();
      checkUpload(mime, file.data);
      const expected = SNIFFED[mime];
      if (expected && sniffType(file.data.subarray(0, 64)) !== expected) {
        throw new SimGraphError(131053, `The file's content is not ${mime}: its bytes do not match the type it was uploaded as.`);
      }
      const { id } = await graph().uploadMedia(number.phone_number_id, accessTokenOf(deps.ring, number), { data: file.data, mimeType: mime, ...(file.filename ? { filename: file.filename } : {}) });
      const sha256 = createHash('sha256').update(file.data).digest('hex');
      await db.tx(async (tx) => {
        await tx.query(
          `INSERT INTO wa_media (number_id, media_id, tenant_id, mime_type, file_size, sha256, filename, api_key_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (number_id, media_id) DO UPDATE SET deleted_at = NULL`,
          [number.id, id, principal.tenantId, mime, file.data.length, sha256, file.filename?.slice(0, 240) ?? null, principal.keyId],
        );
        await insertActivity(tx, actor, { action: 'whatsapp.media_uploaded', subjectUserId: principal.tenantId, object: { type: 'wa_media', id }, details: { numberId: number.id, mimeType: mime, bytes: file.data.length } }, meta);
      });
      return { id };
    },

    owned,

    /** Meta's media object, with the download URL replaced by the platform's (same 5 minutes). */
    async describe(principal: ApiPrincipal, mediaId: string, origin: string): Promise<MediaUrlResponse> {
      const { number } = await owned(principal, mediaId, 'get');
      const info = await graph().getMediaUrl(mediaId, accessTokenOf(deps.ring, number), { phoneNumberId: number.phone_number_id });
      const token = links.sign({ numberId: number.id, mediaId });
      return { ...info, id: mediaId, url: `${origin}${MEDIA_DOWNLOAD_PATH}${token}` };
    },

    async remove(principal: ApiPrincipal, mediaId: string, actor: Actor, meta: RequestMeta): Promise<{ success: boolean }> {
      const { number } = await owned(principal, mediaId, 'delete');
      const result = await graph().deleteMedia(mediaId, accessTokenOf(deps.ring, number), { phoneNumberId: number.phone_number_id });
      await db.tx(async (tx) => {
        await tx.query('UPDATE wa_media SET deleted_at = now() WHERE number_id = $1 AND media_id = $2 AND deleted_at IS NULL', [number.id, mediaId]);
        await insertActivity(tx, actor, { action: 'whatsapp.media_deleted', subjectUserId: principal.tenantId, object: { type: 'wa_media', id: mediaId }, details: { numberId: number.id } }, meta);
      });
      return result;
    },

    /** The file behind a download link: a fresh URL from Meta, fetched with the number's token. */
    async download(principal: ApiPrincipal, token: string): Promise<DownloadedMedia | null> {
      const claims = links.verify(token);
      if (!claims) return null;
      const { number } = await owned(principal, claims.mediaId, 'get');
      if (number.id !== claims.numberId) return null;
      const access = accessTokenOf(deps.ring, number);
      const info = await graph().getMediaUrl(claims.mediaId, access, { phoneNumberId: number.phone_number_id });
      const file = await graph().downloadMedia(info.url, access);
      return { data: file.data, contentType: info.mime_type || file.contentType };
    },

    /** Job: Meta keeps uploads about 30 days; the ownership records go with them. */
    async purgeExpired(): Promise<number> {
      return db.execute("DELETE FROM wa_media WHERE created_at < now() - interval '31 days'");
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
