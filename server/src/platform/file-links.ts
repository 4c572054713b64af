import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './encryption.js';
import type { SignedIn } from './http.js';
import { CONTENT_TYPES, EXTENSIONS, type FileType } from './uploads/inspect.js';

/**
 * Short-lived, signed download links: `/api/files/<token>`, the token an HMAC-signed payload that
 * names the resource (a kind and an id), the user the link was made for, and when it expires. The route checks the signature, that the caller is that user, the expiry,
 * and then asks the resource's resolver again whether this user may read it — so a link forwarded to
 * someone else, guessed, or outliving a change of role is worth nothing. The HMAC key is derived from
 * the master key, so rotating the master key also ends every outstanding link.
 */
export const FILE_LINK_TTL_SECONDS = 300;
export const FILE_LINK_PREFIX = '/api/files/';

export interface FileForDownload {
  objectKey: string;
  contentType: string;
  /** The name offered to the browser (chosen by the server, never the uploader's). */
  filename: string;
  disposition: 'inline' | 'attachment';
  /** Runs just before the file is sent (e.g. an activity record of a staff view). */
  onServe?: () => Promise<void>;
}

/**
 * What a resolver sends for a checked upload: the extension from its content type (the upload
 * inspector allowed only these), PDFs as attachments (never rendered in our origin), images inline
 * (shown on review pages).
 */
export function uploadedFile(objectKey: string, contentType: string, name: string): FileForDownload {
  const type = (Object.entries(CONTENT_TYPES).find(([, ct]) => ct === contentType)?.[0] ?? 'pdf') as FileType;
  return { objectKey, contentType, filename: `${name}.${EXTENSIONS[type]}`, disposition: type === 'pdf' ? 'attachment' : 'inline' };
}

/** Answers whether `viewer` may read resource `id` (null = no, the route answers 404) and what to send. */
export type FileResolver = (id: string, viewer: SignedIn, meta: { ip: string | null; userAgent: string | null; requestId: string }) => Promise<FileForDownload | null>;

export interface FileLinks {
  sign(resource: string, id: string, viewerId: string, now?: number): { url: string; expiresAt: string };
  verify(token: string, viewerId: string, now?: number): { resource: string; id: string } | 'expired' | null;
  register(resource: string, resolver: FileResolver): void;
  resolver(resource: string): FileResolver | undefined;
}

const VERSION = 1;
const MAC_BYTES = 16; // 128 bits: plenty for a link that lives five minutes
const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createFileLinks(ring: Keyring, ttlSeconds = FILE_LINK_TTL_SECONDS): FileLinks {
  const key = ring.derive('file-links');
  const resolvers = new Map<string, FileResolver>();
  const mac = (data: Buffer) => createHmac('sha256', key).update(data).digest().subarray(0, MAC_BYTES);

  return {
    // Token (base64url, ~76 characters, short enough for a path parameter):
    // version (1) | resource name length (1) | resource name | resource id (uuid, 16) | user id (uuid, 16)
    // | expiry (unix seconds, 4) | HMAC-SHA256 truncated (16).
    sign(resource, id, viewerId, now = Date.now()) {
      if (!/^[a-z_]{1,20}$/.test(resource) || !UUID.test(id) || !UUID.test(viewerId)) throw new Error('file links name resources and users by uuid');
      const expires = Math.floor(now / 1000) + ttlSeconds;
      const exp = Buffer.alloc(4);
      exp.writeUInt32BE(expires);
      const body = Buffer.concat([Buffer.from([VERSION, resource.length]), Buffer.from(resource, 'latin1'), uuidBytes(id), uuidBytes(viewerId), exp]);
      return { url: `${FILE_LINK_PREFIX}${Buffer.concat([body, mac(body)]).toString('base64url')}`, expiresAt: new Date(expires * 1000).toISOString() };
    },

    verify(token, viewerId, now = Date.now()) {
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 2 + 1 + 36 + MAC_BYTES || raw[0] !== VERSION) return null;
      const body = raw.subarray(0, raw.length - MAC_BYTES);
      const sig = raw.subarray(raw.length - MAC_BYTES);
      if (!timingSafeEqual(sig, mac(body))) return null;
      const n = body[1]!;
      if (body.length !== 2 + n + 36) return null;
      const resource = body.toString('latin1', 2, 2 + n);
      const id = uuidText(body.subarray(2 + n, 18 + n));
      const user = uuidText(body.subarray(18 + n, 34 + n));
      const expires = body.readUInt32BE(34 + n);
      // Bound to one user: anyone else is told nothing, not even that the link has expired.
      if (user !== viewerId.toLowerCase()) return null;
      if (Math.floor(now / 1000) >= expires) return 'expired';
      return { resource, id };
    },

    register(resource, resolver) {
      if (resolvers.has(resource)) throw new Error(`File links for ${resource} are registered twice`);
      resolvers.set(resource, resolver);
    },

    resolver: (resource) => resolvers.get(resource),
  };
}
