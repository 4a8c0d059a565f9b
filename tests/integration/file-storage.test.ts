// The file store's holds: a refused upload leaves none of the files it wrote, yet never deletes a
// file another upload holds — one accepted before, or one still in flight.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFileStorage, type HeldFiles } from '../../api/services/file-storage';

const dirs: string[] = [];
const store = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-store-'));
  dirs.push(dir);
  return { dir, storage: new LocalFileStorage(dir) };
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const file = (text: string) => {
  const bytes = Buffer.from(text);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
};
/** The stored files' hashes (holds, directories and anything else left out). */
const storedFiles = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => statSync(path.join(dir, p)).isFile() && /^[0-9a-f]{64}$/.test(path.basename(p)))
    .map((p) => path.basename(p))
    .sort();
/** Every regular file under the store, holds included. */
const everyFile = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((p) => statSync(path.join(dir, p)).isFile()).length;

describe('file store holds', () => {
  it('leaves nothing of a refused upload', async () => {
    const { dir, storage } = store();
    const held = await storage.hold([file('a'), file('b'), file('a')]);
    expect(storedFiles(dir)).toEqual([file('a').sha256, file('b').sha256].sort());
    await held.discard();
    expect(everyFile(dir)).toBe(0);
    // Five refusals in a row: still nothing.
    for (let i = 0; i < 5; i++) await (await storage.hold([file(`refused ${i}`)])).discard();
    expect(everyFile(dir)).toBe(0);
  });

  it('keeps a file an accepted upload holds when a refused one brings the same bytes', async () => {
    const { dir, storage } = store();
    await storage.hold([file('shared')]);
    await (await storage.hold([file('shared'), file('own')])).discard();
    expect(storedFiles(dir)).toEqual([file('shared').sha256]);
  });

  it('keeps a file stored before holds existed, which records may reference unheld', async () => {
    const { dir, storage } = store();
    await storage.put(file('old').sha256, file('old').bytes);
    await (await storage.hold([file('old')])).discard();
    expect(storedFiles(dir)).toEqual([file('old').sha256]);
  });

  it('deletes a file once the last upload holding it is refused, whoever wrote it', async () => {
    const { dir, storage } = store();
    const first = await storage.hold([file('y')]);
    const second = await storage.hold([file('y')]);
    await first.discard();
    expect(storedFiles(dir)).toEqual([file('y').sha256]);
    await second.discard();
    expect(everyFile(dir)).toBe(0);
  });

  it('keeps a file that a refused upload wrote while another upload in flight holds it, even once that one is accepted', async () => {
    const { dir, storage } = store();
    const refused = await storage.hold([file('x')]);
    await storage.hold([file('x')]); // accepted: its hold stays
    await refused.discard();
    expect(storedFiles(dir)).toEqual([file('x').sha256]);
  });

  it('holds exactly the files of the uploads not refused, in any order of holds and refusals', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const uploads = fc.array(fc.record({ files: fc.subarray(names, { minLength: 1 }), refused: fc.boolean() }), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        uploads.chain((list) =>
          // Each upload's hold, then later its outcome, interleaved with the others'.
          fc.tuple(
            fc.constant(list),
            fc.array(fc.double({ noNaN: true }), { minLength: list.length * 2, maxLength: list.length * 2 }),
          ),
        ),
        async ([list, keys]) => {
          const { dir, storage } = store();
          const steps = list
            .flatMap((_, i) => [i, i])
            .map((upload, k) => ({ upload, key: keys[k]! }))
            .sort((x, y) => x.key - y.key);
          const held = new Map<number, HeldFiles>();
          const settled = new Set<number>();
          for (const { upload } of steps) {
            const u = list[upload]!;
            if (!held.has(upload)) held.set(upload, await storage.hold(u.files.map(file)));
            else {
              settled.add(upload);
              if (u.refused) await held.get(upload)!.discard();
            }
            // Every file of an upload in flight or accepted is there at every moment.
            for (const [i] of held) {
              if (settled.has(i) && list[i]!.refused) continue;
              for (const name of list[i]!.files) expect(storedFiles(dir)).toContain(file(name).sha256);
            }
          }
          const kept = new Set(list.filter((u) => !u.refused).flatMap((u) => u.files.map((n) => file(n).sha256)));
          expect(storedFiles(dir)).toEqual([...kept].sort());
          if (kept.size === 0) expect(everyFile(dir)).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
