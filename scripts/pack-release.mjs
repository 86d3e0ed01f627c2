// `pnpm pack:release`: the `leadtrail` npm package, written as leadtrail-<version>.tgz at the repository root. It holds
// the bundled CLI and server (dist/cli.mjs, the workspace's own packages inside it), the built tracker beside it
// (served at /leadtrail.js), and lists only the runtime dependencies that cannot be bundled: native or large ones
// installed from the registry (better-sqlite3, pg, ...). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const collector = `${root}packages/collector/`;
const stage = `${root}.tmp/release/`;
const pkg = JSON.parse(readFileSync(`${collector}package.json`, 'utf8'));

for (const built of [`${collector}dist/cli.mjs`, `${root}packages/tracker/dist/leadtrail.js`]) {
  if (!existsSync(built)) throw new Error(`${built} is missing: run pnpm build first`);
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(`${stage}dist`, { recursive: true });
mkdirSync(`${stage}bin`, { recursive: true });
copyFileSync(`${collector}dist/cli.mjs`, `${stage}dist/cli.mjs`);
copyFileSync(`${root}packages/tracker/dist/leadtrail.js`, `${stage}dist/leadtrail.js`);
copyFileSync(`${root}README.md`, `${stage}README.md`);
writeFileSync(`${stage}bin/leadtrail.mjs`, "#!/usr/bin/env node\nawait import('../dist/cli.mjs');\n", { mode: 0o755 });

const dependencies = Object.fromEntries(
  Object.entries(pkg.dependencies).filter(([name]) => !name.startsWith('@leadtrail/')),
);
writeFileSync(
  `${stage}package.json`,
  `${JSON.stringify(
    {
      name: 'leadtrail',
      version: pkg.version,
      description: 'Lead capture for your own site: a tracker script and a collector with REST, MCP and a dashboard',
      type: 'module',
      bin: { leadtrail: 'bin/leadtrail.mjs' },
      files: ['bin', 'dist', 'README.md'],
      engines: { node: '>=20' },
      dependencies,
      license: 'UNLICENSED',
    },
    null,
    2,
  )}\n`,
);

const out = execFileSync('npm', ['pack', '--pack-destination', root], { cwd: stage, encoding: 'utf8' }).trim();
process.stdout.write(`${root}${out.split('\n').at(-1)}\n`);
