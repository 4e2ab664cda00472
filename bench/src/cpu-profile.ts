import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function in a V8 CPU profile. */
export interface HotFunction {
  name: string;
  /** Where it is: the package for dependencies, the file for our code. */
  where: string;
  share: number;
}

function whereOf(url: string): string {
  if (!url) return '(native)';
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (file.startsWith('node:')) return file;
  const root = file.indexOf('/server/');
  return root >= 0 ? file.slice(root + 1) : path.basename(file);
}

/**
 * The functions the app spent most of its CPU in, from the `.cpuprofile` Node wrote at exit (`--cpu-prof`), by
 * self time. Also summed by package, which shows at a glance whether time goes to our code, the database driver,
 * Socket.IO or JSON.
 */
export function hottest(
  dir: string,
  top = 12,
): { functions: HotFunction[]; packages: HotFunction[]; file: string } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const file = path.join(dir, files.sort().at(-1)!);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + delta);
    // Shares are of the time the app was busy, not of the run.
    if (byId.get(id)!.callFrame.functionName !== '(idle)') total += delta;
  });
  const functions = new Map<string, HotFunction>();
  const packages = new Map<string, HotFunction>();
  for (const [id, time] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const where = whereOf(frame.url);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}:${frame.lineNumber + 1}`;
    const fn = functions.get(key) ?? { name, where: `${where}:${frame.lineNumber + 1}`, share: 0 };
    fn.share += time / total;
    functions.set(key, fn);
    const pkg = packages.get(where) ?? { name: where, where, share: 0 };
    pkg.share += time / total;
    packages.set(where, pkg);
  }
  const sorted = (m: Map<string, HotFunction>) =>
    [...m.values()].sort((a, b) => b.share - a.share).slice(0, top);
  return { functions: sorted(functions), packages: sorted(packages), file };
}
