/**
 * Reads a V8 .cpuprofile (node --cpu-prof) into what a reader needs to see where the time goes: the functions with
 * the most self time, the share of each package (or Node's internals, or this app), and the inclusive share of
 * chosen frames (a function's own time plus what it calls, counted once per sample however deep it recurses).
 */
import { readFileSync } from 'node:fs';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** `kysely`, `hono`, `better-sqlite3`, `node:http`, `app` (the collector's own bundle), or a V8 pseudo-frame. */
export function ownerOf(frame: Frame): string {
  const { url, functionName } = frame;
  const pkg = /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(url);
  if (pkg) return pkg[1]!.replace('+', '/');
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0]!;
  if (url) return 'app';
  return functionName.startsWith('(') ? functionName : `native ${functionName}`;
}

const label = (frame: Frame) => `${frame.functionName || '(anonymous)'} [${ownerOf(frame)}]`;

export function summarize(path: string, { top = 15, frames = [] as string[] } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (const [i, id] of samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));

  let total = 0;
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  const inclusive = new Map<string, number>(frames.map((name) => [name, 0]));
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    self.set(label(frame), (self.get(label(frame)) ?? 0) + us);
    owners.set(ownerOf(frame), (owners.get(ownerOf(frame)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name)! + us);
      }
    }
  }
  const share = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    self: sorted(self)
      .slice(0, top)
      .map(([name, us]) => ({ name, share: share(us) })),
    owners: sorted(owners)
      .slice(0, top)
      .map(([name, us]) => ({ name, share: share(us) })),
    inclusive: [...inclusive].map(([name, us]) => ({ name, share: share(us) })),
  };
}
