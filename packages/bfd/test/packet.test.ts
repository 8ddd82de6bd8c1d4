import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BfdAuthType, BfdDiagnostic, BfdState } from '../src/constants.js';
import { BfdConfigError, BfdPacketError } from '../src/errors.js';
import { type ControlPacket, decodeControlPacket, encodeControlPacket } from '../src/packet.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Captured with tcpdump between two FRR 8.4.4 bfdd in network namespaces (peer 10.77.0.2, 300 ms).
const frrCaptures: { what: string; bytes: string; packet: Partial<ControlPacket> }[] = [
  {
    what: 'Down, Your Discriminator still zero, 1 s slow timers, echo 50 ms',
    bytes: '20400318069cd47700000000000f4240000f42400000c350',
    packet: {
      state: BfdState.Down,
      diagnostic: 0,
      detectMultiplier: 3,
      myDiscriminator: 0x069cd477,
      yourDiscriminator: 0,
      desiredMinTxUs: 1_000_000,
      requiredMinRxUs: 1_000_000,
      requiredMinEchoRxUs: 50_000,
      poll: false,
      final: false,
    },
  },
  {
    what: 'Init',
    bytes: '208003187c23b7cc069cd477000f4240000f42400000c350',
    packet: { state: BfdState.Init, myDiscriminator: 0x7c23b7cc, yourDiscriminator: 0x069cd477 },
  },
  {
    what: 'Up with Poll, moving to 300 ms (RFC 5880 §6.8.3)',
    bytes: '20e00318069cd4777c23b7cc000493e0000493e00000c350',
    packet: { state: BfdState.Up, poll: true, final: false, desiredMinTxUs: 300_000, requiredMinRxUs: 300_000 },
  },
  {
    what: 'Up with Final',
    bytes: '20d003187c23b7cc069cd477000493e0000493e00000c350',
    packet: { state: BfdState.Up, poll: false, final: true },
  },
  {
    what: 'AdminDown after `shutdown`',
    bytes: '20000318069cd4777c23b7cc00030d40000493e00000c350',
    packet: { state: BfdState.AdminDown, desiredMinTxUs: 200_000 },
  },
  {
    what: 'Down with diagnostic 3, neighbor signaled session down',
    bytes: '234003187c23b7cc00000000000493e0000493e00000c350',
    packet: { state: BfdState.Down, diagnostic: BfdDiagnostic.NeighborSignaledSessionDown, yourDiscriminator: 0 },
  },
];

const base: ControlPacket = {
  diagnostic: 0,
  state: BfdState.Up,
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  detectMultiplier: 3,
  myDiscriminator: 1,
  yourDiscriminator: 2,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
};

