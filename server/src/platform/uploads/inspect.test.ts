import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectBuffer, type UploadPolicy } from './inspect.js';
import { UploadError } from './errors.js';
import { makeExe, makeJpeg, makePdf, makePdfWithCompressedAction, makePng, makeWebp, makeZip } from '../../test/files.js';

const policy: UploadPolicy = { name: 'test', types: ['pdf', 'jpeg', 'png', 'webp'], maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000, maxDimension: 12_000 };

async function refusal(bytes: Buffer, p: UploadPolicy = policy): Promise<{ code: string; status: number; message: string }> {
  try {
    await inspectBuffer(bytes, p);
  } catch (err) {
    assert.ok(err instanceof UploadError, `expected an UploadError, got ${String(err)}`);
    return { code: err.code, status: err.status, message: err.message };
  }
  assert.fail('the file was accepted');
}

function withTrailer(bytes: Buffer, extra: string | Buffer): Buffer {
  return Buffer.concat([bytes, typeof extra === 'string' ? Buffer.from(extra) : extra]);
}

describe('upload inspection', () => {
  test('accepts each allowed type, whatever it is called, and reads image sizes', async () => {
    const png = await inspectBuffer(makePng({ width: 20, height: 10 }), policy);
    assert.deepEqual(png, { type: 'png', contentType: 'image/png', size: png.size, width: 20, height: 10 });
    const jpeg = await inspectBuffer(makeJpeg(), policy);
    assert.deepEqual([jpeg.type, jpeg.width, jpeg.height], ['jpeg', 8, 8]);
    const webp = await inspectBuffer(makeWebp(), policy);
    assert.deepEqual([webp.type, webp.width, webp.height], ['webp', 1, 1]);
    const pdf = await inspectBuffer(makePdf(), policy);
    assert.deepEqual([pdf.type, pdf.contentType, pdf.width], ['pdf', 'application/pdf', null]);
    // A large PNG streams through in pieces.
    const big = await inspectBuffer(makePng({ width: 1200, height: 900 }), policy);
    assert.equal(big.width, 1200);
  });

  test('refuses what is not one of the allowed types by its bytes', async () => {
    assert.deepEqual(await refusal(makeExe()), { code: 'unsupported_file_type', status: 415, message: 'Only PDF, JPEG, PNG, WebP files are accepted here; this file is a Windows program.' });
    assert.equal((await refusal(makeZip())).code, 'unsupported_file_type');
    assert.equal((await refusal(Buffer.from('GIF89a' + '\0'.repeat(40)))).code, 'unsupported_file_type');
    assert.equal((await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).code, 'unsupported_file_type');
    assert.equal((await refusal(Buffer.from('hello'))).code, 'unsupported_file_type');
    // A type the policy does not take.
    assert.equal((await refusal(makePdf(), { ...policy, types: ['jpeg', 'png'] })).code, 'unsupported_file_type');
  });

  test('refuses empty and oversize files', async () => {
    assert.deepEqual(await refusal(Buffer.alloc(0)), { code: 'empty_file', status: 400, message: 'The file is empty.' });
    const r = await refusal(makePng({ width: 100, height: 100, noise: true }), { ...policy, maxBytes: 4096 });
    assert.equal(r.code, 'file_too_large');
    assert.equal(r.status, 413);
  });

  test('refuses absurd image dimensions from the header (decompression bombs)', async () => {
    for (const bomb of [
      makePng({ declaredWidth: 100_000, declaredHeight: 100_000 }),
      makePng({ declaredWidth: 12_000, declaredHeight: 12_000 }),
      makePng({ declaredWidth: 0, declaredHeight: 8 }),
    ]) {
      const r = await refusal(bomb);
      assert.ok(['image_too_large', 'malformed_file'].includes(r.code), r.code);
    }
    assert.equal((await refusal(makePng({ declaredWidth: 100_000, declaredHeight: 100_000 }))).status, 422);
    const jpeg = makeJpeg();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(65_000, sof + 5);
    jpeg.writeUInt16BE(65_000, sof + 7);
    assert.equal((await refusal(jpeg)).code, 'image_too_large');
  });

  test('refuses truncated files', async () => {
    const png = makePng();
    assert.equal((await refusal(png.subarray(0, png.length - 12))).code, 'truncated_file', 'PNG without IEND');
    assert.equal((await refusal(png.subarray(0, 40))).code, 'truncated_file');
    const jpeg = makeJpeg();
    assert.equal((await refusal(jpeg.subarray(0, jpeg.length - 2))).code, 'truncated_file', 'JPEG without EOI');
    const pdf = makePdf();
    assert.equal((await refusal(pdf.subarray(0, pdf.length - 7))).code, 'truncated_file', 'PDF without %%EOF');
    assert.equal((await refusal(pdf.subarray(0, 300))).code, 'truncated_file', 'PDF cut inside a stream');
    const webp = makeWebp();
    assert.equal((await refusal(webp.subarray(0, webp.length - 3))).code, 'truncated_file');
  });

  test('refuses data after the end marker and polyglots', async () => {
    assert.equal((await refusal(withTrailer(makePng(), '<html><body>hi</body></html>'))).code, 'trailing_data');
    assert.equal((await refusal(withTrailer(makePng(), makeZip()))).code, 'trailing_data');
    assert.equal((await refusal(withTrailer(makeJpeg(), 'x'))).code, 'trailing_data');
    assert.equal((await refusal(withTrailer(makePdf(), 'PK\x03\x04 more'))).code, 'trailing_data');
    assert.equal((await refusal(withTrailer(makeWebp(), 'abcd'))).code, 'trailing_data');
    // Inside the file.
    const htmlInPng = makePng({ extraChunks: [['tEXt', Buffer.from('Comment\0<html><script>alert(document.cookie)</script>')]] });
    assert.deepEqual(await refusal(htmlInPng), { code: 'polyglot_file', status: 422, message: 'This PNG file also contains web page or script code, which is not allowed.' });
    const zipInPng = makePng({ extraChunks: [['zIPp', makeZip('a.txt', 'hello')]] });
    assert.equal((await refusal(zipInPng)).code, 'polyglot_file');
    const exeInPng = makePng({ extraChunks: [['exEc', makeExe()]] });
    assert.equal((await refusal(exeInPng)).code, 'polyglot_file');
    assert.equal((await refusal(makeJpeg({ comment: '<script src=//evil.example/x.js></script>' }))).code, 'polyglot_file');
    assert.equal((await refusal(makePdf({ text: 'fine', extraObjects: ['<< /Note (x) >> <html><script>alert(1)</script>'] }))).code, 'polyglot_file');
  });

  test('refuses damaged structure', async () => {
    const png = makePng();
    png[png.length - 20] = png[png.length - 20]! ^ 0xff; // inside IDAT: the CRC no longer matches
    assert.equal((await refusal(png)).code, 'malformed_file');
    const jpeg = makeJpeg();
    const dqt = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    assert.equal((await refusal(Buffer.concat([jpeg.subarray(0, dqt), Buffer.from('garbage'), jpeg.subarray(dqt)]))).code, 'malformed_file');
  });

  test('refuses encrypted PDFs and PDFs with scripts or automatic actions', async () => {
    assert.deepEqual(await refusal(makePdf({ trailerExtra: '/Encrypt 6 0 R ', extraObjects: ['<< /Filter /Standard /V 2 /R 3 >>'] })), {
      code: 'pdf_encrypted',
      status: 422,
      message: 'This PDF is password-protected or encrypted. Upload a PDF without a password.',
    });
    const cases = [
      makePdf({ catalogExtra: '/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ' }),
      makePdf({ catalogExtra: '/Names << /JavaScript 6 0 R >> ', extraObjects: ['<< /Names [(x) 7 0 R] >>'] }),
      makePdf({ catalogExtra: '/AA << /O << /S /Launch /F (calc.exe) >> >> ' }),
      makePdf({ catalogExtra: '/Names << /EmbeddedFiles 6 0 R >> ', extraObjects: ['<< >>'] }),
      makePdf({ catalogExtra: '/Open#41ction 6 0 R ', extraObjects: ['<< /S /URI /URI (https://example.com) >>'] }),
      makePdfWithCompressedAction(),
    ];
    for (const pdf of cases) {
      const r = await refusal(pdf);
      assert.equal(r.code, 'pdf_active_content', r.message);
      assert.equal(r.status, 422);
    }
    // Names inside strings are text, not keys; /JSON is not /JS.
    await inspectBuffer(makePdf({ catalogExtra: '/JSON 1 /Title (About /JS and /OpenAction \\) stream) ' }), policy);
  });
});
