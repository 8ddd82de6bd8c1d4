import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NdDecodeError, decodeMessage, encodeMessage } from '@cairn/ra';
import { fromHex, radvdSolicitedRa } from './vectors.js';

/** Decodes; when the input is valid, re-encoding and decoding again must give the same message. */
function decodeAndReencode(bytes: Uint8Array): void {
  let message;
  try {
    message = decodeMessage(bytes);
  } catch (error) {
    if (error instanceof NdDecodeError) return;
    throw error;
  }
  expect(decodeMessage(encodeMessage(message))).toEqual(message);
}

const golden = fromHex(radvdSolicitedRa.hex);

describe('fuzzing: only NdDecodeError escapes, and valid messages survive a re-encode', () => {
  it('random RA/RS-shaped octets (60k)', () => {
    const body = fc.uint8Array({ maxLength: 300 });
    const message = fc
      .tuple(fc.constantFrom(133, 134), fc.nat(255), body)
      .map(([type, code, rest]) => Uint8Array.from([type, code, 0, 0, ...rest]));
    fc.assert(
      fc.property(message, (bytes) => decodeAndReencode(bytes)),
      { numRuns: 60_000 },
    );
  });

  it('random well-framed options after an RA header (30k)', () => {
    const option = fc
      .tuple(fc.constantFrom(1, 3, 5, 24, 25, 31, 37, 38, 99), fc.integer({ min: 1, max: 5 }))
      .chain(([type, units]) =>
        fc.uint8Array({ minLength: units * 8 - 2, maxLength: units * 8 - 2 }).map((body) => [type, units, ...body]),
      );
    const message = fc
      .array(option, { maxLength: 6 })
      .map((options) => Uint8Array.from([134, 0, 0, 0, 64, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0, ...options.flat()]));
    fc.assert(
      fc.property(message, (bytes) => decodeAndReencode(bytes)),
      { numRuns: 30_000 },
    );
  });

  it('radvd’s RA with mutated octets and cut at random lengths (20k)', () => {
    const mutation = fc.tuple(
      fc.array(fc.tuple(fc.nat(golden.length - 1), fc.nat(255)), { maxLength: 4 }),
      fc.nat(golden.length),
    );
    fc.assert(
      fc.property(mutation, ([edits, cut]) => {
        const bytes = new Uint8Array(golden);
        for (const [at, value] of edits) bytes[at] = value;
        decodeAndReencode(bytes.subarray(0, Math.max(4, cut)));
      }),
      { numRuns: 20_000 },
    );
  });
});
