// The one book of stalled steps (workflows/step-book.ts) every workflow keeps: an open step is not
// opened twice, a step that stalls again gets a new occurrence and a new id, and the book is plain
// JSON (carried across continue-as-new as it is).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STEP_KINDS, type StepKind } from '../../domain/escalation';
import { parseStepKey, stepId, stepKey, stepReference } from '../../domain/ids';
import { openInBook, openInBookSteps, resolveInBook } from '../../workflows/step-book';
import type { StepBook } from '../../domain/escalation';

const kind = fc.constantFrom(...STEP_KINDS);
const part = fc.string({ unit: fc.constantFrom('a', 'b', '~', '%', '/', '.', '1'), minLength: 1, maxLength: 5 });
const reference = fc
  .array(part, { minLength: 1, maxLength: 3 })
  .map((parts) => stepReference(parts as [string, ...string[]]));
/** A step of the book and what happens to it: opened (true) or resolved (false). */
const moves = fc.array(fc.tuple(kind, reference, fc.boolean()), { maxLength: 40 });

describe('the step book', () => {
  it('opens a step once until it resolves, then as its next occurrence with an id of its own', () => {
    const book: StepBook = {};
    const first = openInBook(book, 'C-1', 'paymentShortfall', stepReference(['eighty']), {});
    expect(first).toEqual({
      key: stepKey('paymentShortfall', stepReference(['eighty'])),
      stepId: stepId('C-1', 'paymentShortfall', stepReference(['eighty']), 1),
      occurrence: 1,
    });
    expect(openInBook(book, 'C-1', 'paymentShortfall', stepReference(['eighty']), {})).toBeUndefined();
    expect(resolveInBook(book, first!.key, 1_000)).toBe(first!.stepId);
    expect(resolveInBook(book, first!.key, 2_000)).toBeUndefined();
    const again = openInBook(book, 'C-1', 'paymentShortfall', stepReference(['eighty']), {});
    expect(again).toMatchObject({
      occurrence: 2,
      lastMetAt: 1_000,
      stepId: stepId('C-1', 'paymentShortfall', stepReference(['eighty']), 2),
    });
  });

  it('keeps what its owner puts beside a step, and forgets a step whose reference never recurs', () => {
    const book: StepBook<{ target: number }> = {};
    const opened = openInBook(book, 'C-1', 'quotaShortfall', stepReference(['visits', '2024-01']), { target: 8 });
    expect(book[opened!.key]).toMatchObject({ target: 8, open: true, occurrence: 1 });
    expect(resolveInBook(book, opened!.key, 5, { forget: true })).toBe(opened!.stepId);
    expect(book).toEqual({});
  });

  it('whatever happens, gives every occurrence a distinct id, answers the open ones, and survives JSON', () => {
    fc.assert(
      fc.property(moves, (steps) => {
        const book: StepBook = {};
        const ids = new Set<string>();
        const open = new Set<string>();
        steps.forEach(([k, ref, opens], at) => {
          const key = stepKey(k as StepKind, ref);
          if (opens) {
            const opening = openInBook(book, 'C-1', k as StepKind, ref, {});
            expect(opening === undefined).toBe(open.has(key));
            if (opening) {
              expect(ids.has(opening.stepId)).toBe(false);
              ids.add(opening.stepId);
              open.add(key);
            }
          } else {
            expect(resolveInBook(book, key, at) !== undefined).toBe(open.delete(key));
          }
        });
        expect(new Set(openInBookSteps(book).map((s) => s.key))).toEqual(open);
        expect(JSON.parse(JSON.stringify(book))).toEqual(book);
        // Every key is a step key its kind and reference parse back from.
        for (const key of Object.keys(book))
          expect(stepKey(parseStepKey(key)!.kind as StepKind, parseStepKey(key)!.reference)).toBe(key);
      }),
    );
  });
});
