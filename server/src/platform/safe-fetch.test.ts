import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_ALLOW_LIST, parseAllowList } from './ip-ranges.js';
import { OutboundFailed, OutboundRefused, createSafeFetch, type Resolver, type SafeFetchOptions } from './safe-fetch.js';

interface Local {
  port: number;
  hits: { url: string; host: string | undefined }[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Local> {
  const hits: Local['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', host: req.headers.host });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** DNS as the test says: names map to fixed answers; every lookup is counted. */
function fakeDns(answers: Record<string, string[] | (() => string[])>) {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const a = answers[hostname];
    const list = typeof a === 'function' ? a() : a;
    if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

const allow = (...entries: string[]) => parseAllowList(entries)[0];

describe('safe-fetch: the guarded outbound HTTP client', () => {
  let ok: Local;
  let target: Local;
  const clients: { close(): Promise<void> }[] = [];
  const client = (opts: Partial<SafeFetchOptions>) => {
    const c = createSafeFetch({ requireHttps: false, allow: EMPTY_ALLOW_LIST, timeoutMs: 2000, ...opts });
    clients.push(c);
    return c;
  };

  before(async () => {
    ok = await listen((_req, res) => res.end('ok'));
    // Stands for what an attacker wants to reach (metadata service, admin port): it must see nothing.
    target = await listen((_req, res) => res.end('secret'));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ok.close();
    await target.close();
  });

  async function refused(promise: Promise<unknown>, code: string): Promise<OutboundRefused> {
    const err = await promise.then(
      () => assert.fail('the request should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OutboundRefused, `expected OutboundRefused, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }

  test('host names resolving to loopback, 10.x, the metadata address or ::1 are refused before any byte is sent', async () => {
    const dns = fakeDns({
      'loopback.test': ['127.0.0.1'],
      'private.test': ['10.1.2.3'],
      'metadata.test': ['169.254.169.254'],
      'v6-loopback.test': ['::1'],
      'mapped.test': ['::ffff:127.0.0.1'],
      'cgnat.test': ['100.64.1.1'],
      'mixed.test': ['93.184.216.34', '127.0.0.1'],
    });
    const c = client({ resolve: dns.resolve });
    for (const name of ['loopback.test', 'private.test', 'metadata.test', 'v6-loopback.test', 'mapped.test', 'cgnat.test', 'mixed.test']) {
      const err = await refused(c.request(`http://${name}:${target.port}/`, { method: 'POST', body: '{}' }), 'address_not_allowed');
      assert.match(err.message, new RegExp(name.replace('.', '\\.')));
      await refused(c.check(`http://${name}:${target.port}/`), 'address_not_allowed');
    }
    assert.equal(target.hits.length, 0);
  });

  test('literal addresses in every spelling are refused without a lookup', async () => {
    const dns = fakeDns({});
    const c = client({ resolve: dns.resolve });
    for (const url of [
      `http://127.0.0.1:${target.port}/`,
      `http://[::1]:${target.port}/`,
      `http://[::ffff:127.0.0.1]:${target.port}/`,
      `http://2130706433:${target.port}/`, // 127.0.0.1 as one number
      `http://0x7f.1:${target.port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/',
      'http://0.0.0.0/',
      'http://[fe80::1]/',
    ]) {
      await refused(c.request(url), 'address_not_allowed');
    }
    assert.deepEqual(dns.calls, []);
    assert.equal(target.hits.length, 0);
  });

  test('the allow-list opens exactly what it names', async () => {
    const byAddress = client({ allow: allow('127.0.0.1') });
    assert.equal((await byAddress.request(`http://127.0.0.1:${ok.port}/`)).status, 200);
    await refused(byAddress.request(`http://[::1]:${ok.port}/`), 'address_not_allowed');

    const dns = fakeDns({ 'hooks.corp.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
    const byName = client({ allow: allow('hooks.corp.test'), resolve: dns.resolve });
    const res = await byName.request(`http://hooks.corp.test:${ok.port}/x`);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'ok');
    await refused(byName.request(`http://other.test:${ok.port}/`), 'address_not_allowed');
    await refused(byName.request(`http://127.0.0.1:${ok.port}/`), 'address_not_allowed');

    // Multicast and unspecified addresses are never a receiver, allow-listed or not.
    const wide = client({ allow: allow('0.0.0.0/0') });
    await refused(wide.request(`http://0.0.0.0:${ok.port}/`), 'address_not_allowed');
  });

  test('the connection goes to the address that was checked: a second, different DNS answer is never asked for', async () => {
    let answers = 0;
    // First answer: allowed loopback; any later one would be the rebinding to a private address.
    const dns = fakeDns({ 'rebind.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.1']) });
    const c = client({ allow: allow('127.0.0.1/32'), resolve: dns.resolve });
    const before = ok.hits.length;
    const res = await c.request(`http://rebind.test:${ok.port}/first`, { method: 'POST', body: 'a' });
    assert.equal(res.status, 200);
    assert.equal(ok.hits.length, before + 1);
    assert.equal(ok.hits.at(-1)!.host, `rebind.test:${ok.port}`, 'the Host header keeps the name');
    assert.deepEqual(dns.calls, ['rebind.test'], 'one lookup for the connection');
  });

  test('redirects are returned, not followed, whatever they point at', async () => {
    const redirector = await listen((req, res) => {
      const to = req.url === '/meta' ? 'http://169.254.169.254/latest/meta-data/' : `http://127.0.0.1:${target.port}/admin`;
      res.writeHead(302, { location: to }).end();
    });
    try {
      const c = client({ allow: allow('localhost') });
      for (const path of ['/meta', '/local']) {
        const res = await c.request(`http://localhost:${redirector.port}${path}`, { method: 'POST', body: '{}' });
        assert.equal(res.status, 302);
        assert.ok(String(res.headers.location).startsWith('http://'));
      }
      assert.equal(target.hits.length, 0);
    } finally {
      await redirector.close();
    }
  });

  test('https only in production; no credentials in URLs; only http(s)', async () => {
    const prod = client({ requireHttps: true, allow: allow('127.0.0.1') });
    await refused(prod.request(`http://127.0.0.1:${ok.port}/`), 'scheme_not_allowed');
    await refused(prod.check('http://example.com/'), 'scheme_not_allowed');
    const dev = client({ allow: allow('127.0.0.1') });
    await refused(dev.request(`http://user:pass@127.0.0.1:${ok.port}/`), 'credentials_in_url');
    await refused(dev.request('ftp://127.0.0.1/'), 'scheme_not_allowed');
    await refused(dev.request('not a url'), 'invalid_url');
    assert.equal(ok.hits.filter((h) => h.url === '/').length, 1, 'only the earlier allowed request');
  });

  test('a name that does not resolve is reported as such', async () => {
    const c = client({ resolve: fakeDns({}).resolve });
    await refused(c.check('https://nowhere.test/'), 'dns_failed');
  });

  test('a receiver that does not answer in time ends the attempt with a timeout', async () => {
    const silent = await listen(() => undefined);
    try {
      const c = client({ allow: allow('127.0.0.1'), timeoutMs: 300 });
      const err = await c.request(`http://127.0.0.1:${silent.port}/`, { method: 'POST', body: '{}' }).then(
        () => assert.fail('should time out'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof OutboundFailed);
      assert.equal(err.code, 'timeout');
    } finally {
      await silent.close();
    }
  });

  test('only the first maxResponseBytes of an answer are read', async () => {
    const big = await listen((_req, res) => res.end(Buffer.alloc(200_000, 'x')));
    try {
      const c = client({ allow: allow('127.0.0.1'), maxResponseBytes: 1000 });
      const res = await c.request(`http://127.0.0.1:${big.port}/`);
      assert.equal(res.body.length, 1000);
      assert.equal(res.truncated, true);
    } finally {
      await big.close();
    }
  });
});
