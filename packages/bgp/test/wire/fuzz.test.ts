// Fuzz: 100,000+ random and mutated messages. Nothing but a session-reset BgpDecodeError may escape
// decodeMessage; whatever decodes re-encodes (or is refused with a BgpEncodeError) and the re-encoded
// bytes decode again and re-encode to the same bytes; the output is bounded by the input (no prefix without wire bytes behind it).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BgpDecodeError, BgpEncodeError, MessageFramer, decodeMessage, encodeMessage } from '../../src/wire/index.js';
import type { BgpMessage, CodecContext } from '../../src/wire/index.js';
import { context as contextArbitrary, message as messageArbitrary } from './arbitraries.js';
import { context, fromHex } from './helpers.js';

const frr = (
  JSON.parse(readFileSync(new URL('../fixtures/frr-8.4-session.json', import.meta.url), 'utf8')) as { hex: string }[]
).map((c) => fromHex(c.hex));
const generated = fc
  .sample(
    contextArbitrary.chain((ctx) => messageArbitrary(ctx).map((m) => [ctx, m] as const)),
    { numRuns: 300, seed: 7 },
  )
  .map(([ctx, m]) => encodeMessage(m, ctx));
const corpus = [...frr, ...generated];

const contexts: CodecContext[] = [
  context(),
  context({ fourOctetAs: true }),
  context({ fourOctetAs: true, addPath: new Set(['1/1', '2/1']), extendedMessage: true }),
  context({ addPath: new Set(['1/1']), extendedNextHop: new Set(['1/1']) }),
];

function prefixCount(m: BgpMessage): number {
  if (m.type !== 2) return 0;
  return (
    m.withdrawn.length +
    m.nlri.length +
    (m.attributes.mpReach?.nlri.length ?? 0) +
    (m.attributes.mpUnreach?.withdrawn.length ?? 0)
  );
}

/** The fuzz oracle; returns what happened for the statistics. */
function check(bytes: Uint8Array, ctx: CodecContext): 'decoded' | 'refused' {
  let decoded: BgpMessage;
  try {
    decoded = decodeMessage(bytes, ctx);
  } catch (error) {
    if (!(error instanceof BgpDecodeError)) throw error;
    expect(error.action).toBe('session-reset');
    expect(error.code).toBeGreaterThanOrEqual(1);
    expect(error.code).toBeLessThanOrEqual(7);
    return 'refused';
  }
  expect(prefixCount(decoded)).toBeLessThanOrEqual(bytes.length);
  let again: Uint8Array;
  try {
    again = encodeMessage(decoded, ctx);
  } catch (error) {
    if (!(error instanceof BgpEncodeError)) throw error;
    return 'decoded';
  }
  // Re-marshal check: what the encoder writes is canonical, so one more round changes nothing.
  const redecoded = decodeMessage(again, ctx);
  expect(Buffer.from(encodeMessage(redecoded, ctx)).equals(Buffer.from(again))).toBe(true);
  return 'decoded';
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(seed: Uint8Array, mutations: Mutation[], fixLength: boolean): Uint8Array {
  let b = Array.from(seed);
  for (const m of mutations) {
    // Mutate the body mostly: the header is checked first and would hide everything behind it.
    const at = 19 + (m.at % Math.max(1, b.length - 19));
    if (m.kind === 'set') b[at] = m.value;
    else if (m.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << m.bit);
    else if (m.kind === 'insert') b.splice(at, 0, ...m.bytes);
    else if (m.kind === 'delete') b.splice(at, m.count);
    else b = b.slice(0, at);
  }
  const out = Uint8Array.from(b);
  if (fixLength && out.length >= 19) {
    out[16] = (out.length >> 8) & 0xff;
    out[17] = out.length & 0xff;
  }
  return out;
}

describe('fuzz', () => {
  it('100,000 mutated valid messages: only typed errors escape, decoded output re-encodes', () => {
    const stats = { decoded: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: contexts.length - 1 }),
        (index, mutations, fixLength, c) => {
          stats[check(mutate(corpus[index]!, mutations, fixLength || mutations.length > 1), contexts[c]!)]++;
        },
      ),
      { numRuns: 90_000, seed: 20261122 },
    );
    // The mutations must exercise both outcomes, or the fuzzer is not reaching the body decoders.
    expect(stats.decoded).toBeGreaterThan(10_000);
    expect(stats.refused).toBeGreaterThan(10_000);
  }, 180_000); // ~10 s alone; a generous deadline for a loaded CI machine

  it('10,000 random bodies behind a valid header, for every message type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: contexts.length - 1 }),
        (type, body, c) => {
          const bytes = new Uint8Array(19 + body.length);
          bytes.fill(0xff, 0, 16);
          bytes[16] = bytes.length >> 8;
          bytes[17] = bytes.length & 0xff;
          bytes[18] = type;
          bytes.set(body, 19);
          check(bytes, contexts[c]!);
        },
      ),
      { numRuns: 10_000, seed: 4271 },
    );
  }, 120_000);

  it('the framer only ever throws BgpDecodeError on random streams and chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: corpus.length - 1 }), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 10 }),
        (picks, noise, cuts) => {
          const stream = Uint8Array.from([...picks.flatMap((i) => [...corpus[i]!]), ...noise]);
          const framer = new MessageFramer(() => contexts[2]!);
          let offset = 0;
          try {
            for (let i = 0; offset < stream.length; i++) {
              const size = cuts[i % cuts.length]!;
              for (const m of framer.push(stream.subarray(offset, offset + size))) check(m, contexts[2]!);
              offset += size;
            }
          } catch (error) {
            expect(error).toBeInstanceOf(BgpDecodeError);
          }
        },
      ),
      { numRuns: 2000, seed: 179 },
    );
  }, 120_000);
});
