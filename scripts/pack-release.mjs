// `pnpm pack:release`: the two npm packages, written at the repository root. Run after `pnpm build`.
// - `leadtrail` (leadtrail-<version>.tgz): the bundled CLI and server (dist/cli.mjs, the workspace's own packages
//   inside it), the built tracker beside it (served at /leadtrail.js), and only the runtime dependencies that cannot
//   be bundled: native or large ones installed from the registry (better-sqlite3, pg, ...).
// - `@leadtrail/tracker` (leadtrail-tracker-<version>.tgz), for bundler users: the ESM build, its types as one
//   declaration file (the protocol's internal types stay out: only what the public API names is in it), and the
//   embed build. No dependencies: idb-keyval is bundled.
// `node scripts/pack-release.mjs [leadtrail|tracker]` packs one; each package is staged in its own folder, so two
// packs can run at once. Prints each tarball's path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const collector = `${root}packages/collector/`;
const tracker = `${root}packages/tracker/`;
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** A clean stage folder holding `files` (target → source), a package.json, packed at the root; returns its path. */
function pack(name, files, manifest) {
  for (const source of Object.values(files)) {
    if (!existsSync(source)) throw new Error(`${source} is missing: run pnpm build first`);
  }
  const stage = `${root}.tmp/release/${name}/`;
  rmSync(stage, { recursive: true, force: true });
  for (const [target, source] of Object.entries(files)) {
    mkdirSync(dirname(`${stage}${target}`), { recursive: true });
    copyFileSync(source, `${stage}${target}`);
  }
  writeFileSync(`${stage}package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return stage;
}

const npmPack = (stage) =>
  `${root}${execFileSync('npm', ['pack', '--pack-destination', root], { cwd: stage, encoding: 'utf8' }).trim().split('\n').at(-1)}`;

function packLeadtrail() {
  const pkg = readJson(`${collector}package.json`);
  const stage = pack(
    'leadtrail',
    {
      'dist/cli.mjs': `${collector}dist/cli.mjs`,
      'dist/leadtrail.js': `${tracker}dist/leadtrail.js`,
      'README.md': `${root}README.md`,
    },
    {
      name: 'leadtrail',
      version: pkg.version,
      description: 'Lead capture for your own site: a tracker script and a collector with REST, MCP and a dashboard',
      type: 'module',
      bin: { leadtrail: 'bin/leadtrail.mjs' },
      files: ['bin', 'dist', 'README.md'],
      engines: { node: '>=20' },
      dependencies: Object.fromEntries(
        Object.entries(pkg.dependencies).filter(([name]) => !name.startsWith('@leadtrail/')),
      ),
      license: 'UNLICENSED',
    },
  );
  mkdirSync(`${stage}bin`, { recursive: true });
  writeFileSync(`${stage}bin/leadtrail.mjs`, "#!/usr/bin/env node\nawait import('../dist/cli.mjs');\n", {
    mode: 0o755,
  });
  return npmPack(stage);
}

function packTracker() {
  const pkg = readJson(`${tracker}package.json`);
  const types = `${root}.tmp/release/tracker-types/index.d.ts`;
  // One declaration file from the source (types are never written twice). The protocol is mapped to its source so
  // the generator treats it as ours and inlines only what the public API uses (none of it today).
  execFileSync(
    process.execPath,
    [
      `${tracker}node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js`,
      '--silent',
      '--project',
      `${tracker}tsconfig.types.json`,
      '-o',
      types,
      `${tracker}src/index.ts`,
    ],
    { stdio: 'inherit' },
  );
  const stage = pack(
    'tracker',
    {
      'dist/leadtrail.mjs': `${tracker}dist/leadtrail.mjs`,
      'dist/leadtrail.js': `${tracker}dist/leadtrail.js`,
      'dist/index.d.ts': types,
      'README.md': `${tracker}README.md`,
    },
    {
      name: '@leadtrail/tracker',
      version: pkg.version,
      description: 'The leadtrail tracker: page history kept in the browser, sent with a form to your collector',
      type: 'module',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/leadtrail.mjs' },
        './leadtrail.js': './dist/leadtrail.js',
        './package.json': './package.json',
      },
      types: './dist/index.d.ts',
      files: ['dist', 'README.md'],
      license: 'UNLICENSED',
    },
  );
  return npmPack(stage);
}

const which = process.argv[2];
if (which !== undefined && which !== 'leadtrail' && which !== 'tracker') {
  throw new Error(`pack-release: pack "leadtrail" or "tracker" (or both, with no argument), got "${which}"`);
}
if (which !== 'tracker') process.stdout.write(`${packLeadtrail()}\n`);
if (which !== 'leadtrail') process.stdout.write(`${packTracker()}\n`);
