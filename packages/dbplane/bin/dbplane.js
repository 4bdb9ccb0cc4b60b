#!/usr/bin/env node
// The `dbplane` command runs the compiled CLI; `npm ci` builds it (the root `prepare` script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'dbplane is not built: run `npm run build` at the repository root (npm ci does it).\n',
  );
  process.exit(1);
}
await import(main.href);
