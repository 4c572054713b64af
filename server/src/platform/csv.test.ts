import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, toCsv } from './csv.js';

test('parseCsv reads what spreadsheets write: quotes, escaped quotes, line breaks in cells, CRLF, a BOM, blank lines', () => {
  const text = '\ufeffname,phone,note\r\n"Devi, Asha",+91 98765 43210,"said ""yes""\nat the counter"\r\n\r\nRavi,9123456789,\n';
  assert.deepEqual(parseCsv(text), [
    ['name', 'phone', 'note'],
    ['Devi, Asha', '+91 98765 43210', 'said "yes"\nat the counter'],
    ['Ravi', '9123456789', ''],
  ]);
  assert.deepEqual(parseCsv('a,b'), [['a', 'b']]);
  const rows = [['x', 'y, z'], ['=cmd', 'line\nbreak']];
  assert.deepEqual(parseCsv(toCsv(['h1', 'h2'], rows)), [['h1', 'h2'], ['x', 'y, z'], ["'=cmd", 'line\nbreak']]);
});

test('parseCsv refuses an unclosed quote and too many rows', () => {
  assert.throws(() => parseCsv('a,"b\nc'), /not closed/);
  assert.throws(() => parseCsv('a\nb\nc\n', 2), /more than 2 rows/);
});
