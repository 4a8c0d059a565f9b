// domain/events.ts lists every event kind the engine writes: read the sources that write events and
// check each kind they name is listed (a new kind without labels would otherwise reach the page raw).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { StepChange } from '../../domain/announcements';
import {
  EVENT_KINDS,
  isEventKind,
  paidWithInterest,
  STEP_RESOLUTIONS,
  stepResolutionText,
  supersededByPeriod,
  type EventKind,
  type StepResolution,
} from '../../domain/events';
import type { CheckpointState, TrancheState } from '../../domain/status';
import type { SubmissionStatus } from '../../domain/materials';
import { EVENT_KIND } from '../../web/src/i18n';
import { resolveStep } from '../../workflows/steps';

const STEP_RESOLUTION_CODES = Object.keys(STEP_RESOLUTIONS) as Array<keyof typeof STEP_RESOLUTIONS>;

const root = path.resolve(__dirname, '../..');
const sources = ['activities', 'workflows', 'api/services', 'domain'].flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(path.join(root, dir, f), 'utf8') })),
);

describe('event kinds', () => {
  it('lists every literal kind written by appendEvent, event() and notices', () => {
    const written = new Set<string>();
    for (const { text } of sources) {
      // `kind: 'x.y'` in event records, and `event('x.y', …)` in the workflows' helpers.
      for (const match of text.matchAll(/(?:\bkind:\s*|\bevent\(\s*)'([a-z_]+\.[a-z_]+)'/g)) written.add(match[1]!);
    }
    // Notification kinds that are not events (they label inbox items, never the timeline).
    written.delete('material_request.reminder');
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((k) => !isEventKind(k))).toEqual([]);
  });

  it('covers the kinds built from statuses', () => {
    expectTypeOf<`submission.${SubmissionStatus}`>().toExtend<EventKind>();
    expectTypeOf<`checkpoint.${CheckpointState}`>().toExtend<EventKind>();
    expectTypeOf<`tranche.${TrancheState}`>().toExtend<EventKind>();
    // And the sources still build them that way (a new template would need a look here).
    const templates = sources.flatMap(({ text }) =>
      [...text.matchAll(/kind:\s*`([^`]+)`|event\(\s*`([^`]+)`/g)].map((m) => m[1] ?? m[2]),
    );
    expect(templates.sort()).toEqual(
      ['${what}.${status}', 'escalation.${d.stepKind}', 'submission.${r.status}'].sort(),
    );
  });

  it('has a label in both languages for each kind, none empty, no two alike', () => {
    expect(Object.keys(EVENT_KIND).sort()).toEqual([...EVENT_KINDS].sort());
    for (const lang of ['en', 'zh-CN'] as const) {
      const labels = EVENT_KINDS.map((k) => EVENT_KIND[k][lang]);
      expect(labels.every((l) => l.trim().length > 0)).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
    }
    // Chinese labels hold no Latin word.
    expect(EVENT_KINDS.filter((k) => /[A-Za-z]{2,}/.test(EVENT_KIND[k]['zh-CN']))).toEqual([]);
  });

  it('words every reason a step is resolved with in both languages, those of earlier runs too', () => {
    // The reasons are typed: a resolve function takes a StepResolution, so a reason without its
    // words does not compile.
    expectTypeOf(resolveStep).parameter(1).toEqualTypeOf<StepResolution>();
    expectTypeOf<StepChange['resolve']>().toEqualTypeOf<{ reason: StepResolution; at: number } | undefined>();
    // @ts-expect-error a reason not in the list
    const unknown: StepResolution = 'something new';
    expect(stepResolutionText(unknown)).toBeUndefined();
    expect(stepResolutionText('constructor')).toBeUndefined();
    // The strings written by version 1.0, stored in the read model, keep their words.
    expect(stepResolutionText('tranche paid')).toEqual({ en: 'tranche paid', 'zh-CN': '款项已付清' });
    expect(stepResolutionText('application accept')?.['zh-CN']).toBe('请款已验收通过');
    expect(stepResolutionText('tranche no longer on the payer’s clock (amended)')?.['zh-CN']).toBe(
      '合同变更后款项不再适用法定付款期限',
    );
    expect(stepResolutionText('paid; interest 1234.56')).toEqual({
      en: 'paid; interest CN¥1,234.56',
      'zh-CN': '已付清；利息 ¥1,234.56',
    });
    expect(stepResolutionText(paidWithInterest(1_234_56))).toEqual(stepResolutionText('paid; interest 1234.56'));
    expect(stepResolutionText(supersededByPeriod('2023-Q2'))?.['zh-CN']).toBe('已由 2023-Q2 期的评定取代');
    const all: StepResolution[] = [...STEP_RESOLUTION_CODES, paidWithInterest(0), supersededByPeriod('2023-05')];
    for (const reason of all) {
      const text = stepResolutionText(reason);
      expect(text, reason).toBeDefined();
      expect(text!.en.trim().length).toBeGreaterThan(0);
      // Chinese words hold no Latin word.
      expect(text!['zh-CN'], reason).not.toMatch(/[A-Za-z]{2,}/);
    }
  });
});
