// Builds dist/leadtrail.js (IIFE, the embed) and dist/leadtrail.mjs (ESM), prints sizes, enforces the budget.
// An optional argument writes to another directory (the unit test does, so it never rewrites dist/ under a
// collector that is serving it). `--pin` records newly mangled property names in mangle-cache.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET = 3072;
const GOAL = 2300;
const args = process.argv.slice(2);
const pin = args.includes('--pin');

// Property names ending in `_` ship as the short names pinned in this file. Those properties are stored in visitors'
// browsers (the IndexedDB record), so a pinned name never changes; one not pinned yet fails the build until `--pin`.
const cacheFile = join(root, 'scripts', 'mangle-cache.json');
const pinned = JSON.parse(readFileSync(cacheFile, 'utf8'));

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  // Logical assignment (ES2021) is in every browser since 2020 and saves bytes.
  target: 'es2021',
  platform: 'browser',
  legalComments: 'none',
  // Not the repo tsconfig: its alwaysStrict would add a "use strict" prologue the bundle does not need.
  tsconfigRaw: {},
  sourcemap: false,
  charset: 'utf8',
  logLevel: 'warning',
  mangleProps: /_$/,
};

const out = resolve(root, args.find((arg) => arg !== '--pin') ?? 'dist');
mkdirSync(out, { recursive: true });
const iife = await build({
  ...common,
  mangleCache: pinned,
  entryPoints: ['src/main.ts'],
  format: 'iife',
  outfile: join(out, 'leadtrail.js'),
});
// A second pass with terser over esbuild's output: its compressor finds what one pass leaves (about 4 % of the
// gzipped size). The embed ships to every page; the ESM file is minified again by its users' bundlers. Its
// "unsafe" transforms are safe for this code, which never tells true from 1 by type, compares no NaN, calls no
// method with `new` and never relies on getters having no side effects: the bundle test and the Chromium tests run
// the built file.
const { code: squeezed } = await minify(readFileSync(join(out, 'leadtrail.js'), 'utf8'), {
  ecma: 2021,
  compress: {
    passes: 3,
    pure_getters: true,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_comps: true,
    unsafe_methods: true,
    booleans_as_integers: true,
  },
  mangle: true,
});
writeFileSync(join(out, 'leadtrail.js'), squeezed);
// The IIFE's cache, so a name mangled for the first time is the same in both files.
const { mangleCache } = await build({
  ...common,
  mangleCache: iife.mangleCache,
  entryPoints: ['src/index.ts'],
  format: 'esm',
  outfile: join(out, 'leadtrail.mjs'),
});

const added = Object.keys(mangleCache).filter((name) => !(name in pinned));
if (added.length && pin) {
  const sorted = Object.fromEntries(Object.entries(mangleCache).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(cacheFile, JSON.stringify(sorted, null, 2) + '\n');
  console.log(`pinned in ${cacheFile}: ${added.map((name) => `${name} as ${mangleCache[name]}`).join(', ')}`);
} else if (added.length) {
  console.error(
    `not pinned in ${cacheFile}: ${added.join(', ')}. Once shipped, a stored name must never change: pin them with` +
      ' `node scripts/build.mjs --pin` (or name the property without a trailing _) and commit the file.',
  );
  process.exit(1);
}

let over = false;
for (const file of ['leadtrail.js', 'leadtrail.mjs']) {
  const code = readFileSync(join(out, file));
  const gz = gzipSync(code, { level: 9 }).length;
  console.log(`${join(out, file)}: ${code.length} B raw, ${gz} B gzip -9`);
  if (file.endsWith('.js')) {
    if (gz > BUDGET) over = true;
    console.log(
      gz > BUDGET ? `over the ${BUDGET} B budget` : gz > GOAL ? `within budget, above the ${GOAL} B goal` : 'ok',
    );
  }
}
if (over) process.exit(1);
