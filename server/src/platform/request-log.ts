import type { FastifyRequest } from 'fastify';

// Credentials that travel in URLs: one-time links (?token=), file and media links (/:token), Meta's
// hub.verify_token, signed download links (hash=). A request log line must not carry them.
const SECRET_NAME = /token|secret|password|signature|hash|^sig$/i;
const REDACTED = '[redacted]';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The request's URL with the values of credential-like query parameters and path parameters replaced. */
export function urlForLog(url: string, params: unknown): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  const secrets =
    params && typeof params === 'object'
      ? Object.entries(params).filter(([name, v]) => SECRET_NAME.test(name) && typeof v === 'string' && v !== '').map(([, v]) => v as string)
      : [];
  if (secrets.length) path = path.split('/').map((segment) => (secrets.includes(decoded(segment)) ? REDACTED : segment)).join('/');
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && SECRET_NAME.test(decoded(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** The `req` log serializer: Fastify's own fields, with the URL passed through `urlForLog`. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? urlForLog(request.url, request.params) : undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
