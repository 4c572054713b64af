import { Transform, type TransformCallback } from 'node:stream';
import { crc32, inflateSync } from 'node:zlib';
import { uploadError } from './errors.js';

/**
 * Streaming validation of uploaded files. The bytes pass through unchanged (on their way to
 * storage) while a parser for the detected format checks them; any problem errors the stream, which
 * makes the store discard what it wrote. Nothing is buffered beyond a header or a segment.
 *
 * - Type by magic bytes only (the client's name and declared type are ignored): PDF, JPEG, PNG, WebP.
 * - Structure: PNG chunks with CRCs up to IEND; JPEG segments and entropy data up to EOI; the WebP
 *   RIFF size; a PDF's final %%EOF. Missing end = truncated; bytes after the end = trailing data
 *   (the usual way to glue a ZIP or a page onto an image).
 * - Image dimensions from the header, before any pixel data: absurd sizes are decompression bombs.
 * - Polyglots: HTML/script markers anywhere; archive and executable signatures in metadata areas; a
 *   ZIP end-of-central-directory record near the end of any file.
 * - PDFs: no /Encrypt; no JavaScript, automatic actions, launch actions or embedded files (names are
 *   decoded from #xx escapes; compressed object streams are inflated and checked too).
 */

export type FileType = 'pdf' | 'jpeg' | 'png' | 'webp';
export const FILE_TYPES: readonly FileType[] = ['pdf', 'jpeg', 'png', 'webp'];
export const CONTENT_TYPES: Record<FileType, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
export const EXTENSIONS: Record<FileType, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png', webp: 'webp' };
const TYPE_NAMES: Record<FileType, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

export interface UploadPolicy {
  /** What the upload is for, e.g. "kyc.photo" (messages and logs). */
  name: string;
  types: readonly FileType[];
  maxBytes: number;
  maxPixels: number;
  maxDimension: number;
}

export interface Inspection {
  type: FileType;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
}

// ---------------------------------------------------------------- type detection

const SIGNATURES: [string, Buffer][] = [
  ['png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['jpeg', Buffer.from([0xff, 0xd8, 0xff])],
  ['pdf', Buffer.from('%PDF-')],
];

/** Things people upload by mistake (or on purpose), named in the refusal. */
const OTHER_TYPES: [string, Buffer][] = [
  ['a Windows program', Buffer.from('MZ')],
  ['a Linux program', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['a ZIP archive or Office document', Buffer.from([0x50, 0x4b])],
  ['a GIF image', Buffer.from('GIF8')],
  ['a TIFF image', Buffer.from([0x49, 0x49, 0x2a, 0x00])],
  ['a TIFF image', Buffer.from([0x4d, 0x4d, 0x00, 0x2a])],
  ['a BMP image', Buffer.from('BM')],
  ['a RAR archive', Buffer.from('Rar!')],
  ['a 7-Zip archive', Buffer.from([0x37, 0x7a, 0xbc, 0xaf])],
  ['a gzip archive', Buffer.from([0x1f, 0x8b])],
];

export function sniffType(head: Buffer): FileType | null {
  for (const [type, sig] of SIGNATURES) if (head.length >= sig.length && head.subarray(0, sig.length).equals(sig)) return type as FileType;
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

function describeOther(head: Buffer): string | null {
  for (const [name, sig] of OTHER_TYPES) if (head.length >= sig.length && head.subarray(0, sig.length).equals(sig)) return name;
  const text = head.toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<')) return 'an HTML, SVG or XML document';
  if (head.toString('latin1', 8, 12) === 'HEIC' || head.toString('latin1', 4, 8) === 'ftyp') return 'a HEIC/MP4 file';
  return null;
}

const listTypes = (types: readonly FileType[]) => types.map((t) => TYPE_NAMES[t]).join(', ');

// ---------------------------------------------------------------- polyglot scanning

type Region = 'meta' | 'data';

const HTML_MARKERS = /<(?:html|script|!doctype\s+html|iframe|svg|\?php|object|embed|body)[\s>/]/i;
const BINARY_MARKERS: [string, Buffer][] = [
  ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x01, 0x02])],
  ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x05, 0x06])],
  ['a Linux program', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['a Windows program', Buffer.from('This program cannot be run in DOS mode')],
  ['a Windows program', Buffer.from([0x50, 0x45, 0x00, 0x00, 0x4c, 0x01])],
  ['a Windows program', Buffer.from([0x50, 0x45, 0x00, 0x00, 0x64, 0x86])],
  ['a RAR archive', Buffer.from('Rar!\x1a\x07', 'latin1')],
  ['a 7-Zip archive', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
  ['a PDF document', Buffer.from('%PDF-')],
];
const ZIP_EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
// A ZIP reader looks for its end record in the last 22 + 65535 (comment) bytes.
const EOCD_WINDOW = 22 + 65_535;
const OVERLAP = 48;

/**
 * HTML markers are looked for everywhere (they cannot occur by chance); binary signatures only in
 * metadata areas, because 4 random bytes of compressed pixels would match one now and then.
 */
class PolyglotScanner {
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly type: FileType) {}

  scan(bytes: Buffer, region: Region): void {
    if (!bytes.length) return;
    const joined = this.tail.length ? Buffer.concat([this.tail, bytes]) : bytes;
    if (HTML_MARKERS.test(joined.toString('latin1'))) {
      throw uploadError('polyglot_file', `This ${TYPE_NAMES[this.type]} file also contains web page or script code, which is not allowed.`);
    }
    if (region === 'meta') {
      for (const [what, sig] of BINARY_MARKERS) {
        if (joined.includes(sig)) throw uploadError('polyglot_file', `This ${TYPE_NAMES[this.type]} file has ${what} hidden inside it, which is not allowed.`);
      }
    }
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - OVERLAP)));
  }
}

