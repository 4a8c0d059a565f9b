// Ids derived from business ids are injective whatever characters the business ids hold: every
// builder of domain/ids gives different ids for different inputs, and its parts parse back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVillagesOwnStep } from '../../api/services/visibility';
import { idForKey } from '../../api/services/tokens';
import { STEP_KINDS } from '../../domain/escalation';
import {
  ANNOUNCED,
  announcedKey,
  buildId,
  contactEventKey,
  contractEventKey,
  contractNoticeKey,
  contractIdOfWorkflowId,
  contractWorkflowId,
  decodeParts,
  encodeParts,
  escalationEventKey,
  escalationId,
  escalationNoticeKey,
  escalationWorkflowId,
  ID_KINDS,
  keyedIdSource,
  materialRequestEventKey,
  materialRequestReminderKey,
  materialRequestWorkflowId,
  organizationEventKey,
  parseAnnouncedKey,
  parseId,
  parseStepKey,
  parseVillageStepReference,
  probeEventKey,
  progressEventKey,
  quotaWorkflowId,
  referenceParts,
  reviewWorkflowId,
  stepId,
  stepKey,
  stepReference,
  submissionEventKey,
  userEventKey,
  villageStepReference,
} from '../../domain/ids';

// Strings over the characters that matter to the encoding (separator, escape, the escapes' own
// letters) and to the old ones ('.', '-', ':', '/'), so near-collisions are frequent; plus any text.
const tricky = fc.string({
  unit: fc.constantFrom('a', 'b', '1', '~', '%', '2', '5', '7', 'E', 'e', '.', '-', ':', '/', '_'),
  maxLength: 8,
});
const text = fc.oneof(
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const kind = fc.constantFrom(...STEP_KINDS);
const count = fc.integer({ min: 0, max: 10_000 });
const refParts = fc.array(text, { minLength: 1, maxLength: 4 }) as fc.Arbitrary<[string, ...string[]]>;
const reference = refParts.map((parts) => stepReference(parts));
const aStepId = fc
  .tuple(text, kind, reference, fc.integer({ min: 1, max: 99 }))
  .map(([c, k, r, o]) => stepId(c, k, r, o));
const announced = fc.tuple(fc.constantFrom(...ANNOUNCED), text).map(([what, id]) => announcedKey(what, id));

/** Each builder with arbitrary inputs; `parts` is what parsing its id must give back. */
const builders: Array<{
  name: string;
  input: fc.Arbitrary<unknown[]>;
  build: (...args: any[]) => string;
  parts: (...args: any[]) => string[];
}> = [
  { name: 'contractWorkflowId', input: fc.tuple(text), build: contractWorkflowId, parts: (c) => ['contract', c] },
  { name: 'reviewWorkflowId', input: fc.tuple(text, text), build: reviewWorkflowId, parts: (c, m) => ['review', c, m] },
  { name: 'quotaWorkflowId', input: fc.tuple(text), build: quotaWorkflowId, parts: (c) => ['quotas', c] },
  {
    name: 'materialRequestWorkflowId',
    input: fc.tuple(text, text),
    build: materialRequestWorkflowId,
    parts: (c, r) => ['material-request', c, r],
  },
  { name: 'stepReference', input: fc.tuple(refParts), build: stepReference, parts: (p) => p },
  {
    name: 'stepId',
    input: fc.tuple(text, kind, refParts, fc.integer({ min: 1, max: 99 })),
    build: (c, k, p, o) => stepId(c, k, stepReference(p), o),
    parts: (c, k, p, o) => ['step', c, k, ...p, String(o)],
  },
  {
    name: 'stepKey',
    input: fc.tuple(kind, refParts),
    build: (k, p) => stepKey(k, stepReference(p)),
    parts: (k, p) => [k, ...p],
  },
  {
    name: 'escalationWorkflowId',
    input: fc.tuple(aStepId),
    build: escalationWorkflowId,
    parts: (s) => ['escalation', ...decodeParts(s)!],
  },
  {
    name: 'escalationId',
    input: fc.tuple(aStepId, fc.integer({ min: 0, max: 20 })),
    build: escalationId,
    parts: (s, l) => [...decodeParts(s)!, `L${l + 1}`],
  },
  {
    name: 'announcedKey',
    input: fc.tuple(fc.constantFrom(...ANNOUNCED), text),
    build: announcedKey,
    parts: (w, id) => [w, id],
  },
  {
    name: 'contractEventKey',
    input: fc.tuple(text, count, text, fc.option(announced, { nil: undefined })),
    build: contractEventKey,
    parts: (c, r, k, s) => ['contract-event', c, String(r), k, ...(s ? decodeParts(s)! : [])],
  },
  {
    name: 'contractNoticeKey',
    input: fc.tuple(text, count, announced, text),
    build: contractNoticeKey,
    parts: (c, r, a, s) => ['contract-notice', c, String(r), ...decodeParts(a)!, s],
  },
  {
    name: 'escalationEventKey',
    input: fc.tuple(aStepId, count, text),
    build: escalationEventKey,
    parts: (s, v, k) => ['escalation-event', ...decodeParts(s)!, String(v), k],
  },
  {
    name: 'escalationNoticeKey',
    input: fc.tuple(fc.tuple(aStepId, fc.integer({ min: 0, max: 20 })).map(([s, l]) => escalationId(s, l))),
    build: escalationNoticeKey,
    parts: (e) => ['escalation-notice', ...decodeParts(e)!],
  },
  {
    name: 'materialRequestEventKey',
    input: fc.tuple(text, text, count, text),
    build: materialRequestEventKey,
    parts: (c, r, v, k) => ['material-request-event', c, r, String(v), k],
  },
  {
    name: 'materialRequestReminderKey',
    input: fc.tuple(text, text, text),
    build: materialRequestReminderKey,
    parts: (c, r, v) => ['material-request-reminder', c, r, v],
  },
  {
    name: 'submissionEventKey',
    input: fc.tuple(text, text),
    build: submissionEventKey,
    parts: (s, st) => ['submission-event', s, st],
  },
  {
    name: 'progressEventKey',
    input: fc.tuple(text, text),
    build: progressEventKey,
    parts: (c, r) => ['progress-event', c, r],
  },
  {
    name: 'organizationEventKey',
    input: fc.tuple(text, text),
    build: organizationEventKey,
    parts: (o, w) => ['organization-event', o, w],
  },
  {
    name: 'userEventKey',
    input: fc.tuple(text, text, fc.option(text, { nil: undefined })),
    build: userEventKey,
    parts: (u, w, d) => ['user-event', u, w, ...(d !== undefined ? [d] : [])],
  },
  {
    name: 'contactEventKey',
    input: fc.tuple(text, text),
    build: contactEventKey,
    parts: (c, w) => ['contact-event', c, w],
  },
  {
    name: 'probeEventKey',
    input: fc.tuple(text, text, text),
    build: probeEventKey,
    parts: (w, r, x) => ['probe-event', w, r, x],
  },
  {
    name: 'keyedIdSource',
    input: fc.tuple(fc.array(text, { maxLength: 3 }), text),
    build: keyedIdSource,
    parts: (s, k) => ['keyed-id', ...s, k],
  },
];

describe('the id encoding', () => {
  it('gives back exactly the parts it was given, for any strings', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (parts) => {
        expect(decodeParts(encodeParts(parts))).toEqual(parts);
      }),
      { numRuns: 1000 },
    );
  });

  it('is injective: different lists of parts never share an encoding', () => {
    const parts = fc.array(tricky, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(encodeParts(a)).not.toBe(encodeParts(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('has one encoding per list: a string it decodes is that list’s encoding, others are refused', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, text), (s) => {
        const parts = decodeParts(s);
        if (parts !== undefined) expect(encodeParts(parts)).toBe(s);
      }),
      { numRuns: 2000 },
    );
    expect(decodeParts('a%zz')).toBeUndefined();
    expect(decodeParts('a%7e')).toBeUndefined(); // only the escapes it writes, in their one spelling
    expect(decodeParts('%')).toBeUndefined();
    expect(() => encodeParts([])).toThrow();
  });

  it('keeps ids of plain business ids as they read', () => {
    expect(contractWorkflowId('S-2023-lot3')).toBe('contract~S-2023-lot3');
    expect(reviewWorkflowId('GZ-2024', '01-midterm')).toBe('review~GZ-2024~01-midterm');
    expect(stepReference(['june-80'])).toBe('june-80');
    expect(stepId('GZ-2024', 'paymentShortfall', stepReference(['june-80']), 1)).toBe(
      'step~GZ-2024~paymentShortfall~june-80~1',
    );
    expect(escalationId(stepId('GZ-2024', 'paymentShortfall', stepReference(['june-80']), 1), 1)).toBe(
      'step~GZ-2024~paymentShortfall~june-80~1~L2',
    );
    // Separators and escapes inside a part are escaped, and only those.
    expect(stepReference(['a~b', '50%', 'c/d'])).toBe('a%7Eb~50%25~c/d');
  });

  it('keeps workflow ids within Temporal’s 1000 bytes for the longest ids the API accepts', () => {
    const id64 = (c: string) => c.repeat(64);
    const step = stepId(id64('C'), 'materialRequestOverdue', stepReference([`mr_${'f'.repeat(20)}`, id64('V')]), 99);
    const quotaStep = stepId(id64('C'), 'quotaShortfall', stepReference([id64('Q'), id64('S'), '2023-Q4']), 1);
    for (const id of [
      reviewWorkflowId(id64('C'), id64('M')),
      materialRequestWorkflowId(id64('C'), `mr_${'f'.repeat(20)}`),
      escalationWorkflowId(step),
      escalationWorkflowId(quotaStep),
      escalationEventKey(quotaStep, 9999, 'escalation.step_resolved'),
      escalationNoticeKey(escalationId(quotaStep, 9)),
    ]) {
      expect(new TextEncoder().encode(id).length).toBeLessThan(1000);
    }
  });
});

