#!/usr/bin/env node
// `npx diffusion-playground …`: runs cli/main.ts under tsx's loader (resolved from this package's
// node_modules), passing the arguments, stdio and exit status through.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
let loader;
try {
  loader = join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs');
} catch {
  process.stderr.write('diffusion-playground: tsx is not installed (run npm install)\n');
  process.exit(1);
}
const child = spawnSync(
  process.execPath,
  ['--import', pathToFileURL(loader).href, join(here, 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (child.error) {
  process.stderr.write(`diffusion-playground: ${child.error.message}\n`);
  process.exit(1);
}
process.exit(child.status ?? 1);
