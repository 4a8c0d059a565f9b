// The direction check that `npm run lint` runs (scripts/import-directions.ts): an import from one
// room into another passes only through a door of the table or a named exception, type-only doors
// let only type imports through, and an exception nothing uses any more is reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importEdges, moduleImports } from '../../scripts/import-cycles';
import { directionViolations, doorsText, EXCEPTIONS, type Exception } from '../../scripts/import-directions';

describe('moduleImports', () => {
  it('tells imports of types only from imports at run time', () => {
    const text = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { type D, e } from './c';",
      "import f, { type G } from './d';",
      "import './e';",
      "import {} from './f';",
      "export type { H } from './g';",
      "export { type I } from './h';",
      "export * from './i';",
      "export { j } from './j';",
      "type K = typeof import('./k');",
      "const l = await import('./l');",
      "const m = require('./m');",
      "import n = require('./n');",
      "import type o = require('./o');",
    ].join('\n');
    expect(moduleImports('x.ts', text)).toEqual([
      { specifier: './a', typeOnly: true },
      { specifier: './b', typeOnly: true },
      { specifier: './c', typeOnly: false },
      { specifier: './d', typeOnly: false },
      { specifier: './e', typeOnly: false },
      { specifier: './f', typeOnly: false },
      { specifier: './g', typeOnly: true },
      { specifier: './h', typeOnly: true },
      { specifier: './i', typeOnly: false },
      { specifier: './j', typeOnly: false },
      { specifier: './k', typeOnly: true },
      { specifier: './l', typeOnly: false },
      { specifier: './m', typeOnly: false },
      { specifier: './n', typeOnly: false },
      { specifier: './o', typeOnly: true },
    ]);
    expect(moduleImports('x.tsx', "import type { P } from './p';\nexport const q = <div />;\n")).toEqual([
      { specifier: './p', typeOnly: true },
    ]);
  });
});

describe('directionViolations', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'grantflow-import-directions-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const files: Record<string, string> = {
    'domain/rule.ts': "import { other } from './other';\nexport const rule = other;\n",
    'domain/other.ts': 'export const other = 1;\n',
    'domain/wrong.ts': "import { app } from '../api/app';\nexport const wrong = app;\n",
    'db/writer.ts': "import { rule } from '../domain/rule';\nexport const writer = rule;\n",
    'db/wrong.ts': "import type { Activities } from '../activities';\nexport type W = Activities;\n",
    'activities/index.ts': "import { writer } from '../db/writer';\nexport type Activities = typeof writer;\n",
    'activities/record.ts': 'export interface Rec { id: string }\n',
    'activities/wrong.ts': "import type { State } from '../workflows/flow-messages';\nexport type W = State;\n",
    'workflows/flow.ts':
      "import type { Activities } from '../activities';\nimport { rule } from '../domain/rule';\nimport { go } from './flow-messages';\nexport const flow = [rule, go] as unknown as Activities;\n",
    'workflows/flow-messages.ts': 'export interface State { n: number }\nexport const go = 1;\n',
    'workflows/index.ts': "export { flow } from './flow';\n",
    'workflows/value.ts': "import { createActivities } from '../activities';\nexport const v = createActivities;\n",
    'workflows/record.ts': "import type { Rec } from '../activities/record';\nexport type R = Rec;\n",
    'api/app.ts':
      "import { writer } from '../db/writer';\nimport { go } from '../workflows/flow-messages';\nimport type { flow } from '../workflows';\nexport const app = [writer, go] as unknown as typeof flow;\n",
    'api/routes/view.ts': 'export interface View { id: string }\n',
    'api/wrong.ts':
      "import { flow } from '../workflows/flow';\nimport { createActivities } from '../activities';\nimport { start } from '../server/start';\nexport const w = [flow, createActivities, start];\n",
    'api/started.ts': "import { flow } from '../workflows';\nexport const s = flow;\n",
    'web/src/page.tsx':
      "import type { View } from '../../api/routes/view';\nimport { rule } from '../../domain/rule';\nexport const p = (v: View) => <b>{rule}</b>;\n",
    'web/src/wrong.ts': "import { app } from '../../api/app';\nexport const w = app;\n",
    'server/start.ts':
      "import { app } from '../api/app';\nimport { flow } from '../workflows/flow';\nimport { createActivities } from '../activities';\nexport const start = [app, flow, createActivities];\n",
    'tests/t.test.ts': "import { wrong } from '../domain/wrong';\nexport const t = wrong;\n",
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  const edges = importEdges(root, ['domain', 'db', 'workflows', 'activities', 'api', 'web/src', 'server', 'tests']);
  const pairs = (list: Array<{ from: string; to: string }>) => list.map((v) => `${v.from} → ${v.to}`);

  it('reports exactly the imports no door allows, type-only doors letting only types through', () => {
    const { violations, unusedExceptions } = directionViolations(edges, undefined, []);
    expect(pairs(violations)).toEqual([
      'activities/wrong.ts → workflows/flow-messages.ts',
      'api/started.ts → workflows/index.ts',
      'api/wrong.ts → workflows/flow.ts',
      'api/wrong.ts → activities/index.ts',
      'api/wrong.ts → server/start.ts',
      'db/wrong.ts → activities/index.ts',
      'domain/wrong.ts → api/app.ts',
      'web/src/wrong.ts → api/app.ts',
      'workflows/record.ts → activities/record.ts',
      'workflows/value.ts → activities/index.ts',
    ]);
    expect(unusedExceptions).toEqual([]);
    expect(violations.find((v) => v.from === 'domain/wrong.ts')?.allowed).toBe('nothing outside its own folder');
    expect(violations.find((v) => v.from === 'workflows/value.ts')?.allowed).toBe(doorsText('workflows'));
    expect(doorsText('workflows')).toBe('domain/, activities/index.ts (types only)');
  });

  it('lets a named exception through for its own files only, and reports one nothing uses', () => {
    const typesOfRecord: Exception = {
      from: /^workflows\/record\.ts$/,
      to: 'activities/record.ts',
      typesOnly: true,
      why: 'test',
    };
    const stale: Exception = { from: 'api/app.ts', to: 'activities/record.ts', why: 'test' };
    const valueOfIndex: Exception = { from: 'db/wrong.ts', to: 'activities/index.ts', why: 'test' };
    const { violations, unusedExceptions } = directionViolations(edges, undefined, [
      typesOfRecord,
      stale,
      valueOfIndex,
    ]);
    expect(pairs(violations)).not.toContain('workflows/record.ts → activities/record.ts');
    expect(pairs(violations)).not.toContain('db/wrong.ts → activities/index.ts');
    expect(pairs(violations)).toContain('workflows/value.ts → activities/index.ts');
    expect(violations).toHaveLength(8);
    expect(unusedExceptions).toEqual([stale]);
    // A types-only exception does not let a run-time import through.
    const typesOfIndex: Exception = {
      from: 'workflows/value.ts',
      to: 'activities/index.ts',
      typesOnly: true,
      why: 'test',
    };
    const again = directionViolations(edges, undefined, [typesOfIndex]);
    expect(pairs(again.violations)).toContain('workflows/value.ts → activities/index.ts');
    expect(again.unusedExceptions).toEqual([typesOfIndex]);
  });

  it('holds for the repository: no import against the table, every named exception still needed', () => {
    const repository = path.resolve(__dirname, '../..');
    const { violations, unusedExceptions } = directionViolations(importEdges(repository));
    expect(pairs(violations)).toEqual([]);
    expect(unusedExceptions).toEqual([]);
    expect(EXCEPTIONS.every((e) => e.why.length > 20)).toBe(true);
  });
});
