import { createServer, type AddressInfo, type Server } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClamavTap } from './clamav.js';
import { UploadError } from './errors.js';

/** A stand-in clamd speaking INSTREAM: finds "EICAR" in the stream, or never answers when told to hang. */
function fakeClamd(): Server {
  return createServer((socket) => {
    let buf = Buffer.alloc(0);
    let command = false;
    const data: Buffer[] = [];
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!command) {
        const nul = buf.indexOf(0);
        if (nul === -1) return;
        assert.equal(buf.subarray(0, nul).toString(), 'zINSTREAM');
        buf = buf.subarray(nul + 1);
        command = true;
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len === 0) {
          const all = Buffer.concat(data).toString('latin1');
          if (all.includes('HANG')) return;
          socket.end(all.includes('EICAR') ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (buf.length < 4 + len) return;
        data.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
      }
    });
  });
}

async function scan(port: number, content: string[], timeoutMs = 2000): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(content.map((c) => Buffer.from(c))),
    new ClamavTap({ host: '127.0.0.1', port, timeoutMs }),
    new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }),
  );
  return Buffer.concat(out).toString();
}

describe('ClamAV INSTREAM hook', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = fakeClamd();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('a clean file passes through unchanged', async () => {
    assert.equal(await scan(port, ['hello ', 'world']), 'hello world');
  });

  test('an infected file is refused with virus_found', async () => {
    await assert.rejects(scan(port, ['X5O!P%@AP', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE']), (err: unknown) => {
      assert.ok(err instanceof UploadError);
      assert.equal(err.code, 'virus_found');
      assert.equal(err.status, 422);
      assert.match(err.message, /Eicar-Test-Signature/);
      return true;
    });
  });

  test('an unreachable or silent scanner refuses the upload (503), never skips it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(scan(deadPort, ['data']), (err: unknown) => err instanceof UploadError && err.code === 'virus_scan_unavailable' && err.status === 503);
    await assert.rejects(scan(port, ['HANG'], 300), (err: unknown) => err instanceof UploadError && err.code === 'virus_scan_unavailable');
  });
});
