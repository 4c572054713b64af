import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
}

/**
 * Every route the app has, read from its router tree (`printRoutes`), so tests can check that a
 * newly added route is covered. Each entry is confirmed with `hasRoute`, which makes a parsing
 * mistake fail loudly instead of silently dropping routes.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  // The radix tree as printed: each line is one node, and a route's path is its nodes joined.
  const text = app.printRoutes();
  const path: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^((?:│ {3}| {4})*)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) throw new Error(`Unexpected printRoutes line: ${JSON.stringify(line)}`);
    const depth = m[1]!.length / 4;
    path.length = depth;
    path.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) out.push({ method, url: path.join('') });
  }
  for (const r of out) {
    if (!app.hasRoute({ method: r.method as 'GET', url: r.url })) throw new Error(`listRoutes misread ${r.method} ${r.url}`);
  }
  if (!out.length) throw new Error('listRoutes found no routes');
  return out.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}

export const routeKey = (r: RouteEntry) => `${r.method} ${r.url}`;
