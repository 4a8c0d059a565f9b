// Which room of the house may import which (issue 15): `npm run lint` runs this after the circle
// check and fails on any import against the table below. The rooms are folders; a file may always
// import its own room. Files in no room (server/ wires the rooms together, scripts/, bench/ and
// tests/ use them) may import anything, and no room may import them. Edges come from
// scripts/import-cycles.ts (relative imports resolved to files, each marked type-only or not).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importEdges, type ImportEdge } from './import-cycles';

export const ROOMS = ['domain', 'db', 'workflows', 'activities', 'api', 'web'] as const;
export type Room = (typeof ROOMS)[number];

/** The folder of each room, relative to the repository. */
export const ROOM_FOLDERS: Record<Room, string> = {
  domain: 'domain/',
  db: 'db/',
  workflows: 'workflows/',
  activities: 'activities/',
  api: 'api/',
  web: 'web/src/',
};

/** Files a door opens onto: a folder (ending in "/"), one file, or files matching a pattern; paths relative to the repository. */
export type FileMatch = string | RegExp;

/** What a room may import beyond itself; `typesOnly`: only `import type` (nothing at run time). */
export interface Door {
  to: FileMatch;
  typesOnly?: boolean;
  why: string;
}

const MESSAGE_MODULES = /^workflows\/[^/]+-messages\.ts$/;

/** The table: every import from one room into another goes through one of these doors. */
export const DOORS: Record<Room, readonly Door[]> = {
  // Pure rules and records, shared by everything (the page's bundle and the workflow sandbox too).
  domain: [],
  db: [{ to: 'domain/', why: 'the records it stores' }],
  workflows: [
    { to: 'domain/', why: 'the rules and records' },
    // Temporal's pattern: proxyActivities<Activities>(); the records an activity takes are in domain/.
    { to: 'activities/index.ts', typesOnly: true, why: 'the Activities type, for proxyActivities' },
  ],
  activities: [
    { to: 'domain/', why: 'the rules and records' },
    { to: 'db/', why: 'the schema and the writers shared with the API' },
  ],
  api: [
    { to: 'domain/', why: 'the rules and records' },
    { to: 'db/', why: 'the schema and the writers shared with the activities' },
    // The samples' pattern: each workflow's signals, queries and Updates defined once in a
    // side-effect-free module that the client sends with.
    { to: MESSAGE_MODULES, why: 'Temporal messages, defined once, and their types' },
    { to: 'workflows/rejection.ts', why: 'the kinds every workflow refuses with, which the API answers' },
    {
      to: 'workflows/operator-view.ts',
      why: "a contract's search attributes and summaries, set at its start as the workflow keeps them",
    },
    { to: 'workflows/index.ts', typesOnly: true, why: 'the workflow functions, for typed starts' },
  ],
  web: [
    { to: 'domain/', why: 'the rules, lists and labels shared with the engine' },
    { to: 'api/routes/', typesOnly: true, why: 'the shapes the API answers with (its TypeBox schemas)' },
  ],
};

/** An import the table does not allow but that is left for now; each says why and when it goes. */
export interface Exception {
  from: FileMatch;
  to: FileMatch;
  typesOnly?: boolean;
  why: string;
}

/**
 * None today. One is for a move still under way (a record on its way to domain/): `npm run lint`
 * fails on an exception that no import uses any more, so none outlives its reason.
 */
export const EXCEPTIONS: readonly Exception[] = [];

export function roomOf(file: string): Room | undefined {
  return ROOMS.find((room) => file.startsWith(ROOM_FOLDERS[room]));
}

export function matches(match: FileMatch, file: string): boolean {
  if (typeof match !== 'string') return match.test(file);
  return match.endsWith('/') ? file.startsWith(match) : file === match;
}

/** A door (or an exception) lets `edge` through when it opens onto its target and the edge is of types only where it must be. */
const passes = (door: { to: FileMatch; typesOnly?: boolean }, edge: ImportEdge) =>
  matches(door.to, edge.target) && (!door.typesOnly || edge.typeOnly);

export interface Violation {
  from: string;
  to: string;
  typeOnly: boolean;
  /** What the importing room may import, for the message. */
  allowed: string;
}

const describeMatch = (match: FileMatch) =>
  typeof match === 'string' ? match : match === MESSAGE_MODULES ? 'workflows/*-messages.ts' : String(match);

/** What `room` may import, in words: "domain/, db/, activities/index.ts (types only)". */
export function doorsText(room: Room, doors: Record<Room, readonly Door[]> = DOORS): string {
  const list = doors[room].map((d) => `${describeMatch(d.to)}${d.typesOnly ? ' (types only)' : ''}`);
  return list.length === 0 ? 'nothing outside its own folder' : list.join(', ');
}

/**
 * The imports between rooms that no door and no exception allows, and the exceptions no import
 * uses (stale: to be removed), for `edges` (scripts/import-cycles.ts importEdges).
 */
export function directionViolations(
  edges: ReadonlyMap<string, readonly ImportEdge[]>,
  doors: Record<Room, readonly Door[]> = DOORS,
  exceptions: readonly Exception[] = EXCEPTIONS,
): { violations: Violation[]; unusedExceptions: Exception[] } {
  const violations: Violation[] = [];
  const used = new Set<Exception>();
  for (const [from, imports] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const room = roomOf(from);
    if (room === undefined) continue;
    for (const edge of imports) {
      if (roomOf(edge.target) === room) continue;
      if (doors[room].some((door) => passes(door, edge))) continue;
      const exception = exceptions.find((e) => matches(e.from, from) && passes(e, edge));
      if (exception) {
        used.add(exception);
        continue;
      }
      violations.push({ from, to: edge.target, typeOnly: edge.typeOnly, allowed: doorsText(room, doors) });
    }
  }
  return { violations, unusedExceptions: exceptions.filter((e) => !used.has(e)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const edges = importEdges(root);
  const { violations, unusedExceptions } = directionViolations(edges);
  if (violations.length > 0 || unusedExceptions.length > 0) {
    console.error(
      `Imports against the rooms' directions (${violations.length}), stale exceptions (${unusedExceptions.length}): ` +
        'move what both sides need to domain/ (records, rules) or db/ (database writers); the table is scripts/import-directions.ts.',
    );
    for (const v of violations)
      console.error(`  ${v.from} → ${v.to}${v.typeOnly ? ' (types)' : ''}: ${roomOf(v.from)} may import ${v.allowed}`);
    for (const e of unusedExceptions)
      console.error(`  exception no longer used, remove it: ${describeMatch(e.from)} → ${describeMatch(e.to)}`);
    process.exit(1);
  }
  console.log(`Imports between rooms follow their directions (${EXCEPTIONS.length} named exceptions in use).`);
}