// ---------------------------------------------------------------- binary formats (PNG, JPEG, WebP)

type Op = { op: 'read'; n: number } | { op: 'skip'; n: number; region: Region; crc?: number } | { op: 'entropy' };
type Parser = Generator<Op, void, unknown>;

function* read(n: number): Generator<Op, Buffer, unknown> {
  return (yield { op: 'read', n }) as Buffer;
}
function* skip(n: number, region: Region, crc?: number): Generator<Op, number, unknown> {
  return (yield { op: 'skip', n, region, ...(crc === undefined ? {} : { crc }) }) as number;
}

interface ParseContext {
  dims(width: number, height: number): void;
  typeName: string;
}

const malformed = (what: string, detail: string) => uploadError('malformed_file', `This ${what} file is damaged or not valid: ${detail}.`);

const PNG_SIG = SIGNATURES[0]![1];

function* pngParser(ctx: ParseContext): Parser {
  const sig = yield* read(8);
  if (!sig.equals(PNG_SIG)) throw malformed('PNG', 'bad signature');
  let first = true;
  let sawData = false;
  for (;;) {
    const head = yield* read(8);
    const length = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) throw malformed('PNG', 'bad chunk header');
    if (first && (type !== 'IHDR' || length !== 13)) throw malformed('PNG', 'it does not start with an image header');
    if (!first && type === 'IHDR') throw malformed('PNG', 'a second image header');
    let crc = crc32(head.subarray(4, 8));
    if (type === 'IHDR') {
      const body = yield* read(13);
      crc = crc32(body, crc);
      ctx.dims(body.readUInt32BE(0), body.readUInt32BE(4));
    } else {
      crc = yield* skip(length, type === 'IDAT' || type === 'fdAT' ? 'data' : 'meta', crc);
    }
    const stored = (yield* read(4)).readUInt32BE(0);
    if (stored !== crc >>> 0) throw malformed('PNG', `chunk ${type} fails its checksum`);
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') {
      if (length !== 0 || !sawData) throw malformed('PNG', 'no image data before its end');
      return;
    }
    first = false;
  }
}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function* jpegParser(ctx: ParseContext): Parser {
  const soi = yield* read(2);
  if (soi[0] !== 0xff || soi[1] !== 0xd8) throw malformed('JPEG', 'bad start marker');
  let sawFrame = false;
  let sawScan = false;
  for (;;) {
    const b = (yield* read(1))[0];
    if (b !== 0xff) throw malformed('JPEG', 'data where a marker should be');
    let m: number;
    do m = (yield* read(1))[0]!;
    while (m === 0xff);
    if (m === 0xd9) {
      if (!sawScan) throw malformed('JPEG', 'no image data');
      return;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue;
    if (m === 0x00 || m === 0xd8) throw malformed('JPEG', 'an unexpected marker');
    const length = (yield* read(2)).readUInt16BE(0);
    if (length < 2) throw malformed('JPEG', 'a bad segment length');
    if (isSof(m)) {
      if (length < 8) throw malformed('JPEG', 'a short frame header');
      const body = yield* read(length - 2);
      ctx.dims(body.readUInt16BE(3), body.readUInt16BE(1));
      sawFrame = true;
    } else if (m === 0xda) {
      if (!sawFrame) throw malformed('JPEG', 'image data before the frame header');
      yield* skip(length - 2, 'meta');
      yield { op: 'entropy' };
      sawScan = true;
    } else {
      yield* skip(length - 2, 'meta');
    }
  }
}

function* webpParser(ctx: ParseContext): Parser {
  const head = yield* read(12);
  const riffSize = head.readUInt32LE(4);
  if (riffSize < 12) throw malformed('WebP', 'bad RIFF size');
  let remaining = riffSize - 4;
  let sawImage = false;
  while (remaining > 0) {
    if (remaining < 8) throw malformed('WebP', 'a chunk crosses the end of the file');
    const chunk = yield* read(8);
    remaining -= 8;
    const fourcc = chunk.toString('latin1', 0, 4);
    const size = chunk.readUInt32LE(4);
    const padded = size + (size & 1);
    if (padded > remaining) throw malformed('WebP', `chunk ${fourcc.trim()} crosses the end of the file`);
    remaining -= padded;
    if (fourcc === 'VP8X') {
      if (size < 10) throw malformed('WebP', 'short extended header');
      const body = yield* read(padded);
      ctx.dims(1 + body.readUIntLE(4, 3), 1 + body.readUIntLE(7, 3));
    } else if (fourcc === 'VP8 ') {
      if (size < 10) throw malformed('WebP', 'short frame header');
      const body = yield* read(10);
      if (body[3] !== 0x9d || body[4] !== 0x01 || body[5] !== 0x2a) throw malformed('WebP', 'bad frame start code');
      ctx.dims(body.readUInt16LE(6) & 0x3fff, body.readUInt16LE(8) & 0x3fff);
      yield* skip(padded - 10, 'data');
      sawImage = true;
    } else if (fourcc === 'VP8L') {
      if (size < 5) throw malformed('WebP', 'short lossless header');
      const body = yield* read(5);
      if (body[0] !== 0x2f) throw malformed('WebP', 'bad lossless signature');
      const bits = body.readUInt32LE(1);
      ctx.dims((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
      yield* skip(padded - 5, 'data');
      sawImage = true;
    } else if (fourcc === 'ANMF' || fourcc === 'ALPH') {
      yield* skip(padded, 'data');
      if (fourcc === 'ANMF') sawImage = true;
    } else {
      yield* skip(padded, 'meta');
    }
  }
  if (!sawImage) throw malformed('WebP', 'no image data');
}

/** Drives a parser generator with bytes as they arrive. */
class BinaryRunner {
  private buf: Buffer = Buffer.alloc(0);
  private pending: Op | null = null;
  private progress = 0;
  private crc = 0;
  private finished = false;

  constructor(
    private readonly gen: Parser,
    private readonly scanner: PolyglotScanner,
    private readonly typeName: string,
  ) {
    this.advance(undefined);
  }

  private advance(value: unknown): void {
    const r = this.gen.next(value);
    if (r.done) {
      this.finished = true;
      this.pending = null;
    } else {
      this.pending = r.value;
      this.progress = 0;
      this.crc = r.value.op === 'skip' ? (r.value.crc ?? 0) : 0;
    }
  }

  private take(n: number, region: Region): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.scanner.scan(out, region);
    return out;
  }

  feed(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.pump(false);
  }

  end(): void {
    this.pump(true);
  }

  private trailing(): never {
    throw uploadError('trailing_data', `This ${this.typeName} file has extra data after its end, which is not allowed.`);
  }

  private pump(eof: boolean): void {
    for (;;) {
      if (this.finished) {
        if (this.buf.length) this.trailing();
        return;
      }
      const op = this.pending!;
      if (op.op === 'read') {
        if (this.buf.length < op.n) {
          if (eof) throw uploadError('truncated_file', `This ${this.typeName} file is incomplete (cut off before its end).`);
          return;
        }
        this.advance(Buffer.from(this.take(op.n, 'meta')));
      } else if (op.op === 'skip') {
        const n = Math.min(op.n - this.progress, this.buf.length);
        if (n > 0) {
          const part = this.take(n, op.region);
          if (op.crc !== undefined) this.crc = crc32(part, this.crc);
          this.progress += n;
        }
        if (this.progress < op.n) {
          if (eof) throw uploadError('truncated_file', `This ${this.typeName} file is incomplete (cut off before its end).`);
          return;
        }
        this.advance(this.crc);
      } else {
        // JPEG entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart.
        let i = 0;
        let marker = -1;
        while (i < this.buf.length) {
          const ff = this.buf.indexOf(0xff, i);
          if (ff === -1 || ff === this.buf.length - 1) {
            i = ff === -1 ? this.buf.length : ff;
            break;
          }
          const next = this.buf[ff + 1]!;
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i = ff + 2;
          else if (next === 0xff) i = ff + 1;
          else {
            marker = ff;
            break;
          }
        }
        if (marker === -1) {
          this.take(i, 'data');
          if (eof) throw uploadError('truncated_file', `This ${this.typeName} file is incomplete (cut off before its end).`);
          return;
        }
        this.take(marker, 'data');
        this.advance(undefined);
      }
    }
  }
}

// ---------------------------------------------------------------- PDF

const PDF_WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const PDF_DELIMITERS = new Set('()<>[]{}/%'.split('').map((c) => c.charCodeAt(0)));
const isRegular = (c: number) => !PDF_WHITESPACE.has(c) && !PDF_DELIMITERS.has(c);

/** Names that make a PDF active or unreadable for review. */
const ACTIVE_NAMES = new Set(['JS', 'JavaScript', 'OpenAction', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA']);
// In raw stream bytes only names too long to occur by chance are looked for.
const RAW_ACTIVE = /\/(JavaScript|OpenAction|Launch|EmbeddedFiles?|RichMedia|Encrypt)(?![A-Za-z0-9#])/;
const OTHER_FILTERS = /^(ASCIIHexDecode|ASCII85Decode|LZWDecode|RunLengthDecode|AHx|A85|LZW|RL|Crypt)$/;
const MAX_INFLATED = 50 * 1024 * 1024;

function checkName(name: string): void {
  if (name === 'Encrypt') throw uploadError('pdf_encrypted', 'This PDF is password-protected or encrypted. Upload a PDF without a password.');
  if (ACTIVE_NAMES.has(name)) {
    throw uploadError('pdf_active_content', `This PDF contains scripts, automatic actions or attached files (/${name}), which are not allowed. Print it to a new PDF or upload a scan.`);
  }
}

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A tokenizer just deep enough to find names, strings, comments and the `stream` keyword. */
class PdfLexer {
  private mode: 'normal' | 'name' | 'comment' | 'string' | 'lt' | 'hex' | 'streamCR' = 'normal';
  private token = '';
  private word = '';
  private depth = 0;
  private escape = false;
  /** Names since the last `obj` keyword: the dictionary in front of a stream. */
  names = new Set<string>();
  sawEof = false;
  afterEof = false;

  constructor(private readonly allowStreams: boolean) {}

  private endWord(): 'stream' | null {
    const w = this.word;
    this.word = '';
    if (!w) return null;
    this.afterEof = false;
    if (w === 'obj' || w === 'endobj') this.names.clear();
    if (w === 'stream') {
      if (!this.allowStreams) throw malformed('PDF', 'a stream inside an object stream');
      return 'stream';
    }
    return null;
  }

  private endName(): void {
    const name = decodeName(this.token);
    this.token = '';
    checkName(name);
    if (this.names.size < 64) this.names.add(name);
  }

  /** Lexes buf[start..end); returns the index where stream data begins, or -1 when all was text. */
  feed(buf: Buffer, start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      switch (this.mode) {
        case 'streamCR':
          this.mode = 'normal';
          return c === 0x0a ? i + 1 : i;
        case 'name':
          if (isRegular(c)) {
            if (this.token.length < 256) this.token += String.fromCharCode(c);
            continue;
          }
          this.endName();
          this.mode = 'normal';
          break; // the delimiter is handled below
        case 'comment':
          if (c === 0x0a || c === 0x0d) {
            this.endComment();
            this.mode = 'normal';
          } else if (this.token.length < 8) this.token += String.fromCharCode(c);
          continue;
        case 'string':
          if (this.escape) this.escape = false;
          else if (c === 0x5c) this.escape = true;
          else if (c === 0x28) this.depth++;
          else if (c === 0x29 && --this.depth === 0) this.mode = 'normal';
          continue;
        case 'lt':
          this.mode = c === 0x3c ? 'normal' : 'hex';
          if (c === 0x3c) continue;
          if (c === 0x3e) this.mode = 'normal';
          continue;
        case 'hex':
          if (c === 0x3e) this.mode = 'normal';
          continue;
        case 'normal':
          break;
      }
      // normal mode
      if (isRegular(c)) {
        if (this.word.length < 16) this.word += String.fromCharCode(c);
        continue;
      }
      const kw = this.endWord();
      if (kw === 'stream') {
        // The keyword is followed by CRLF or LF, then the data.
        if (c === 0x0d) {
          this.mode = 'streamCR';
          continue;
        }
        return c === 0x0a ? i + 1 : i;
      }
      if (c === 0x25) {
        this.mode = 'comment';
        this.token = '';
      } else if (c === 0x2f) {
        this.mode = 'name';
        this.token = '';
        this.afterEof = false;
      } else if (c === 0x28) {
        this.mode = 'string';
        this.depth = 1;
        this.escape = false;
        this.afterEof = false;
      } else if (c === 0x3c) {
        this.mode = 'lt';
        this.afterEof = false;
      } else if (!PDF_WHITESPACE.has(c)) this.afterEof = false;
    }
    return -1;
  }

  private endComment(): void {
    if (this.token.startsWith('%EOF')) {
      this.sawEof = true;
      this.afterEof = true;
    } else this.afterEof = false;
    this.token = '';
  }

  finish(): void {
    if (this.mode === 'name') this.endName();
    if (this.mode === 'comment') this.endComment();
    if (this.word) this.endWord();
  }
}

class PdfScanner {
  private lexer = new PdfLexer(true);
  private inStream = false;
  private streamKind: 'objstm' | 'raw' = 'raw';
  private objstm: Buffer[] = [];
  private objstmBytes = 0;
  private carry: Buffer = Buffer.alloc(0);
  private textTail = '';
  private rawTail = '';
  private started = false;

  feed(chunk: Buffer): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    if (!this.started) {
      if (data.length < 5) {
        this.carry = Buffer.from(data);
        return;
      }
      if (data.toString('latin1', 0, 5) !== '%PDF-') throw malformed('PDF', 'bad header');
      this.started = true;
    }
    let pos = 0;
    while (pos < data.length) {
      if (!this.inStream) {
        const at = this.lexer.feed(data, pos, data.length);
        this.scanText(data.subarray(pos, at === -1 ? data.length : at));
        if (at === -1) return;
        this.beginStream();
        pos = at;
      } else {
        const end = data.indexOf('endstream', pos, 'latin1');
        if (end === -1) {
          // Keep a few bytes back in case "endstream" straddles two chunks.
          const keep = Math.max(pos, data.length - 8);
          this.streamData(data.subarray(pos, keep));
          this.carry = Buffer.from(data.subarray(keep));
          return;
        }
        this.streamData(data.subarray(pos, end));
        this.endStream();
        pos = end; // the lexer reads "endstream" as a word
      }
    }
  }

  private scanText(text: Buffer): void {
    if (!text.length) return;
    const joined = this.textTail + text.toString('latin1');
    if (HTML_MARKERS.test(joined)) throw uploadError('polyglot_file', 'This PDF file also contains web page or script code, which is not allowed.');
    this.textTail = joined.slice(-32);
  }

  private beginStream(): void {
    this.inStream = true;
    this.rawTail = '';
    const names = this.lexer.names;
    if (names.has('ObjStm')) {
      if ([...names].some((n) => OTHER_FILTERS.test(n))) throw malformed('PDF', 'an object stream with an unsupported filter');
      this.streamKind = 'objstm';
      this.objstm = [];
      this.objstmBytes = 0;
    } else this.streamKind = 'raw';
  }

  private streamData(bytes: Buffer): void {
    if (!bytes.length) return;
    this.lexer.afterEof = false;
    if (this.streamKind === 'objstm') {
      this.objstm.push(Buffer.from(bytes));
      this.objstmBytes += bytes.length;
      return;
    }
    const joined = this.rawTail + bytes.toString('latin1');
    const m = RAW_ACTIVE.exec(joined);
    if (m) checkName(m[1]!);
    this.rawTail = joined.slice(-24);
  }

  private endStream(): void {
    this.inStream = false;
    if (this.streamKind !== 'objstm') return;
    let body = Buffer.concat(this.objstm, this.objstmBytes);
    this.objstm = [];
    // Strip the end-of-line before "endstream".
    let end = body.length;
    while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end--;
    body = body.subarray(0, end);
    if (this.lexer.names.has('FlateDecode') || this.lexer.names.has('Fl')) {
      try {
        body = inflateSync(body, { maxOutputLength: MAX_INFLATED });
      } catch (err) {
        if (err instanceof RangeError) throw uploadError('image_too_large', 'This PDF expands to an unreasonable size when opened.');
        throw malformed('PDF', 'an object stream cannot be decompressed');
      }
    }
    const inner = new PdfLexer(false);
    inner.feed(body, 0, body.length);
    inner.finish();
    if (HTML_MARKERS.test(body.toString('latin1'))) throw uploadError('polyglot_file', 'This PDF file also contains web page or script code, which is not allowed.');
  }

  end(): void {
    if (!this.started) throw uploadError('truncated_file', 'This PDF file is incomplete.');
    if (this.inStream) throw uploadError('truncated_file', 'This PDF file is incomplete (cut off inside its content).');
    if (this.carry.length) this.lexer.feed(this.carry, 0, this.carry.length);
    this.lexer.finish();
    if (!this.lexer.sawEof) throw uploadError('truncated_file', 'This PDF file is incomplete (it has no end-of-file marker).');
    if (!this.lexer.afterEof) throw uploadError('trailing_data', 'This PDF file has extra data after its end, which is not allowed.');
  }
}

// ---------------------------------------------------------------- the stream

interface FormatParser {
  feed(chunk: Buffer): void;
  end(): void;
}

/**
 * A pass-through stream that validates what flows through it against `policy`. After it has
 * finished without error, `result` describes the file.
 */
export class UploadInspector extends Transform {
  result: Inspection | null = null;
  private size = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private type: FileType | null = null;
  private parser: FormatParser | null = null;
  private tail: Buffer = Buffer.alloc(0);
  private width: number | null = null;
  private height: number | null = null;

  constructor(private readonly policy: UploadPolicy) {
    super();
  }

  private start(head: Buffer): void {
    const type = sniffType(head);
    if (!type || !this.policy.types.includes(type)) {
      const other = type ? `a ${TYPE_NAMES[type]} file` : describeOther(head);
      throw uploadError(
        'unsupported_file_type',
        `Only ${listTypes(this.policy.types)} files are accepted here${other ? `; this file is ${other}` : ''}.`,
      );
    }
    this.type = type;
    if (type === 'pdf') this.parser = new PdfScanner();
    else {
      const ctx: ParseContext = { dims: (w, h) => this.dims(w, h), typeName: TYPE_NAMES[type] };
      const gen = type === 'png' ? pngParser(ctx) : type === 'jpeg' ? jpegParser(ctx) : webpParser(ctx);
      this.parser = new BinaryRunner(gen, new PolyglotScanner(type), TYPE_NAMES[type]);
    }
  }

  private dims(width: number, height: number): void {
    const p = this.policy;
    if (width < 1 || height < 1) throw malformed(TYPE_NAMES[this.type!], 'zero width or height');
    if (width > p.maxDimension || height > p.maxDimension || width * height > p.maxPixels) {
      throw uploadError(
        'image_too_large',
        `The image is ${width} × ${height} pixels; at most ${p.maxDimension} pixels per side and ${Math.floor(p.maxPixels / 1e6)} megapixels are accepted.`,
      );
    }
    // The largest declared size counts (an extended WebP header and its frame both declare one).
    this.width = Math.max(this.width ?? 0, width);
    this.height = Math.max(this.height ?? 0, height);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.size += chunk.length;
      if (this.size > this.policy.maxBytes) throw tooLarge(this.policy.maxBytes);
      if (!this.parser) {
        this.head.push(chunk);
        this.headBytes += chunk.length;
        if (this.headBytes >= 16) {
          const head = Buffer.concat(this.head);
          this.head = [];
          this.start(head);
          this.parser!.feed(head);
        }
      } else this.parser.feed(chunk);
      this.tail = this.tail.length + chunk.length > EOCD_WINDOW ? Buffer.concat([this.tail, chunk]).subarray(-EOCD_WINDOW) : Buffer.concat([this.tail, chunk]);
      done(null, chunk);
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.size === 0) throw uploadError('empty_file', 'The file is empty.');
      if (!this.parser) {
        const head = Buffer.concat(this.head);
        this.start(head);
        this.parser!.feed(head);
      }
      this.parser!.end();
      if (this.tail.includes(ZIP_EOCD)) throw uploadError('polyglot_file', `This ${TYPE_NAMES[this.type!]} file has a ZIP archive hidden inside it, which is not allowed.`);
      this.result = { type: this.type!, contentType: CONTENT_TYPES[this.type!], size: this.size, width: this.width, height: this.height };
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

export function tooLarge(maxBytes: number) {
  const mb = maxBytes / (1024 * 1024);
  return uploadError('file_too_large', `The file is larger than ${mb >= 1 ? `${+mb.toFixed(1)} MB` : `${Math.round(maxBytes / 1024)} KB`}.`);
}

/** Validates a whole buffer (tests, and callers that already hold the bytes). */
export async function inspectBuffer(bytes: Buffer, policy: UploadPolicy): Promise<Inspection> {
  const inspector = new UploadInspector(policy);
  const finished = new Promise<Inspection>((resolve, reject) => {
    inspector.on('error', reject);
    inspector.on('end', () => resolve(inspector.result!));
    inspector.resume();
  });
  // Fed in pieces, as a network stream would deliver it.
  for (let i = 0; i < bytes.length; i += 7001) inspector.write(bytes.subarray(i, i + 7001));
  inspector.end();
  return finished;
}
