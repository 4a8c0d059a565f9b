// The free-text store's holds (db/free-texts.ts): whatever order requests store, release and
// accept in, a text stays exactly while some request holds it or a projection accepted it.
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptTexts,
  releaseTexts,
  resolveTexts,
  storeTexts,
  sweepUnacceptedTexts,
  textReferenceOf,
} from '../../db/free-texts';
import { freeTexts } from '../../db/schema';
import { isTextReference } from '../../domain/free-text';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

type Step = { op: 'store' | 'release' | 'accept'; text: 0 | 1 };

describe('free-text store', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps a text exactly while it is held or accepted', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            op: fc.constantFrom<Step['op']>('store', 'release', 'accept'),
            text: fc.constantFrom<0 | 1>(0, 1),
          }),
          { maxLength: 30 },
        ),
        async (steps) => {
          const db = database.handle.db;
          const scope = `prop-${++run}`;
          const texts = ['付款说明 one', 'note two'];
          const held = [0, 0];
          const accepted = [false, false];
          for (const step of steps) {
            const reference = textReferenceOf(scope, texts[step.text]!);
            // A release or an accept only ever follows a store of the same request.
            if (step.op === 'store') {
              await storeTexts(db, scope, [texts[step.text]!]);
              held[step.text]! += 1;
            } else if (step.op === 'release' && held[step.text]! > 0) {
              await releaseTexts(db, [reference]);
              held[step.text]! -= 1;
            } else if (step.op === 'accept' && held[step.text]! > 0) {
              await acceptTexts(db, [reference]);
              accepted[step.text] = true;
            }
            for (const i of [0, 1]) {
              const rows = await db
                .select()
                .from(freeTexts)
                .where(eq(freeTexts.id, textReferenceOf(scope, texts[i]!).textRef));
              const shouldExist = held[i]! > 0 || accepted[i]!;
              expect(rows.length).toBe(shouldExist ? 1 : 0);
              if (rows[0]) expect(rows[0].body).toBe(texts[i]);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives each scope and text its own reference, and resolves references anywhere in a value', async () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (s1, t1, s2, t2) => {
        const a = textReferenceOf(s1, t1);
        const b = textReferenceOf(s2, t2);
        expect(isTextReference(a)).toBe(true);
        expect(a.textRef === b.textRef).toBe(s1 === s2 && t1 === t2);
      }),
    );
    const db = database.handle.db;
    const [note, reason] = await storeTexts(db, 'resolve', ['a note', 'a reason']);
    const value = { entry: { note, amountFen: 100 }, lines: [{ reason }, { reason: 'plain text stays' }] };
    expect(await resolveTexts(db, value)).toEqual({
      entry: { note: 'a note', amountFen: 100 },
      lines: [{ reason: 'a reason' }, { reason: 'plain text stays' }],
    });
    await expect(resolveTexts(db, { note: textReferenceOf('resolve', 'never stored') })).rejects.toThrow(/not stored/);
  });

  it('sweeps texts nobody accepted after the time given, and keeps accepted ones', async () => {
    const db = database.handle.db;
    const [kept] = await storeTexts(db, 'sweep', ['accepted text', 'orphaned text']);
    await acceptTexts(db, [kept!]);
    expect(await sweepUnacceptedTexts(db, 60_000)).toBe(0);
    await sweepUnacceptedTexts(db, 60_000, Date.now() + 120_000);
    const left = await db.select({ id: freeTexts.id }).from(freeTexts).where(eq(freeTexts.scope, 'sweep'));
    expect(left.map((r) => r.id)).toEqual([kept!.textRef]);
  });
});
