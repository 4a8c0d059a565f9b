// What started with an older calendar hears what changed in it while it started
// (workflows/calendar-updates.ts tellChangedWhileStarting): the one place every workflow's step
// handover (workflows/step-handover.ts) and a contract's material requests tell it from.
import { describe, expect, it } from 'vitest';
import type { WorkingCalendar } from '../../domain/calendar';
import type { CalendarPatch } from '../../domain/calendar-changes';
import { tellChangedWhileStarting } from '../../workflows/calendar-updates';

const before: WorkingCalendar = {
  holidays: ['2026-01-01'],
  workdays: [],
  coveredYears: { from: 2026, to: 2026 },
};

describe('telling what changed while something started', () => {
  it('tells the patch since the calendar it started with, saying what started', async () => {
    const told: Array<{ patch: CalendarPatch; cause: string }> = [];
    const tell = async (patch: CalendarPatch, cause: string) => void told.push({ patch, cause });
    const after: WorkingCalendar = { ...before, holidays: ['2026-01-01', '2026-01-02'] };
    await tellChangedWhileStarting(before, after, 'step', tell);
    await tellChangedWhileStarting(before, after, 'request', tell);
    expect(told).toEqual([
      {
        patch: {
          years: [{ year: 2026, holidays: ['2026-01-01', '2026-01-02'], workdays: [] }],
          coveredYears: after.coveredYears,
        },
        cause: 'calendar changed while the step started',
      },
      expect.objectContaining({ cause: 'calendar changed while the request started' }),
    ]);
  });

  it('tells nothing, and leaves nothing to await, when the calendar is the same', () => {
    const tell = () => Promise.reject(new Error('nothing changed'));
    expect(tellChangedWhileStarting(before, before, 'steps', tell)).toBeUndefined();
    // Another calendar saying the same days: nothing to tell either.
    expect(tellChangedWhileStarting(before, { ...before }, 'steps', tell)).toBeUndefined();
    // A contract whose calendar is not read yet.
    expect(tellChangedWhileStarting(before, undefined, 'request', tell)).toBeUndefined();
  });
});
