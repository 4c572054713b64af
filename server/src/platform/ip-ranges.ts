import { isIP } from 'node:net';

/**
 * Address classification for outbound requests (safe-fetch.ts): which IP addresses a request the
 * platform makes on a customer's behalf must never reach. Pure functions over parsed addresses, so
 * every range is unit-tested without DNS.
 */

export interface ParsedIp {
  family: 4 | 6;
  /** The address as an integer: 32 bits for IPv4, 128 for IPv6. */
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

export function parseIp(address: string): ParsedIp | null {
  // Zone ids (fe80::1%eth0) name an interface of this machine: link-local by definition.
  const plain = address.replace(/%.*$/, '');
  const version = isIP(plain);
  if (version === 4) {
    return { family: 4, value: plain.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  }
  if (version !== 6) return null;
  let text = plain.toLowerCase();
  // A trailing dotted quad (::ffff:127.0.0.1) is the last 32 bits.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseIp(quad[1]!)!.value;
    text = text.slice(0, -quad[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  if (groups.length !== 8) return null;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

export function parseCidr(text: string): Cidr | null {
  const [address = '', bitsText, ...rest] = text.trim().split('/');
  if (rest.length) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const width = ip.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= width)) return null;
  return { family: ip.family, base: ip.value & mask(width, bits), bits };
}

function mask(width: number, bits: number): bigint {
  return bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
}

export function inCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  return (ip.value & mask(ip.family === 4 ? 32 : 128, cidr.bits)) === cidr.base;
}

const range = (text: string, name: string) => ({ cidr: parseCidr(text)!, name });

// IANA special-purpose registries (RFC 6890 and successors): nothing here is a customer's web server.
const V4_BLOCKED = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const V6_BLOCKED = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  // An AAAA record never legitimately holds these: they reach IPv4 hosts, so they are refused whole.
  range('::ffff:0:0/96', 'IPv4-mapped'),
  range('::/96', 'IPv4-compatible'),
  range('64:ff9b:1::/48', 'local NAT64'),
  range('100::/64', 'discard'),
  range('2001::/23', 'IETF protocol assignments'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

/** Never a destination, even when allow-listed: nobody serves webhooks on these. */
const NEVER = new Set(['unspecified', 'multicast', 'reserved', 'discard']);

// Prefixes that embed an IPv4 address; the embedded address is classified as IPv4.
const NAT64 = parseCidr('64:ff9b::/96')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;

/** Why `address` may not be reached ("loopback", "private", …), or null for a public address. */
export function blockedRange(address: string | ParsedIp): string | null {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return 'not an IP address';
  if (ip.family === 4) return V4_BLOCKED.find((r) => inCidr(ip, r.cidr))?.name ?? null;
  const direct = V6_BLOCKED.find((r) => inCidr(ip, r.cidr))?.name;
  if (direct) return direct;
  if (inCidr(ip, NAT64)) return embedded(ip.value & 0xffffffffn, 'NAT64');
  if (inCidr(ip, SIX_TO_FOUR)) return embedded((ip.value >> 80n) & 0xffffffffn, '6to4');
  return null;
}

function embedded(v4: bigint, via: string): string | null {
  const name = blockedRange({ family: 4, value: v4 });
  return name ? `${name} (via ${via})` : null;
}

/** True for ranges that stay refused whatever the allow-list says. */
export function neverAllowed(rangeName: string): boolean {
  return NEVER.has(rangeName.replace(/ \(via .*\)$/, ''));
}

/**
 * Hosts and networks a deployment explicitly trusts (tests, on-premise receivers): exact host names
 * (case-insensitive) and IP addresses or CIDR ranges.
 */
export interface AllowList {
  hosts: ReadonlySet<string>;
  cidrs: readonly Cidr[];
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), cidrs: [] };

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/** Parses `host,10.0.0.0/8,::1`; returns the entries it could not read as the second element. */
export function parseAllowList(entries: readonly string[]): [AllowList, string[]] {
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  const bad: string[] = [];
  for (const raw of entries.map((e) => e.trim()).filter(Boolean)) {
    const cidr = parseCidr(raw.replace(/^\[|\]$/g, ''));
    if (cidr) cidrs.push(cidr);
    else if (HOSTNAME.test(raw)) hosts.add(raw.toLowerCase().replace(/\.$/, ''));
    else bad.push(raw);
  }
  return [{ hosts, cidrs }, bad];
}

export function allowsHost(list: AllowList, hostname: string): boolean {
  return list.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
}

export function allowsAddress(list: AllowList, address: string): boolean {
  const ip = parseIp(address);
  return Boolean(ip && list.cidrs.some((c) => inCidr(ip, c)));
}