describe('every builder of derived ids', () => {
  for (const b of builders) {
    it(`${b.name}: different inputs give different ids, and the id parses back to its inputs`, () => {
      fc.assert(
        fc.property(b.input, b.input, (x, y) => {
          const idX = b.build(...x);
          expect(decodeParts(idX)).toEqual(b.parts(...x));
          if (JSON.stringify(x) !== JSON.stringify(y)) expect(b.build(...y)).not.toBe(idX);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('each kind is its own, so ids of different builders never meet in one table or namespace', () => {
    expect(new Set(ID_KINDS).size).toBe(ID_KINDS.length);
    // Workflow ids, event keys and notification keys each start with the kind of their builder.
    const kindsOf = (names: string[]) =>
      fc
        .sample(fc.tuple(...names.map((name) => builders.find((b) => b.name === name)!.input)), 20)
        .map((inputs) =>
          inputs.map((input, i) => parseId(builders.find((b) => b.name === names[i])!.build(...input))!.kind),
        );
    const namespaces = [
      [
        'contractWorkflowId',
        'reviewWorkflowId',
        'quotaWorkflowId',
        'materialRequestWorkflowId',
        'escalationWorkflowId',
      ],
      [
        'contractEventKey',
        'escalationEventKey',
        'materialRequestEventKey',
        'submissionEventKey',
        'progressEventKey',
        'organizationEventKey',
        'userEventKey',
        'contactEventKey',
        'probeEventKey',
      ],
      ['contractNoticeKey', 'escalationNoticeKey', 'materialRequestReminderKey'],
    ];
    for (const names of namespaces) {
      for (const kinds of kindsOf(names)) expect(new Set(kinds).size).toBe(names.length);
    }
  });

  it('parses back an announced key whatever its id holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ANNOUNCED), text, (what, id) => {
        expect(parseAnnouncedKey(announcedKey(what, id))).toEqual({ what, id });
      }),
    );
    expect(parseAnnouncedKey(buildId('review', ['x']))).toBeUndefined();
  });

  it('parses back a step key: distinct kinds and references give distinct keys, and each its own', () => {
    fc.assert(
      fc.property(kind, refParts, kind, refParts, (k, parts, k2, parts2) => {
        const key = stepKey(k, stepReference(parts));
        expect(parseStepKey(key)).toEqual({ kind: k, reference: stepReference(parts) });
        if (k !== k2 || JSON.stringify(parts) !== JSON.stringify(parts2))
          expect(stepKey(k2, stepReference(parts2))).not.toBe(key);
      }),
      { numRuns: 500 },
    );
    expect(parseStepKey('paymentShortfall')).toBeUndefined();
    expect(parseStepKey('a%zz~b')).toBeUndefined();
  });
});

describe('adversarial pairs that collided before', () => {
  it('contract "GZ-2024" with milestone "01-midterm" and contract "GZ-2024-01" with milestone "midterm"', () => {
    expect(reviewWorkflowId('GZ-2024', '01-midterm')).not.toBe(reviewWorkflowId('GZ-2024-01', 'midterm'));
    const ref = (m: string) => stepReference([m]);
    expect(stepId('GZ-2024', 'milestoneOverdue', ref('01-midterm'), 1)).not.toBe(
      stepId('GZ-2024-01', 'milestoneOverdue', ref('midterm'), 1),
    );
  });

  it('ids that end where another begins, with "." (the old step separator)', () => {
    // Before: "A.paymentShortfall.x.paymentShortfall.y.1" for both of these.
    expect(stepId('A.paymentShortfall.x', 'paymentShortfall', stepReference(['y']), 1)).not.toBe(
      stepId('A', 'paymentShortfall', stepReference(['x.paymentShortfall.y']), 1),
    );
    // Before: "C.materialRequestOverdue.mr.1.v.1" for request "mr.1" of village "v" and request "mr" of village "1.v".
    expect(stepId('C', 'materialRequestOverdue', stepReference(['mr.1', 'v']), 1)).not.toBe(
      stepId('C', 'materialRequestOverdue', stepReference(['mr', '1.v']), 1),
    );
    expect(contractWorkflowId('GZ-2024')).not.toBe(quotaWorkflowId('GZ-2024'));
    expect(materialRequestWorkflowId('A', 'mr_1')).not.toBe(materialRequestWorkflowId('B', 'mr_1'));
  });

  it('milestone and station ids that share a prefix (review steps: "m" + "s.1" vs "m.s" + "1")', () => {
    const a = stepId('C', 'reviewOverdue', stepReference(['m', 's.1']), 1);
    const b = stepId('C', 'reviewOverdue', stepReference(['m.s', '1']), 1);
    expect(a).not.toBe(b);
    // A contract-wide milestone's step is not a station's.
    expect(stepReference(['m~G'])).not.toBe(stepReference(['m', 'G']));
  });

  it('quota and station ids holding the old separators, and a station called "all"', () => {
    // Before: state key "a:b:c:2023-05" for quota "a:b" at station "c" and quota "a" at station "b:c".
    expect(stepReference(['a:b', 'c', '2023-05'])).not.toBe(stepReference(['a', 'b:c', '2023-05']));
    // Before: "visits/all/2023-05" for the whole contract and for a station with id "all".
    expect(stepReference(['visits', '2023-05'])).not.toBe(stepReference(['visits', 'all', '2023-05']));
    expect(stepId('C', 'quotaShortfall', stepReference(['visits.G', '2023-05']), 1)).not.toBe(
      stepId('C', 'quotaShortfall', stepReference(['visits', 'G', '2023-05']), 1),
    );
  });

  it('request/village references with "/" and "~": a village sees only its own steps', () => {
    const own = { kind: 'materialRequestOverdue', reference: stepReference(['mr_1', 'org_a']) };
    expect(isVillagesOwnStep('org_a', own)).toBe(true);
    // Before, endsWith("/org_a") matched another village whose id ends with "/org_a".
    expect(
      isVillagesOwnStep('org_a', { kind: 'materialRequestOverdue', reference: stepReference(['mr_1', 'org_b/org_a']) }),
    ).toBe(false);
    expect(
      isVillagesOwnStep('org_a', { kind: 'materialRequestOverdue', reference: stepReference(['mr_1~org_a', 'org_b']) }),
    ).toBe(false);
    expect(
      isVillagesOwnStep('org_a', { kind: 'materialRequestOverdue', reference: stepReference(['mr_1', 'x~org_a']) }),
    ).toBe(false);
    // A reference this module did not build is nobody's.
    expect(isVillagesOwnStep('org_a', { kind: 'materialRequestOverdue', reference: 'mr_1/org_a' })).toBe(false);
    expect(isVillagesOwnStep('org_a', { kind: 'paymentShortfall', reference: 'june-80' })).toBe(true);
    fc.assert(
      fc.property(text, text, text, (request, village, viewer) => {
        const step = { kind: 'materialRequestOverdue', reference: stepReference([request, village]) };
        expect(isVillagesOwnStep(viewer, step)).toBe(viewer === village);
      }),
      { numRuns: 1000 },
    );
  });

  it('every workflow id of a contract names that contract (an escalation’s through its step id)', () => {
    fc.assert(
      fc.property(text, text, kind, refParts, fc.integer({ min: 1, max: 99 }), (contract, other, k, parts, n) => {
        const ids = [
          contractWorkflowId(contract),
          reviewWorkflowId(contract, other),
          quotaWorkflowId(contract),
          materialRequestWorkflowId(contract, other),
          escalationWorkflowId(stepId(contract, k, stepReference(parts), n)),
        ];
        for (const id of ids) expect(contractIdOfWorkflowId(id)).toBe(contract);
      }),
      { numRuns: 500 },
    );
    // Not a contract's workflow: no contract.
    expect(contractIdOfWorkflowId('history-probe')).toBeNull();
    expect(contractIdOfWorkflowId(buildId('probe-event', ['w', 'r', 'x']))).toBeNull();
  });

  it('a village step reference gives back its request and village, and no other reference does', () => {
    fc.assert(
      fc.property(text, text, refParts, (request, village, parts) => {
        expect(parseVillageStepReference(villageStepReference(request, village))).toEqual({
          requestId: request,
          village,
        });
        if (parts.length !== 2) expect(parseVillageStepReference(stepReference(parts))).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('escalation ids of one step at level 1 and of a longer step id at level 11 differ', () => {
    const s = stepId('C', 'trancheOverdue', stepReference(['t']), 1);
    expect(escalationId(s, 0)).not.toBe(escalationId(s, 10));
    // Before, "<stepId>.L1" could be "<another stepId ending in .L1>"'s id too.
    const t = stepId('C', 'trancheOverdue', stepReference(['t.L1']), 1);
    expect(escalationId(s, 0)).not.toBe(escalationId(t, 0));
  });

  it('event keys whose subject holds the separator do not meet another event’s key', () => {
    expect(contractEventKey('C', 5, 'checkpoint.missed', announcedKey('checkpoint', 'a:b'))).not.toBe(
      contractEventKey('C', 5, 'checkpoint.missed', announcedKey('checkpoint', 'a')),
    );
    expect(contractEventKey('C', 5, 'payment.recorded')).not.toBe(
      contractEventKey('C', 5, 'payment.recorded', announcedKey('tranche', '')),
    );
    expect(materialRequestReminderKey('A', 'mr_1', 'org_v')).not.toBe(materialRequestReminderKey('B', 'mr_1', 'org_v'));
  });

  it('ids made from an Idempotency-Key are scoped by each part (user, contract) and the key', () => {
    // Before: "usr_1:GZ-2024" + key for both (usr_1, GZ-2024) and (usr_1:GZ, 2024) scopes.
    expect(idForKey('mr', ['usr_1', 'GZ-2024'], 'k')).not.toBe(idForKey('mr', ['usr_1:GZ', '2024'], 'k'));
    expect(idForKey('mr', ['usr_1', 'GZ-2024'], 'k')).not.toBe(idForKey('mr', ['usr_1', 'GZ-2024-01'], 'k'));
    expect(idForKey('mr', ['usr_1', 'GZ-2024'], 'k')).toBe(idForKey('mr', ['usr_1', 'GZ-2024'], 'k'));
    expect(referenceParts(stepReference(['a', '']))).toEqual(['a', '']);
  });
});
