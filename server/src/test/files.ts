import { randomFillSync } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Small valid (and deliberately broken) files built in code, for upload tests: nothing is
 * downloaded and every byte is visible here.
 */

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([len, typeAndData, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A real RGB PNG of `width` × `height` (a colour gradient), optionally with extra chunks before IEND. */
export function makePng(opts: { width?: number; height?: number; declaredWidth?: number; declaredHeight?: number; extraChunks?: [string, Buffer][]; seed?: number; noise?: boolean } = {}): Buffer {
  const width = opts.width ?? 8;
  const height = opts.height ?? 8;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(opts.declaredWidth ?? width, 0);
  ihdr.writeUInt32BE(opts.declaredHeight ?? height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows: Buffer[] = [];
  const seed = opts.seed ?? 0;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 32 + seed) & 255;
      row[2 + x * 3] = (y * 32 + seed * 7) & 255;
      row[3 + x * 3] = 128;
    }
    if (opts.noise) randomFillSync(row, 1);
    rows.push(row);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...(opts.extraChunks ?? []).map(([t, d]) => pngChunk(t, d)),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A baseline 8×8 greyscale JPEG: one block whose DC difference is 0 and whose AC coefficients are
 * all zero (end of block), with one-code Huffman tables. Decoders show a mid-grey square.
 */
export function makeJpeg(opts: { comment?: string } = {}): Buffer {
  const seg = (marker: number, body: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  const app0 = seg(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = seg(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]));
  const sof = seg(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
  const counts = (first: number) => {
    const c = Buffer.alloc(16);
    c[0] = first;
    return c;
  };
  const dhtDc = seg(0xc4, Buffer.concat([Buffer.from([0x00]), counts(1), Buffer.from([0x00])]));
  const dhtAc = seg(0xc4, Buffer.concat([Buffer.from([0x10]), counts(1), Buffer.from([0x00])]));
  const sos = seg(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const com = opts.comment ? seg(0xfe, Buffer.from(opts.comment, 'latin1')) : Buffer.alloc(0);
  // DC category 0 = bit "0", end of block = bit "0", padded with ones.
  const scan = Buffer.from([0x3f]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, com, dqt, sof, dhtDc, dhtAc, sos, scan, Buffer.from([0xff, 0xd9])]);
}

/** A 1×1 lossless WebP (VP8L). */
export function makeWebp(): Buffer {
  // The VP8L bitstream of a single transparent pixel, as libwebp writes it.
  const vp8l = Buffer.from([0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00]);
  const chunkHead = Buffer.alloc(8);
  chunkHead.write('VP8L', 0, 'latin1');
  chunkHead.writeUInt32LE(vp8l.length - 1, 4); // 13 bytes of data plus one pad byte
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunkHead, vp8l]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/** A one-page PDF with correct cross-reference offsets; `catalogExtra` goes into the catalog dictionary. */
export function makePdf(opts: { text?: string; catalogExtra?: string; trailerExtra?: string; extraObjects?: string[] } = {}): Buffer {
  const text = (opts.text ?? 'Seva Kendra test document').replace(/[()\\]/g, '');
  const content = `BT /F1 18 Tf 40 100 Td (${text}) Tj ET`;
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R ${opts.catalogExtra ?? ''}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(opts.extraObjects ?? []),
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${opts.trailerExtra ?? ''}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PDF whose catalog hides /OpenAction inside a compressed object stream. */
export function makePdfWithCompressedAction(): Buffer {
  const inner = Buffer.from('6 0 << /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>');
  const compressed = deflateSync(inner);
  const objStm = `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${compressed.length} >>\nstream\n`;
  const base = makePdf({ extraObjects: [] }).toString('latin1');
  // Insert the object stream before the xref table (offsets of the xref no longer matter to the check).
  const at = base.indexOf('xref\n');
  const obj = Buffer.concat([Buffer.from(`6 0 obj\n${objStm}`, 'latin1'), compressed, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  return Buffer.concat([Buffer.from(base.slice(0, at), 'latin1'), obj, Buffer.from(base.slice(at), 'latin1')]);
}

/** A PDF with an object stream that inflates to `megabytes` MB of zeros: a zip bomb inside a PDF. */
export function makePdfBomb(megabytes = 64): Buffer {
  const compressed = deflateSync(Buffer.alloc(megabytes * 1024 * 1024), { level: 9 });
  const objStm = `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${compressed.length} >>\nstream\n`;
  const base = makePdf().toString('latin1');
  const at = base.indexOf('xref\n');
  const obj = Buffer.concat([Buffer.from(`6 0 obj\n${objStm}`, 'latin1'), compressed, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  return Buffer.concat([Buffer.from(base.slice(0, at), 'latin1'), obj, Buffer.from(base.slice(at), 'latin1')]);
}

/** The first bytes of a Windows executable. */
export function makeExe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

/** A minimal ZIP archive (one stored file). */
export function makeZip(name = 'evil.html', content = '<html><script>alert(1)</script></html>'): Buffer {
  const data = Buffer.from(content);
  const fname = Buffer.from(name);
  const crc = crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fname.length, 28);
  const localPart = Buffer.concat([local, fname, data]);
  const centralPart = Buffer.concat([central, fname]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, centralPart, end]);
}

/** Known magic numbers a stored (encrypted) file must not start with. */
export const KNOWN_MAGIC: Buffer[] = [
  PNG_SIGNATURE,
  Buffer.from([0xff, 0xd8, 0xff]),
  Buffer.from('%PDF'),
  Buffer.from('RIFF'),
  Buffer.from('PK'),
  Buffer.from('MZ'),
  Buffer.from('GIF8'),
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
  Buffer.from([0x1f, 0x8b]),
];
