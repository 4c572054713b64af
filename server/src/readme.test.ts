import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './platform/paths.js';
import { configTable } from '../../scripts/config-table.js';

test('the README configuration table matches the variables the platform reads', () => {
  const readme = readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
  assert.ok(readme.includes(configTable()), 'README.md is out of date: run `npm run docs:config`');
});
