import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * A stand-in for ClamAV's clamd on a loopback port, speaking its INSTREAM protocol strictly: the
 * command "zINSTREAM\0", then chunks each prefixed with a 4-byte big-endian length, then a zero
 * length; the answer "stream: OK\0" or "stream: <signature> FOUND\0". It finds "EICAR" in a stream,
 * never answers a stream containing "HANG", and keeps every stream it received (`streams`).
 * Anything else on the wire is a protocol error: it answers "... ERROR" as clamd does.
 */
export interface FakeClamd {
  port: number;
  streams: Buffer[];
  close(): Promise<void>;
}

export async function startFakeClamd(): Promise<FakeClamd> {
  const streams: Buffer[] = [];
  const server: Server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    let command = false;
    const data: Buffer[] = [];
    socket.on('error', () => {});
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!command) {
        const nul = buf.indexOf(0);
        if (nul === -1) return;
        if (buf.subarray(0, nul).toString() !== 'zINSTREAM') {
          socket.end('UNKNOWN COMMAND\0');
          return;
        }
        buf = buf.subarray(nul + 1);
        command = true;
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len === 0) {
          const all = Buffer.concat(data);
          streams.push(all);
          const text = all.toString('latin1');
          if (text.includes('HANG')) return;
          socket.end(text.includes('EICAR') ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (len > 64 * 1024 * 1024) {
          socket.end('INSTREAM size limit exceeded. ERROR\0');
          return;
        }
        if (buf.length < 4 + len) return;
        data.push(Buffer.from(buf.subarray(4, 4 + len)));
        buf = buf.subarray(4 + len);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections of a silent ("HANG") scan stay open otherwise.
        server.unref();
      }),
  };
}
