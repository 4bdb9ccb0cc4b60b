/**
 * Runs one benchmark: `npm run bench -- <name> [--quick]`.
 * Each benchmark lives in `bench/<name>.ts` and exports `run: Bench`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bench, emit } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f))
  .map((f) => f.slice(0, -3));

if (names.length === 0) {
  process.stderr.write(`usage: npm run bench -- <name> [--quick]\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
for (const name of names) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`unknown benchmark "${name}"; available: ${available.join(', ')}\n`);
    process.exit(2);
  }
  const mod = (await import(file)) as { run: Bench };
  await mod.run({ quick, emit });
}
