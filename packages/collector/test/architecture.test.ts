/**
 * The import rule of docs/architecture.md, checked on every source file: each layer imports only the layers below
 * it, the doors never import each other, and only the wiring and the CLI import the store for more than its types.
 * The tracker takes nothing but types from the protocol, and the protocol imports no other package of ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COLLECTOR = join(PACKAGES, 'collector/src');

/** What each layer of the collector may import; `types` lists layers it may take types from only. */
const RULES: Record<string, { imports: string[]; types?: string[] }> = {
  cli: { imports: ['cli', 'wiring', 'rest', 'mcp', 'dashboard', 'web', 'core', 'store', 'version', 'log'] },
  wiring: { imports: ['wiring', 'rest', 'mcp', 'dashboard', 'web', 'core', 'store', 'version', 'log'] },
  rest: { imports: ['rest', 'web', 'core', 'version'], types: ['store'] },
  mcp: { imports: ['mcp', 'web', 'core', 'version'], types: ['store'] },
  dashboard: { imports: ['dashboard', 'web', 'core', 'version'], types: ['store'] },
  web: { imports: ['web', 'core'], types: ['store'] },
  core: { imports: ['core', 'store'] },
  store: { imports: ['store', 'log'] },
  version: { imports: [] },
  log: { imports: [] },
};

/** The layer of a collector source file: its top folder, or the wiring files at the top. */
function layerOf(file: string): string {
  const path = relative(COLLECTOR, file);
  const [top] = path.split('/');
  if (path === 'version.ts') return 'version';
  if (path === 'process-log.ts') return 'log';
  if (['app.ts', 'server.ts', 'index.ts'].includes(path)) return 'wiring';
  return top!;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** The module specifiers a file imports or re-exports, and whether each brings types only. */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'([^']+)'/gm;
  for (const match of source.matchAll(pattern)) {
    const [, typeKeyword, clause = '', spec = ''] = match;
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const everyNameIsType =
      names
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type ')) === true;
    found.push({ spec, typeOnly: Boolean(typeKeyword) || everyNameIsType });
  }
  for (const match of source.matchAll(/^import\s+'([^']+)'/gm)) found.push({ spec: match[1]!, typeOnly: false });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the import rule (docs/architecture.md)', () => {
  it('every collector file imports only what its layer may', () => {
    const broken: string[] = [];
    const files = sourceFiles(COLLECTOR);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const layer = layerOf(file);
      const rule = RULES[layer];
      if (!rule) {
        broken.push(`${relative(COLLECTOR, file)}: in no layer (add its folder to the rule)`);
        continue;
      }
      for (const { spec, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('@leadtrail/') && spec !== '@leadtrail/protocol') {
          broken.push(`${relative(COLLECTOR, file)} imports ${spec}`);
        }
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(COLLECTOR)) continue; // package.json
        const to = layerOf(target);
        const allowed = rule.imports.includes(to) || (typeOnly && rule.types?.includes(to));
        if (!allowed) broken.push(`${relative(COLLECTOR, file)} (${layer}) imports ${spec} (${to})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the tracker takes only types from the protocol, and the protocol imports no package of ours', () => {
    const broken: string[] = [];
    for (const file of sourceFiles(join(PACKAGES, 'tracker/src'))) {
      for (const { spec, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('@leadtrail/') && (spec !== '@leadtrail/protocol' || !typeOnly)) {
          broken.push(`${relative(PACKAGES, file)} imports ${spec}${typeOnly ? ' (types)' : ''}`);
        }
      }
    }
    for (const file of sourceFiles(join(PACKAGES, 'protocol/src'))) {
      for (const { spec } of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('@leadtrail/') || spec.startsWith('../'))
          broken.push(`${relative(PACKAGES, file)}: ${spec}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reads imports as the rule means them', () => {
    const source = [
      "import type { A } from '../store/a.ts';",
      "import { type B, type C } from '../store/b.ts';",
      "import { type D, e } from '../store/c.ts';",
      "export { f } from '../core/f.ts';",
      "export type * from './g.ts';",
      "import '../side-effect.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { spec: '../store/a.ts', typeOnly: true },
      { spec: '../store/b.ts', typeOnly: true },
      { spec: '../store/c.ts', typeOnly: false },
      { spec: '../core/f.ts', typeOnly: false },
      { spec: './g.ts', typeOnly: true },
      { spec: '../side-effect.ts', typeOnly: false },
    ]);
  });
});
