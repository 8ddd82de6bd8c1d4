// Property: every valid message survives encode → decode unchanged, and encode(decode(bytes)) is
// stable, for every session kind (2/4-octet AS, ADD-PATH per family).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../src/wire/index.js';
import { context, message } from './arbitraries.js';
import { toHex } from './helpers.js';

describe('encode → decode round trip (fast-check)', () => {
  it('decode(encode(m)) equals m and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(
        context.chain((ctx) => message(ctx).map((m) => [ctx, m] as const)),
        ([ctx, m]) => {
          const bytes = encodeMessage(m, ctx);
          const decoded = decodeMessage(bytes, ctx);
          expect(decoded).toEqual(m);
          expect(toHex(encodeMessage(decoded, ctx))).toBe(toHex(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  }, 120_000);
});
