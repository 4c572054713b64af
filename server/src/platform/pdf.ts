import { formatRupees } from './money.js';

/**
 * One-page PDFs written directly (receipts, acknowledgements): about 200 lines instead of a PDF
 * library and its font stack. They use the standard Helvetica fonts, which every PDF reader has, so
 * nothing is embedded; those cover Latin-1 only, so the rupee sign is drawn as a small vector figure
 * and characters outside Windows-1252 (e.g. a name in Devanagari) print as "?".
 */

// Advance widths (1/1000 em) of Helvetica and Helvetica-Bold for ASCII 32..126, from the Adobe AFMs.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
  975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
  333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

export type Font = 'F1' | 'F2';

export function textWidth(s: string, font: Font, size: number): number {
  const table = font === 'F2' ? HELVETICA_BOLD : HELVETICA;
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += c >= 32 && c <= 126 ? table[c - 32]! : 556;
  }
  return (w * size) / 1000;
}

// Windows-1252 code points 0x80..0x9F that differ from Latin-1.
const CP1252: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '™': 0x99 };

/** A PDF literal string in WinAnsiEncoding: ( ) \ escaped, bytes above 126 as octal escapes. */
export function pdfString(s: string): string {
  let out = '(';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    let byte: number;
    if (c >= 32 && c <= 126) byte = c;
    else if (CP1252[ch] !== undefined) byte = CP1252[ch]!;
    else if (c >= 0xa0 && c <= 0xff) byte = c;
    else byte = 63; // '?'
    if (byte === 40 || byte === 41 || byte === 92) out += '\\' + String.fromCharCode(byte);
    else if (byte > 126) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out + ')';
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

export class PdfCanvas {
  readonly ops: string[] = [];

  text(x: number, y: number, s: string, font: Font = 'F1', size = 10, gray = 0): void {
    this.ops.push(`BT ${n(gray)} g /${font} ${size} Tf ${n(x)} ${n(y)} Td ${pdfString(s)} Tj ET`);
  }

  textRight(xRight: number, y: number, s: string, font: Font = 'F1', size = 10): void {
    this.text(xRight - textWidth(s, font, size), y, s, font, size);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, gray = 0.7): void {
    this.ops.push(`${n(gray)} G ${n(width)} w ${n(x1)} ${n(y1)} m ${n(x2)} ${n(y2)} l S`);
  }

  rect(x: number, y: number, w: number, h: number, gray: number): void {
    this.ops.push(`${n(gray)} g ${n(x)} ${n(y)} ${n(w)} ${n(h)} re f 0 g`);
  }

  /** The rupee sign (₹) drawn with strokes, its baseline at y, as wide as a digit; returns its width. */
  rupee(x: number, y: number, size: number): number {
    const w = size * 0.5;
    const h = size * 0.7;
    const lw = size * 0.075;
    const X = (f: number) => n(x + f * w);
    const Y = (f: number) => n(y + f * h);
    this.ops.push(
      `q 0 G ${n(lw)} w 0 J 0 j ` +
        `${X(0)} ${Y(1)} m ${X(1)} ${Y(1)} l S ` + // top bar
        `${X(0)} ${Y(0.76)} m ${X(1)} ${Y(0.76)} l S ` + // second bar
        `${X(0.18)} ${Y(1)} m ${X(0.95)} ${Y(1)} ${X(0.95)} ${Y(0.5)} ${X(0.1)} ${Y(0.5)} c S ` + // bowl
        `${X(0.1)} ${Y(0.5)} m ${X(0.82)} ${Y(0)} l S Q`, // leg
    );
    return size * 0.62;
  }

  /** "₹ 1,234.50" right-aligned at xRight. */
  amount(xRight: number, y: number, paise: number, font: Font = 'F1', size = 10): void {
    const s = formatRupees(paise);
    const w = textWidth(s, font, size);
    this.rupee(xRight - w - size * 0.62, y, size);
    this.text(xRight - w, y, s, font, size);
  }
}

export function istDateTime(d: Date): string {
  return new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: true }).format(d) + ' IST';
}

function pdfDate(d: Date): string {
  return 'D:' + d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

/** Objects, cross-reference table and trailer of a one-page PDF 1.4 around a content stream. */
export function assemblePdf(content: string, title: string, author: string): Buffer {
  const stream = Buffer.from(content, 'latin1');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    null, // the content stream, written below
    `<< /Title ${pdfString(title)} /Author ${pdfString(author)} /Producer (Seva Kendra) /CreationDate (${pdfDate(new Date())}) >>`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk =
      body === null
        ? Buffer.concat([Buffer.from(`${i + 1} 0 obj\n<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream\nendobj\n', 'latin1')])
        : Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
