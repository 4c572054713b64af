// Rewrites the README's configuration table from CONFIG_VARS, so the two never disagree
// (server/src/readme.test.ts fails when they do).
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_VARS } from '../server/src/config.js';

export function configTable(): string {
  const rows = CONFIG_VARS.map((v) => `| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : '—'} | ${v.description} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

export const START = /<!-- config-table:start[^>]*-->/;
export const END = '<!-- config-table:end -->';

if (process.argv[1]?.endsWith('config-table.ts')) {
  const readme = readFileSync('README.md', 'utf8');
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < 0) throw new Error('README.md lacks the config-table markers');
  const before = readme.slice(0, start.index + start[0].length);
  writeFileSync('README.md', `${before}\n${configTable()}\n${readme.slice(end)}`);
}
