// domain/events.ts lists every event kind the engine writes: read the sources that write events and
// check each kind they name is listed (a new kind without labels would otherwise reach the page raw).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EVENT_KINDS,
  isEventKind,
  STEP_RESOLUTION_REASONS,
  stepResolutionText,
  type EventKind,
} from '../../domain/events';
import type { CheckpointState, TrancheState } from '../../domain/status';
import type { SubmissionStatus } from '../../domain/materials';
import { EVENT_KIND } from '../../web/src/i18n';

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

  it('words every reason a step is resolved with, as the workflows pass it, in Chinese', () => {
    const passed = new Set<string>();
    for (const { text } of sources) {
      for (const match of text.matchAll(/resolveStep\(\s*[^,]+,\s*([^)]*?),\s*[\w.()]+,?\s*\)/g)) {
        for (const literal of match[1]!.matchAll(/'([^']+)'/g)) passed.add(literal[1]!);
      }
      for (const match of text.matchAll(/close\(\s*'\w+',\s*[^,]+,\s*'([^']+)',?\s*\)/g)) passed.add(match[1]!);
      for (const match of text.matchAll(/resolve:\s*\{\s*reason:\s*`\$\{what\} ([a-z ]+)`/g)) {
        passed.add(`checkpoint ${match[1]}`);
        passed.add(`tranche ${match[1]}`);
      }
    }
    expect(passed.size).toBeGreaterThan(5);
    expect([...passed].filter((r) => stepResolutionText(r) === undefined)).toEqual([]);
    expect(stepResolutionText('tranche paid')).toEqual({ en: 'tranche paid', 'zh-CN': '款项已付清' });
    expect(stepResolutionText('constructor')).toBeUndefined();
    expect(Object.values(STEP_RESOLUTION_REASONS).filter((r) => /[A-Za-z]{2,}/.test(r['zh-CN']))).toEqual([]);
  });
});