describe('BFD control packet codec (RFC 5880 §4)', () => {
  for (const capture of frrCaptures) {
    it(`decodes and re-encodes FRR's ${capture.what}`, () => {
      const packet = decodeControlPacket(hex(capture.bytes));
      expect(packet).toMatchObject(capture.packet);
      expect(packet.authentication).toBeUndefined();
      expect(toHex(encodeControlPacket(packet))).toBe(capture.bytes);
    });
  }

  it('encodes every field at its RFC 5880 §4.1 position', () => {
    const bytes = encodeControlPacket({
      ...base,
      diagnostic: BfdDiagnostic.ControlDetectionTimeExpired,
      state: BfdState.Init,
      poll: true,
      controlPlaneIndependent: true,
      demand: true,
      detectMultiplier: 5,
      myDiscriminator: 0x01020304,
      yourDiscriminator: 0xa0b0c0d0,
      desiredMinTxUs: 0x11223344,
      requiredMinRxUs: 0x55667788,
      requiredMinEchoRxUs: 0x99aabbcc,
    });
    // Vers 1 | Diag 1 = 0x21; Sta 2 | P | C | D = 0x80|0x20|0x08|0x02 = 0xaa; Mult 5; Length 24.
    expect(toHex(bytes)).toBe('21aa0518' + '01020304' + 'a0b0c0d0' + '11223344' + '55667788' + '99aabbcc');
  });

  it('parses a simple password authentication section (§4.2.2)', () => {
    const bytes = hex('20c40321 00000001 00000002 000493e0 000493e0 00000000 01 09 05 73656372 6574');
    const packet = decodeControlPacket(bytes);
    expect(packet.authentication).toEqual({
      type: BfdAuthType.SimplePassword,
      keyId: 5,
      password: new TextEncoder().encode('secret'),
    });
    expect(toHex(encodeControlPacket(packet))).toBe(toHex(bytes));
  });

  it('parses keyed MD5 (§4.3) and keyed SHA1 (§4.4) sections', () => {
    const md5 = hex('20c40330 00000001 00000002 000493e0 000493e0 00000000 02 18 07 00 0000002a' + 'ab'.repeat(16));
    expect(decodeControlPacket(md5).authentication).toEqual({
      type: BfdAuthType.KeyedMd5,
      keyId: 7,
      sequence: 42,
      digest: hex('ab'.repeat(16)),
    });
    const sha1 = hex('20c40334 00000001 00000002 000493e0 000493e0 00000000 05 1c 01 00 ffffffff' + 'cd'.repeat(20));
    expect(decodeControlPacket(sha1).authentication).toEqual({
      type: BfdAuthType.MeticulousKeyedSha1,
      keyId: 1,
      sequence: 0xffffffff,
      hash: hex('cd'.repeat(20)),
    });
    expect(toHex(encodeControlPacket(decodeControlPacket(sha1)))).toBe(toHex(sha1));
  });

  it('ignores bytes after Length (encapsulation padding)', () => {
    const bytes = hex(frrCaptures[0]!.bytes + '0000');
    expect(decodeControlPacket(bytes).myDiscriminator).toBe(0x069cd477);
  });

  const rejects: [string, string, string][] = [
    ['truncated', 'a packet shorter than 24 bytes', '20400318069cd47700000000000f4240000f4240'],
    ['bad-version', 'version 0', '00400318069cd47700000000000f4240000f42400000c350'],
    ['bad-length', 'Length below 24', '20400317069cd47700000000000f4240000f42400000c350'],
    ['bad-length', 'Length beyond the payload', '20400320069cd47700000000000f4240000f42400000c350'],
    ['bad-length', 'A bit with Length 24', '20440318069cd47700000000000f4240000f42400000c350'],
    ['zero-detect-mult', 'Detect Mult 0', '20400018069cd47700000000000f4240000f42400000c350'],
    ['multipoint', 'the M bit', '20410318069cd47700000000000f4240000f42400000c350'],
    ['poll-and-final', 'both P and F', '20f00318069cd47700000001000f4240000f42400000c350'],
    ['zero-my-discriminator', 'My Discriminator 0', '204003180000000000000000000f4240000f42400000c350'],
    ['zero-your-discriminator', 'Your Discriminator 0 in Up', '20c00318069cd47700000000000f4240000f42400000c350'],
    [
      'bad-auth-section',
      'Auth Len not matching Length',
      '20c4031c 00000001 00000002 000493e0 000493e0 00000000 01 08 05 736563',
    ],
    ['bad-auth-section', 'unknown Auth Type 9', '20c4031c 00000001 00000002 000493e0 000493e0 00000000 09 04 05 73'],
    [
      'bad-auth-section',
      'MD5 with Auth Len 20',
      '20c4032c 00000001 00000002 000493e0 000493e0 00000000 02 14 07 00 0000002a' + 'ab'.repeat(12),
    ],
  ];
  for (const [problem, what, bytes] of rejects) {
    it(`discards ${what} (§6.8.6) with problem ${problem}`, () => {
      const error = (() => {
        try {
          decodeControlPacket(hex(bytes));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(BfdPacketError);
      expect((error as BfdPacketError).problem).toBe(problem);
    });
  }

  it('refuses to encode values that do not fit', () => {
    expect(() => encodeControlPacket({ ...base, detectMultiplier: 0 })).toThrow(BfdConfigError);
    expect(() => encodeControlPacket({ ...base, myDiscriminator: 0 })).toThrow(BfdConfigError);
    expect(() => encodeControlPacket({ ...base, desiredMinTxUs: 2 ** 32 })).toThrow(BfdConfigError);
    expect(() => encodeControlPacket({ ...base, poll: true, final: true })).toThrow(BfdConfigError);
    expect(() =>
      encodeControlPacket({ ...base, authentication: { type: 1, keyId: 1, password: new Uint8Array(17) } }),
    ).toThrow(BfdConfigError);
  });

  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const packetArb: fc.Arbitrary<ControlPacket> = fc
    .record({
      diagnostic: fc.integer({ min: 0, max: 31 }),
      state: fc.constantFrom(BfdState.AdminDown, BfdState.Down, BfdState.Init, BfdState.Up),
      pf: fc.constantFrom<[boolean, boolean]>([false, false], [true, false], [false, true]),
      controlPlaneIndependent: fc.boolean(),
      demand: fc.boolean(),
      detectMultiplier: fc.integer({ min: 1, max: 255 }),
      myDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
      yourDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
      desiredMinTxUs: u32,
      requiredMinRxUs: u32,
      requiredMinEchoRxUs: u32,
      password: fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: undefined }),
    })
    .map(({ pf, password, ...rest }) => ({
      ...rest,
      diagnostic: rest.diagnostic as ControlPacket['diagnostic'],
      poll: pf[0],
      final: pf[1],
      ...(password ? { authentication: { type: BfdAuthType.SimplePassword, keyId: 1, password } } : {}),
    }));

  it('round-trips any valid packet: decode(encode(p)) = p', () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(decodeControlPacket(encodeControlPacket(packet))).toEqual(packet);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but BfdPacketError on random and mutated input', () => {
    const mutated = fc
      .tuple(packetArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(60))
      .map(([packet, edits, cut]) => {
        const bytes = encodeControlPacket(packet);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes.subarray(0, Math.min(bytes.length, cut));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
        try {
          const packet = decodeControlPacket(bytes);
          // Whatever decodes re-encodes to a packet that decodes the same.
          expect(decodeControlPacket(encodeControlPacket(packet))).toEqual(packet);
        } catch (error) {
          if (!(error instanceof BfdPacketError)) throw error;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
