// Rules of evaluation rounds: reasons must point at the milestone's templates and sections, the
// diff between rounds covers sections and attachments, an identical resubmission changes nothing,
// and only the reviewer's returns count against maxRounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { materialReferences } from '../../api/services/submission-content';
import { MAX_SECTION_CHARS } from '../../domain/limits';
import {
  materialsDigestText,
  materialsProblems,
  nothingChanged,
  submissionLimitProblems,
  reasonProblems,
  reviewerReturns,
  sectionDiff,
  type AttachmentMeta,
  type MaterialSubmission,
  type ReasonGiven,
} from '../../domain/materials';
import { ATTACHMENT_KINDS, TEMPLATES, templateById } from '../../domain/templates';

const MILESTONE = ['midterm_report', 'casework_record'];
const reason = (templateId: string, sectionId: string): ReasonGiven => ({ code: 'other', templateId, sectionId });
const hash = (c: string) => c.repeat(64).slice(0, 64);
const file = (name: string, sha: string, kind: AttachmentMeta['kind'] = 'photo'): AttachmentMeta => ({
  name,
  kind,
  contentType: 'image/png',
  size: 10,
  sha256: hash(sha),
});

describe('reasons of a return', () => {
  it('refuses a reason naming an unknown section of a template the milestone uses ("casework_record › nonexistent")', () => {
    expect(reasonProblems([reason('casework_record', 'nonexistent')], MILESTONE)).toMatchObject([
      {
        field: 'reasons.0.sectionId',
        reason: expect.stringContaining('"nonexistent" is not a section of casework_record'),
      },
    ]);
    // A section of another template is no section of this one.
    expect(reasonProblems([reason('casework_record', 'overview')], MILESTONE)).toHaveLength(1);
  });

  it('refuses a template that does not exist, and a known template the milestone does not use', () => {
    expect(reasonProblems([reason('no_such_template', 'goals')], MILESTONE)).toMatchObject([
      { field: 'reasons.0.templateId', reason: expect.stringContaining('not a known template') },
    ]);
    expect(reasonProblems([reason('groupwork_record', 'goals')], MILESTONE)).toMatchObject([
      { field: 'reasons.0.templateId', reason: expect.stringContaining("not among this milestone's materials") },
    ]);
  });

  it('names each bad reason by its position and lets the good ones be', () => {
    const problems = reasonProblems(
      [
        reason('midterm_report', 'goals'),
        reason('activity_evidence_pack', 'plan'),
        reason('casework_record', 'evidence'),
        reason('midterm_report', 'x'),
      ],
      MILESTONE,
    );
    expect(problems.map((p) => p.field)).toEqual(['reasons.1.templateId', 'reasons.3.sectionId']);
  });

  it('accepts every section of every template the milestone uses, its evidence and the document as a whole', () => {
    fc.assert(
      fc.property(
        fc.subarray(
          TEMPLATES.map((t) => t.id),
          { minLength: 1 },
        ),
        fc.nat(),
        (used, pick) => {
          const template = templateById(used[pick % used.length]!)!;
          const sections = [...template.sections.map((s) => s.id), 'evidence', 'document'];
          expect(
            reasonProblems(
              sections.map((s) => reason(template.id, s)),
              used,
            ),
          ).toEqual([]);
          // …and refuses every one of them once the milestone no longer uses the template.
          const without = used.filter((id) => id !== template.id);
          if (without.length > 0)
            expect(
              reasonProblems(
                sections.map((s) => reason(template.id, s)),
                without,
              ),
            ).toHaveLength(sections.length);
        },
      ),
    );
  });
});

describe('materials of a submission', () => {
  const material = (templateId: string, sections: Record<string, string> = {}): MaterialSubmission => ({
    templateId,
    sections,
    attachments: [],
  });

  it('refuses templates the milestone does not use, unknown ones, one twice, and sections a template does not have', () => {
    expect(
      materialsProblems([material('midterm_report', { goals: 'x' }), material('casework_record')], MILESTONE),
    ).toEqual([]);
    expect(
      materialsProblems(
        [
          material('midterm_report', { plan: 'x' }),
          material('groupwork_record'),
          material('nope'),
          material('casework_record'),
          material('casework_record'),
        ],
        MILESTONE,
      ).map((p) => p.field),
    ).toEqual([
      'materials.0.sections.plan',
      'materials.1.templateId',
      'materials.2.templateId',
      'materials.4.templateId',
    ]);
  });
});

