// Import circles among grantflow's own modules: there may be none (issue 15). `npm run lint` runs
// this after eslint and fails on any circle. Every import counts, `import type` and re-exports too:
// a circle of types still ties two rooms together (domain/contract → escalation → notices →
// contract was one, through a misplaced type). TypeScript's own scanner reads each file's import
// specifiers (no type checking, well under a second); only relative ones are ours.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Folders holding the project's TypeScript, relative to the repository (tsconfig.json's and web's). */
export const SOURCE_DIRS = ['domain', 'workflows', 'activities', 'api', 'db', 'server', 'scripts', 'bench', 'tests', 'web/src'];
const SKIP = new Set(['node_modules', 'dist']);
const EXTENSIONS = ['.ts', '.tsx', '.mts'];

function sourceFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  let names: string[];
  try {
    names = readdirSync(full);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (SKIP.has(name)) return [];
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(full, name)).isDirectory()) return sourceFiles(root, rel);
    return EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/**
 * Each source file under `dirs` (paths relative to `root`, with "/") and the files of ours it
 * imports: relative specifiers resolved as the bundler resolution does (the name as written, then
 * with an extension, then an index file). Imports of packages are left out.
 */
export function importGraph(root: string, dirs: readonly string[] = SOURCE_DIRS): Map<string, string[]> {
  const files = dirs.flatMap((dir) => sourceFiles(root, dir));
  const known = new Set(files);
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)];
    return candidates.find((c) => known.has(c));
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(file, specifier))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * One circle for each group of modules that import each other (a strongly connected component of
 * `graph`, Tarjan's algorithm), as the path a → b → … → a; empty when there is none.
 */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const edges = (node: string) => graph.get(node) ?? [];

  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges(node)) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.add(member);
    } while (member !== node);
    if (group.size > 1 || edges(node).includes(node)) circles.push(circleThrough(node, group, edges));
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return circles;
}

/** The shortest path from `start` back to itself within `group` (breadth first). */
function circleThrough(start: string, group: ReadonlySet<string>, edges: (node: string) => readonly string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges(node)) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const graph = importGraph(root);
  const circles = importCircles(graph);
  if (circles.length > 0) {
    console.error(`Import circles (${circles.length}): move the shared piece to a module both can import.`);
    for (const circle of circles) console.error(`  ${circle.join(' → ')}`);
    process.exit(1);
  }
  console.log(`No import circles among ${graph.size} modules.`);
}
