// Summarises V8 CPU profiles (`node --cpu-prof`, .cpuprofile JSON) into the functions that spent the
// most CPU time themselves (self time), merged over several profiles (one per worker process).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name (file:line)`, the file relative to the project or node_modules. */
  name: string;
  selfMs: number;
  /** Share of the busy (not idle) time, 0–1. */
  share: number;
}

/** Where V8 was not running JavaScript for anyone (waiting for I/O). */
const IDLE = new Set(['(idle)']);

function label(frame: ProfileNode['callFrame'], root: string): string {
  let file = frame.url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) file = file.slice(modules + 'node_modules/'.length);
  else if (file.startsWith(root)) file = path.relative(root, file);
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} (${file}:${frame.lineNumber + 1})` : name;
}

/** The `top` functions by self time over every .cpuprofile in `dir`, and the busy total in ms. */
export function hotFunctions(
  dir: string,
  root: string,
  top = 15,
): { busyMs: number; idleMs: number; functions: HotFunction[] } {
  const selfUs = new Map<string, number>();
  let idleUs = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = byId.get(id)!;
      const delta = profile.timeDeltas[i] ?? 0;
      if (IDLE.has(node.callFrame.functionName)) idleUs += delta;
      else selfUs.set(label(node.callFrame, root), (selfUs.get(label(node.callFrame, root)) ?? 0) + delta);
    });
  }
  const busyUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions };
}
