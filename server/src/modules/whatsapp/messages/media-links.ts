import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../../../platform/encryption.js';

/**
 * The download URL the Graph-compatible GET /{media-id} hands out: a platform URL
 * (`/graph/media-downloads/<token>`) instead of Meta's, because Meta's needs the number's access token
 * and the customer has only an API key. Like Meta's it is valid 5 minutes and must be fetched with
 * the same credential (the API key, as a Bearer token); the token names the number and the media id
 * under an HMAC derived from the master key, so it cannot be forged, and only the tenant owning both
 * gets the file.
 */

export const MEDIA_LINK_TTL_SECONDS = 300;
export const MEDIA_DOWNLOAD_PATH = '/graph/media-downloads/';

const MEDIA_ID = /^[0-9]{1,32}$/;
const VERSION = 1;
const MAC_BYTES = 16;

export interface MediaLinkClaims {
  numberId: string;
  mediaId: string;
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function createMediaLinks(ring: Keyring, ttlSeconds = MEDIA_LINK_TTL_SECONDS) {
  const key = ring.derive('wa-media-links');
  const mac = (data: Buffer) => createHmac('sha256', key).update(data).digest().subarray(0, MAC_BYTES);

  return {
    // Token (base64url, ~70 characters, short enough for a path parameter):
    // version (1) | number id (uuid, 16) | expiry (unix seconds, 4) | media id (ASCII digits) | HMAC-SHA256 truncated (16).
    // The tenant is the number's: the download route checks the caller owns both the number and the media.
    sign(c: MediaLinkClaims, now = Date.now()): string {
      if (!MEDIA_ID.test(c.mediaId)) throw new Error('media links name media by Meta id');
      const exp = Buffer.alloc(4);
      exp.writeUInt32BE(Math.floor(now / 1000) + ttlSeconds);
      const body = Buffer.concat([Buffer.from([VERSION]), uuidBytes(c.numberId), exp, Buffer.from(c.mediaId, 'latin1')]);
      return Buffer.concat([body, mac(body)]).toString('base64url');
    },

    /** The claims of a valid, unexpired token; null for anything else (forged, expired, malformed). */
    verify(token: string, now = Date.now()): MediaLinkClaims | null {
      if (!/^[A-Za-z0-9_-]{30,120}$/.test(token)) return null;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 1 + 16 + 4 + 1 + MAC_BYTES || raw[0] !== VERSION) return null;
      const body = raw.subarray(0, raw.length - MAC_BYTES);
      if (!timingSafeEqual(raw.subarray(raw.length - MAC_BYTES), mac(body))) return null;
      const mediaId = body.toString('latin1', 21);
      if (!MEDIA_ID.test(mediaId) || body.readUInt32BE(17) <= Math.floor(now / 1000)) return null;
      return { numberId: uuidText(body.subarray(1, 17)), mediaId };
    },
  };
}

export type MediaLinks = ReturnType<typeof createMediaLinks>;