// Arbitrary materials: a subset of the templates, some of their sections, a few attachments.
const attachmentArb = fc.record({
  name: fc.constantFrom('a.png', 'b.png', 'c.pdf'),
  kind: fc.constantFrom(...ATTACHMENT_KINDS),
  contentType: fc.constant('image/png'),
  size: fc.integer({ min: 1, max: 1000 }),
  sha256: fc.constantFrom('0', '1', '2', 'f').map(hash),
});
const materialsArb: fc.Arbitrary<MaterialSubmission[]> = fc.subarray(TEMPLATES, { minLength: 1 }).chain((templates) =>
  fc.tuple(
    ...templates.map((t) =>
      fc.record({
        templateId: fc.constant(t.id),
        sections: fc.dictionary(fc.constantFrom(...t.sections.map((s) => s.id)), fc.string({ maxLength: 6 })),
        attachments: fc.array(attachmentArb, { maxLength: 4 }),
      }),
    ),
  ),
);

describe('what changed between rounds', () => {
  const base: MaterialSubmission[] = [
    {
      templateId: 'casework_record',
      sections: { goals: 'help' },
      attachments: [file('record.png', '1', 'case_record'), file('p.png', '2')],
    },
  ];

  it('names an attachment whose content changed (same name, other hash) as replaced, and nothing else', () => {
    const current = [{ ...base[0]!, attachments: [file('record.png', '9', 'case_record'), file('p.png', '2')] }];
    expect(sectionDiff(base, current)).toEqual([
      {
        templateId: 'casework_record',
        sectionId: 'evidence',
        change: 'replaced',
        before: hash('1'),
        after: hash('9'),
        attachment: 'record.png',
      },
    ]);
    expect(nothingChanged(base, current)).toBe(false);
  });

  it('names attachments added and removed, and one whose kind alone changed as replaced', () => {
    const current = [{ ...base[0]!, attachments: [file('record.png', '1', 'photo'), file('new.png', '3')] }];
    expect(sectionDiff(base, current).map((c) => [c.attachment, c.change])).toEqual([
      ['record.png', 'replaced'],
      ['p.png', 'removed'],
      ['new.png', 'added'],
    ]);
  });

  it('compares every file when two share a name', () => {
    const twice = [{ ...base[0]!, attachments: [file('scan.png', '1'), file('scan.png', '2')] }];
    const secondChanged = [{ ...base[0]!, attachments: [file('scan.png', '1'), file('scan.png', '3')] }];
    expect(sectionDiff(twice, secondChanged)).toEqual([
      expect.objectContaining({ change: 'replaced', attachment: 'scan.png', before: hash('2'), after: hash('3') }),
    ]);
  });

  it('finds nothing changed in an identical resubmission, whatever the materials', () => {
    fc.assert(
      fc.property(materialsArb, (materials) => {
        const copy = structuredClone(materials);
        expect(sectionDiff(materials, copy)).toEqual([]);
        expect(nothingChanged(materials, copy)).toBe(true);
      }),
    );
  });

  it('finds any one changed attachment hash or section text, as exactly one change naming it', () => {
    fc.assert(
      fc.property(materialsArb, fc.nat(), fc.boolean(), (materials, pick, touchFile) => {
        const changed = structuredClone(materials);
        const m = changed[pick % changed.length]!;
        if (touchFile && m.attachments.length > 0) {
          const a = m.attachments[pick % m.attachments.length]!;
          a.sha256 = a.sha256 === hash('e') ? hash('d') : hash('e');
          const diff = sectionDiff(materials, changed);
          expect(diff).toHaveLength(1);
          expect(diff[0]).toMatchObject({
            templateId: m.templateId,
            sectionId: 'evidence',
            change: 'replaced',
            attachment: a.name,
            after: a.sha256,
          });
        } else {
          const section = templateById(m.templateId)!.sections[pick % templateById(m.templateId)!.sections.length]!.id;
          m.sections[section] = `${m.sections[section] ?? ''}!`;
          const diff = sectionDiff(materials, changed);
          expect(diff).toEqual([
            expect.objectContaining({ templateId: m.templateId, sectionId: section, after: m.sections[section] }),
          ]);
        }
        expect(nothingChanged(materials, changed)).toBe(false);
      }),
    );
  });

  it('is the same change seen from either side: added ↔ removed, before ↔ after', () => {
    const mirror = { added: 'removed', removed: 'added', changed: 'changed', replaced: 'replaced' } as const;
    fc.assert(
      fc.property(materialsArb, materialsArb, (a, b) => {
        const forward = sectionDiff(a, b);
        const backward = sectionDiff(b, a);
        const key = (c: (typeof forward)[number]) =>
          `${c.templateId}/${c.sectionId}/${c.attachment ?? ''}/${c.before ?? c.after}`;
        expect(
          backward
            .map((c) => ({ ...c, change: mirror[c.change], before: c.after, after: c.before }))
            .map(key)
            .sort(),
        ).toEqual(forward.map(key).sort());
        expect(nothingChanged(a, b)).toBe(nothingChanged(b, a));
      }),
    );
  });
});

