// Import circles among grantflow's own modules: there may be none (issue 15). `npm run lint` runs
// this after eslint and fails on any circle. Every import counts, `import type` and re-exports too:
// a circle of types still ties two rooms together (domain/contract → escalation → notices →
// contract was one, through a misplaced type). TypeScript's parser reads each file's imports (no
// type checking, about a second); only relative ones are ours. scripts/import-directions.ts checks
// which room may import which over the same edges.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Folders holding the project's TypeScript, relative to the repository (tsconfig.json's and web's). */
export const SOURCE_DIRS = [
  'domain',
  'workflows',
  'activities',
  'api',
  'db',
  'server',
  'scripts',
  'bench',
  'tests',
  'web/src',
];
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

/** One import of ours: the file imported, and whether every import of it in this file is of types only. */
export interface ImportEdge {
  target: string;
  /**
   * True when nothing of `target` is imported at run time: `import type`, `import { type A }`,
   * `export type … from`, `typeof import('…')`. A bare `import '…'`, `import()` and `require()` are
   * run-time imports.
   */
  typeOnly: boolean;
}

/** The specifiers `text` imports or re-exports from, each with whether that import is of types only. */
export function moduleImports(fileName: string, text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypeNames =
        !!bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || (!clause.name && onlyTypeNames)));
    } else if (ts.isExportDeclaration(node)) {
      const names = node.exportClause;
      const onlyTypeNames =
        !!names && ts.isNamedExports(names) && names.elements.length > 0 && names.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || onlyTypeNames);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Each source file under `dirs` (paths relative to `root`, with "/") and the files of ours it
 * imports: relative specifiers resolved as the bundler resolution does (the name as written, then
 * with an extension, then an index file). Imports of packages are left out.
 */
export function importEdges(root: string, dirs: readonly string[] = SOURCE_DIRS): Map<string, ImportEdge[]> {
  const files = dirs.flatMap((dir) => sourceFiles(root, dir));
  const known = new Set(files);
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    const candidates = [
      base,
      ...EXTENSIONS.map((ext) => base + ext),
      ...EXTENSIONS.map((ext) => `${base}/index${ext}`),
    ];
    return candidates.find((c) => known.has(c));
  };
  const edges = new Map<string, ImportEdge[]>();
  for (const file of files) {
    const byTarget = new Map<string, boolean>();
    for (const { specifier, typeOnly } of moduleImports(file, readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(file, specifier);
      if (target !== undefined) byTarget.set(target, (byTarget.get(target) ?? true) && typeOnly);
    }
    edges.set(
      file,
      [...byTarget].map(([target, typeOnly]) => ({ target, typeOnly })),
    );
  }
  return edges;
}

/** importEdges without the kinds: each file and the files of ours it imports in any way. */
export function importGraph(root: string, dirs: readonly string[] = SOURCE_DIRS): Map<string, string[]> {
  return new Map([...importEdges(root, dirs)].map(([file, edges]) => [file, edges.map((e) => e.target)]));
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
function circleThrough(
  start: string,
  group: ReadonlySet<string>,
  edges: (node: string) => readonly string[],
): string[] {
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
