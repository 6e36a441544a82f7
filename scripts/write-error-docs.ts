// Regenerates docs/errors.md from the catalogue: `npx tsx scripts/write-error-docs.ts`.
import { writeFileSync } from 'node:fs';
import { ERROR_CATALOGUE } from '../src/core/errors.js';

const rows = Object.entries(ERROR_CATALOGUE).map(([code, s]) => `| \`${code}\` | ${s.status} | ${s.exit} | ${s.hint.replaceAll('|', '\\|')} |`);
const text = [
  '# Error codes',
  '',
  'Every error Paddock reports carries one of these codes. The CLI prints the message and the hint and exits',
  'with the exit code (sysexits(3) classes); the HTTP API answers with the status and',
  '`{ "error": { "code", "message", "details" } }`. `src/core/errors.test.ts` checks this table against',
  '`src/core/errors.ts`; regenerate it with `npx tsx scripts/write-error-docs.ts`.',
  '',
  '| code | HTTP status | exit code | what to do |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
writeFileSync(new URL('../docs/errors.md', import.meta.url), text);
