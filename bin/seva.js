#!/usr/bin/env node
// Runs the compiled CLI; `npm start` builds it first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/server/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('Seva Kendra is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(cli);
