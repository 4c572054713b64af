import { connect, type Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { uploadError } from './errors.js';

export interface ClamavConfig {
  host: string;
  port: number;
  timeoutMs: number;
}

/**
 * Virus scanning with ClamAV's daemon over TCP, using its INSTREAM command: "zINSTREAM\0", then the
 * file as chunks each prefixed with its length (4 bytes, big-endian), then a zero length. clamd
 * answers "stream: OK" or "stream: <signature> FOUND" (NUL-terminated). The scan runs while the
 * upload streams to storage; the upload is kept only when clamd has said OK. An unreachable or slow
 * clamd refuses the upload (503): a scanner that is configured is never silently skipped.
 *
 * clamd limits what it accepts with StreamMaxLength (default 25 MB), above our upload limits.
 */
export class ClamavTap extends Transform {
  private readonly socket: Socket;
  private answer = '';
  private readonly verdict: Promise<string>;
  private failure: Error | null = null;

  constructor(private readonly config: ClamavConfig) {
    super();
    this.socket = connect({ host: config.host, port: config.port });
    this.socket.setTimeout(config.timeoutMs);
    this.verdict = new Promise<string>((resolve, reject) => {
      this.socket.on('data', (d) => {
        this.answer += d.toString('latin1');
        if (this.answer.includes('\0')) resolve(this.answer.slice(0, this.answer.indexOf('\0')).trim());
      });
      this.socket.on('end', () => resolve(this.answer.replace(/\0.*$/s, '').trim()));
      this.socket.on('timeout', () => reject(new Error('clamd timed out')));
      this.socket.on('error', reject);
    });
    // Remember a failure until the end: the upload is refused then, not half-way.
    this.verdict.catch((err: Error) => {
      this.failure = err;
    });
    this.socket.write('zINSTREAM\0');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.failure) return done(unavailable());
    const len = Buffer.alloc(4);
    len.writeUInt32BE(chunk.length);
    // Backpressure: the next chunk waits until clamd has taken this one.
    this.socket.write(Buffer.concat([len, chunk]), (err) => (err ? done(unavailable()) : done(null, chunk)));
  }

  override _flush(done: TransformCallback): void {
    this.socket.write(Buffer.alloc(4));
    this.verdict.then(
      (answer) => {
        this.socket.destroy();
        if (/^stream: OK$/.test(answer)) return done();
        const found = /^stream: (.+) FOUND$/.exec(answer);
        if (found) return done(uploadError('virus_found', `The virus scanner found ${found[1]} in this file. It was not kept.`));
        done(unavailable());
      },
      () => {
        this.socket.destroy();
        done(unavailable());
      },
    );
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}

const unavailable = () => uploadError('virus_scan_unavailable', 'The virus scanner is not available right now. Please try again in a few minutes.');