describe('returns counted against maxRounds', () => {
  const round = (status: string, precheckFailures = 0) => ({
    status,
    precheck: Array.from({ length: precheckFailures }, () => ({})),
  });

  it('counts the reviewer’s returns only: a pre-check failure then two returns is two', () => {
    expect(reviewerReturns([round('returned', 3), round('returned'), round('returned')])).toBe(2);
    expect(reviewerReturns([round('returned', 1), round('returned', 2), round('in_review')])).toBe(0);
    expect(reviewerReturns([round('returned'), round('returned', 1), round('returned'), round('approved')])).toBe(2);
  });

  it('is the number of returned rounds that passed the pre-check, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom('returned', 'in_review', 'approved', 'prechecking'),
            failures: fc.nat(3),
          }),
        ),
        (rounds) => {
          const returns = rounds.map((r) => round(r.status, r.status === 'returned' ? r.failures : 0));
          expect(reviewerReturns(returns)).toBe(
            rounds.filter((r) => r.status === 'returned' && r.failures === 0).length,
          );
        },
      ),
    );
  });
});

describe('the content digest the review workflow compares (claim check)', () => {
  const pair = fc.tuple(materialsArb, materialsArb).chain(([a, b]) =>
    // Half the time a near copy of a: one section or one file changed, or one file moved.
    fc.oneof(
      fc.constant([a, b] as const),
      fc.constant([a, structuredClone(a)] as const),
      fc.nat().map((n) => {
        const c = structuredClone(a);
        const m = c[n % c.length]!;
        if (n % 3 === 0 && m.attachments.length > 1) m.attachments.reverse();
        else if (n % 3 === 1) m.sections[Object.keys(m.sections)[0] ?? 'x'] = 'changed';
        else m.attachments.push(file('added.png', 'f'));
        return [a, c] as const;
      }),
    ),
  );

  it('is equal exactly when nothing changed, texts or their hashes alike', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(materialsDigestText(a) === materialsDigestText(b)).toBe(nothingChanged(a, b));
        expect(materialReferences(a).contentSha256 === materialReferences(b).contentSha256).toBe(nothingChanged(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('carries no text: per section its hash and length, per file its hash, size and kind', () => {
    const materials: MaterialSubmission[] = [
      {
        templateId: 'casework_record',
        sections: { background: '个案'.repeat(50) },
        attachments: [file('r.png', '1', 'case_record')],
      },
    ];
    expect(materialReferences(materials).references).toEqual([
      {
        templateId: 'casework_record',
        sections: { background: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), chars: 100 } },
        attachments: [{ sha256: hash('1'), size: 10, kind: 'case_record' }],
      },
    ]);
  });

  it('refuses a section past MAX_SECTION_CHARS characters, counted as a person counts them', () => {
    const at = (n: number) => [{ sections: { background: '字'.repeat(n) }, attachments: [] }];
    expect(submissionLimitProblems(at(MAX_SECTION_CHARS))).toEqual([]);
    expect(submissionLimitProblems(at(MAX_SECTION_CHARS + 1))).toMatchObject([
      {
        field: 'materials.0.sections.background',
        reason: `has ${MAX_SECTION_CHARS + 1} characters; at most ${MAX_SECTION_CHARS} are allowed`,
      },
    ]);
  });
});
