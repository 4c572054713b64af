import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { META_EXAMPLES_DIR, SHARED_META_EXAMPLES_DIR } from './meta.js';

test('the Meta example fixtures are a byte-for-byte copy of the shared reference', { skip: existsSync(SHARED_META_EXAMPLES_DIR) ? false : 'no ../shared beside this checkout' }, () => {
  const shared = readdirSync(SHARED_META_EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
  const ours = readdirSync(META_EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(ours, shared);
  for (const f of shared) {
    assert.ok(readFileSync(path.join(META_EXAMPLES_DIR, f)).equals(readFileSync(path.join(SHARED_META_EXAMPLES_DIR, f))), `${f} differs: copy it again`);
  }
});
