import { SimGraphError } from './sim-errors.js';

/**
 * The Cloud API's media types and size limits (CONTRACT.md §4, from BSP and AWS copies of Meta's
 * table): audio 16 MB, documents 100 MB, images 5 MB (JPEG/PNG), stickers (WebP) 100 KB static or
 * 500 KB animated, video 16 MB. An upload outside them is refused with 131053 (media upload error).
 */

const MB = 1024 * 1024;

export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

const LIMITS: Record<string, { kind: MediaKind; max: number }> = {
  'audio/aac': { kind: 'audio', max: 16 * MB },
  'audio/amr': { kind: 'audio', max: 16 * MB },
  'audio/mpeg': { kind: 'audio', max: 16 * MB },
  'audio/mp4': { kind: 'audio', max: 16 * MB },
  'audio/ogg': { kind: 'audio', max: 16 * MB },
  'text/plain': { kind: 'document', max: 100 * MB },
  'application/pdf': { kind: 'document', max: 100 * MB },
  'application/msword': { kind: 'document', max: 100 * MB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', max: 100 * MB },
  'application/vnd.ms-excel': { kind: 'document', max: 100 * MB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', max: 100 * MB },
  'application/vnd.ms-powerpoint': { kind: 'document', max: 100 * MB },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', max: 100 * MB },
  'image/jpeg': { kind: 'image', max: 5 * MB },
  'image/png': { kind: 'image', max: 5 * MB },
  'image/webp': { kind: 'sticker', max: 500 * 1024 },
  'video/mp4': { kind: 'video', max: 16 * MB },
  'video/3gpp': { kind: 'video', max: 16 * MB },
};

/** The largest file of any type: the multipart parser stops reading past it. */
export const MAX_UPLOAD_BYTES = 100 * MB;

export const SUPPORTED_MIME_TYPES = Object.keys(LIMITS);

/** The most a file of this MIME type may have (animated stickers' limit for WebP); null = a type Meta does not take. */
export function uploadLimitFor(mimeType: string): number | null {
  return LIMITS[mimeType.split(';')[0]!.trim().toLowerCase()]?.max ?? null;
}

/** A WebP whose extended header (VP8X) has the animation flag. */
function animatedWebp(data: Buffer): boolean {
  return data.length > 20 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP' && data.toString('latin1', 12, 16) === 'VP8X' && (data[20]! & 0x02) !== 0;
}

/** The media kind of an accepted upload; 131053 when the type or the size is not allowed. */
export function checkUpload(mimeType: string, data: Buffer): MediaKind {
  const mime = mimeType.split(';')[0]!.trim().toLowerCase();
  const rule = LIMITS[mime];
  if (!rule) throw new SimGraphError(131053, `Param file must be a file with one of the following types: ${SUPPORTED_MIME_TYPES.join(', ')}. Received file of type '${mime.slice(0, 100)}'.`);
  const max = mime === 'image/webp' && !animatedWebp(data) ? 100 * 1024 : rule.max;
  if (data.length > max) throw new SimGraphError(131053, `File of type ${mime} is ${data.length} bytes; the limit is ${max} bytes.`);
  if (data.length === 0) throw new SimGraphError(131053, 'The uploaded file is empty.');
  return rule.kind;
}

/** Which message types may carry a media object of this MIME type (an image may also go as a document). */
export function mediaFits(messageType: string, mimeType: string): boolean {
  const kind = LIMITS[mimeType]?.kind;
  if (!kind) return false;
  return kind === messageType || messageType === 'document';
}
