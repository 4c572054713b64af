import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers of every answer (CSP, HSTS, nosniff, referrer policy, frame-ancestors …), as
 * helmet would set them, worked out once. The CSP has no per-request parts (no nonces), so the values
 * never change; @fastify/helmet rebuilt helmet's middleware — parsing every directive — on each request,
 * which cost a few per cent of a WhatsApp send.
 */
export function securityHeaders(options: HelmetOptions, extra: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return { ...headers, ...extra };
}
