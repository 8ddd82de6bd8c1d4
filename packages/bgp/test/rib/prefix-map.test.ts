import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixMap, formatPrefix, makePrefix, type Prefix } from '../../src/index.js';

const prefix = fc.oneof(
  fc
    .tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }))
    .map(([bytes, length]) => makePrefix(bytes, length)),
  fc
    .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }))
    .map(([bytes, length]) => makePrefix(bytes, length)),
);

describe('PrefixMap', () => {
  it('behaves like a Map keyed by the prefix text, for both families and every length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'delete'), prefix, fc.integer()), { maxLength: 60 }),
        (ops) => {
          const map = new PrefixMap<number>();
          const reference = new Map<string, number>();
          for (const [op, p, value] of ops) {
            if (op === 'set') {
              map.set(p, value);
              reference.set(formatPrefix(p), value);
            } else {
              expect(map.delete(p)).toBe(reference.delete(formatPrefix(p)));
            }
          }
          expect(map.size()).toBe(reference.size);
          expect(map.size(1) + map.size(2)).toBe(reference.size);
          const seen = new Map<string, number>();
          map.forEach((value, p: Prefix) => seen.set(formatPrefix(p), value));
          expect(seen).toEqual(reference);
          for (const [text, value] of reference)
            expect(map.get(ops.find(([, p]) => formatPrefix(p) === text)![1])).toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});
