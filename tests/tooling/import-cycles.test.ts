// The import-circle check that `npm run lint` runs (scripts/import-cycles.ts): it finds every
// circle, only circles, and reads type imports and re-exports as imports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { importCircles, importGraph } from '../../scripts/import-cycles';

const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

/** True when the graph has no circle: Kahn's algorithm removes every node. */
function acyclic(graph: ReadonlyMap<string, readonly string[]>): boolean {
  const incoming = new Map([...graph.keys()].map((n) => [n, 0]));
  for (const targets of graph.values()) for (const t of targets) incoming.set(t, (incoming.get(t) ?? 0) + 1);
  const ready = [...incoming].filter(([, n]) => n === 0).map(([node]) => node);
  let removed = 0;
  while (ready.length > 0) {
    const node = ready.pop()!;
    removed++;
    for (const t of graph.get(node) ?? []) {
      incoming.set(t, incoming.get(t)! - 1);
      if (incoming.get(t) === 0) ready.push(t);
    }
  }
  return removed === incoming.size;
}

describe('importCircles', () => {
  it('finds the circle, its way round, and nothing in a graph without one', () => {
    expect(importCircles(graphOf({ a: ['b'], b: ['c'], c: [], d: ['a', 'c'] }))).toEqual([]);
    expect(
      importCircles(
        graphOf({
          'domain/contract.ts': ['domain/escalation.ts'],
          'domain/escalation.ts': ['domain/notices.ts'],
          'domain/notices.ts': ['domain/contract.ts'],
        }),
      ),
    ).toEqual([['domain/contract.ts', 'domain/escalation.ts', 'domain/notices.ts', 'domain/contract.ts']]);
    expect(importCircles(graphOf({ a: ['a'] }))).toEqual([['a', 'a']]);
    expect(importCircles(graphOf({ a: ['b'], b: ['a'], c: ['d'], d: ['c'], e: ['a'] }))).toHaveLength(2);
  });

  it('reports a circle exactly when the graph has one, each a real path of imports', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edgeList = fc.uniqueArray(fc.tuple(fc.constantFrom(...nodes), fc.constantFrom(...nodes)), {
      maxLength: 12,
      selector: ([x, y]) => `${x}>${y}`,
    });
    fc.assert(
      fc.property(edgeList, (edges) => {
        const graph = new Map(nodes.map((n) => [n, edges.filter(([from]) => from === n).map(([, to]) => to)]));
        const circles = importCircles(graph);
        expect(circles.length === 0).toBe(acyclic(graph));
        for (const circle of circles) {
          expect(circle[0]).toBe(circle.at(-1));
          for (let i = 0; i + 1 < circle.length; i++) expect(graph.get(circle[i]!)).toContain(circle[i + 1]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('importGraph', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'grantflow-import-graph-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it('counts type imports, re-exports and index files; leaves packages out', () => {
    write('domain/a.ts', "import type { B } from './b';\nimport { x } from 'typebox';\nexport const a = 1;\n");
    write('domain/b.ts', "export { c } from './c';\nexport type B = number;\n");
    write('domain/c.ts', "import { a } from './a';\nexport const c = a;\n");
    write('domain/d/index.ts', 'export const d = 1;\n');
    write('web/src/page.tsx', "import { d } from '../../domain/d';\nexport const p = d;\n");
    const graph = importGraph(root, ['domain', 'web/src']);
    expect(graph.get('domain/a.ts')).toEqual(['domain/b.ts']);
    expect(graph.get('web/src/page.tsx')).toEqual(['domain/d/index.ts']);
    expect(importCircles(graph)).toEqual([['domain/a.ts', 'domain/b.ts', 'domain/c.ts', 'domain/a.ts']]);
  });
});
