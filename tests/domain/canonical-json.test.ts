// The idempotency store compares requests by the hash of their canonical JSON: equal JSON values
// (objects being unordered) hash alike, different values hash differently.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../domain/canonical-json';
import { hashRequest } from '../../api/services/idempotency';

/** The same value with the keys of every object, at every depth, in an order drawn from `order`. */
function permuted(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => permuted(v, order));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const key of order(Object.keys(value))) {
      // defineProperty: a key named "__proto__" stays an ordinary key, as JSON.parse makes it.
      Object.defineProperty(out, key, {
        value: permuted((value as Record<string, unknown>)[key], order),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

/** A shuffle driven by fast-check's random source, so failures shrink and replay. */
const shuffler = fc.infiniteStream(fc.nat()).map((stream) => (keys: string[]) => {
  const copy = [...keys];
  const draws = stream[Symbol.iterator]();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = (draws.next().value as number) % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
});

/** JSON values as a request body would hold them after parsing (no -0: JSON has one zero). */
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('canonical JSON', () => {
  it('gives any deep permutation of object keys the same text and the same hash', () => {
    fc.assert(
      fc.property(json, shuffler, shuffler, (value, a, b) => {
        const [x, y] = [permuted(value, a), permuted(value, b)];
        expect(canonicalJson(x)).toBe(canonicalJson(y));
        expect(hashRequest(x)).toBe(hashRequest(y));
      }),
    );
  });

  it('gives equal texts exactly to equal values (key order aside), and different hashes to different values', () => {
    fc.assert(
      fc.property(json, json, (x, y) => {
        // The canonical text is JSON for the same value.
        expect(isDeepStrictEqual(JSON.parse(canonicalJson(x)), x)).toBe(true);
        // Node's deep equality ignores the order of object keys and respects the order of arrays.
        expect(canonicalJson(x) === canonicalJson(y)).toBe(isDeepStrictEqual(x, y));
        expect(hashRequest(x) === hashRequest(y)).toBe(isDeepStrictEqual(x, y));
      }),
    );
    // Pairs that differ only a little are where a careless canonical form would collide.
    const near = fc
      .tuple(json, json)
      .map(([x, y]) => [x, { v: x }, [x], { v: x, w: y }, { w: y, v: x }, [x, y], [y, x]]);
    fc.assert(
      fc.property(near, (values) => {
        for (const a of values)
          for (const b of values) expect(hashRequest(a) === hashRequest(b)).toBe(isDeepStrictEqual(a, b));
      }),
    );
  });

  it('sorts keys by code unit, not by locale, and keeps the order of arrays', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, 2], B: { z: null, é: true, e: false } })).toBe(
      '{"B":{"e":false,"z":null,"é":true},"a":[3,1,2],"b":1}',
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('tells apart values that differ anywhere, however deep', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json, { minKeys: 1 }), fc.string(), (object, text) => {
        const key = Object.keys(object)[0]!;
        const changed = { ...object, [key]: { wrapped: object[key], text } };
        expect(hashRequest({ outer: changed })).not.toBe(hashRequest({ outer: object }));
      }),
    );
  });
});
