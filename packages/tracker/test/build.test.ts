// @vitest-environment happy-dom
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDb, KEY, stubFetch, until } from './helpers.ts';

const root = join(import.meta.dirname, '..');
let iife: string;
let esm: string;

beforeAll(() => {
  // Into a directory of its own: dist/ may be served by a collector another suite is running.
  const out = mkdtempSync(join(tmpdir(), 'leadtrail-build-'));
  execFileSync(process.execPath, ['scripts/build.mjs', out], { cwd: root, stdio: 'pipe' });
  iife = readFileSync(join(out, 'leadtrail.js'), 'utf8');
  esm = readFileSync(join(out, 'leadtrail.mjs'), 'utf8');
  rmSync(out, { recursive: true, force: true });
});

describe('the built leadtrail.js', () => {
  it('fits the budget: at most 3,072 bytes gzipped (level 9)', () => {
    expect(gzipSync(iife, { level: 9 }).length).toBeLessThanOrEqual(3072);
  });

  it('is strict-CSP safe: no eval, no Function constructor, no inline styles, no source map', () => {
    expect(iife).not.toMatch(/\beval\b|new Function|Function\(|\.style\b|setAttribute\(["']style|innerHTML/);
    expect(iife).not.toContain('sourceMappingURL');
    expect(esm).toMatch(/export\s*\{/);
  });

  it('runs in a page, adds only the `leadtrail` global and delivers an identify', async () => {
    freshDb();
    const sent = stubFetch();
    document.head.innerHTML = `<script type="text/x-test" src="https://collector.example/leadtrail.js" data-key="${KEY}"></script>`;
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    // Test code evaluating the built file, the way a browser runs a classic script.
    new Function(iife)();
    expect(Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k))).toEqual(['leadtrail']);
    const lt = (globalThis as unknown as { leadtrail: import('../src/api.ts').Leadtrail }).leadtrail;
    expect(await lt.visitor()).toMatchObject({ visit_count: 1 });
    lt.identify({ email: 'ada@example.com' });
    await until(() => sent.length === 1);
    expect(sent[0]!.url).toBe('https://collector.example/api/agents/tools/leads/identify');
    lt.optOut();
  });
});
