// The UPDATE builder (packing under the negotiated maximum size) and End-of-RIB (RFC 4724 §2).
import { describe, expect, it } from 'vitest';
import {
  BgpEncodeError,
  buildUpdates,
  decodeMessage,
  endOfRib,
  formatPrefix,
  isEndOfRib,
  makePrefix,
} from '../../src/wire/index.js';
import type { CodecContext, PathAttributes, Prefix, UpdateMessage } from '../../src/wire/index.js';
import { CTX4, context, toHex } from './helpers.js';

const v4 = (i: number): Prefix => makePrefix(Uint8Array.of(10 + (i >> 16), (i >> 8) & 0xff, i & 0xff, 0), 24);
const v6 = (i: number): Prefix =>
  makePrefix(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, i >> 8, i & 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 48);
const attributes: PathAttributes = {
  origin: 0,
  asPath: [{ type: 'sequence', asns: [65001, 65002] }],
  nextHop: '192.0.2.1',
  communities: [0xfde90064],
  mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1', nlri: [] },
};

function decodeAll(messages: Uint8Array[], ctx: CodecContext): UpdateMessage[] {
  return messages.map((m) => decodeMessage(m, ctx) as UpdateMessage);
}

describe('buildUpdates', () => {
  it('packs 5000 IPv4 and 3000 IPv6 prefixes into as few UPDATEs as fit 4096 bytes, losing none', () => {
    const nlri = [...Array.from({ length: 5000 }, (_, i) => v4(i)), ...Array.from({ length: 3000 }, (_, i) => v6(i))];
    const messages = buildUpdates({ nlri, attributes }, CTX4);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096);
    const decoded = decodeAll(messages, CTX4);
    const bodyPrefixes = decoded.flatMap((u) => u.nlri).map(formatPrefix);
    const mpPrefixes = decoded.flatMap((u) => u.attributes.mpReach?.nlri ?? []).map(formatPrefix);
    expect(bodyPrefixes).toEqual(nlri.slice(0, 5000).map(formatPrefix));
    expect(mpPrefixes).toEqual(nlri.slice(5000).map(formatPrefix));
    // 4 bytes per /24: (4096 - 19 - 4 - attributes) / 4 ≈ 1000 per message, so 5 for IPv4.
    expect(decoded.filter((u) => u.nlri.length > 0)).toHaveLength(5);
    for (const u of decoded) {
      expect(u.attributes.asPath).toEqual(attributes.asPath);
      // RFC 4760 §3: no NEXT_HOP when the only NLRI is in MP_REACH_NLRI.
      if (u.attributes.mpReach) expect(u.attributes.nextHop).toBeUndefined();
      else expect(u.attributes.nextHop).toBe('192.0.2.1');
    }
    // Deterministic: equal input, equal bytes.
    expect(buildUpdates({ nlri, attributes }, CTX4).map(toHex)).toEqual(messages.map(toHex));
  });

  it('each message is full: moving one more prefix in would exceed the limit', () => {
    const nlri = Array.from({ length: 3000 }, (_, i) => v4(i));
    const messages = buildUpdates({ nlri, attributes }, CTX4);
    for (const m of messages.slice(0, -1)) expect(m.length + 4).toBeGreaterThan(4096);
  });

  it('uses 65535-byte messages when Extended Message is negotiated (RFC 8654)', () => {
    const nlri = Array.from({ length: 20000 }, (_, i) => v4(i));
    const ctx = context({ fourOctetAs: true, extendedMessage: true });
    const messages = buildUpdates({ nlri, attributes }, ctx);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.length).toBeGreaterThan(60000);
    expect(decodeAll(messages, ctx).flatMap((u) => u.nlri)).toHaveLength(20000);
  });

  it('batches withdrawals: IPv4 in the body, IPv6 in MP_UNREACH_NLRI', () => {
    const withdrawn = [
      ...Array.from({ length: 2000 }, (_, i) => v4(i)),
      ...Array.from({ length: 1000 }, (_, i) => v6(i)),
    ];
    const messages = buildUpdates({ withdrawn }, CTX4);
    const decoded = decodeAll(messages, CTX4);
    expect(decoded.flatMap((u) => u.withdrawn)).toHaveLength(2000);
    expect(decoded.flatMap((u) => u.attributes.mpUnreach?.withdrawn ?? [])).toHaveLength(1000);
    expect(messages.length).toBeLessThan(6);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096);
  });

  it('writes ADD-PATH identifiers when negotiated', () => {
    const ctx = context({ fourOctetAs: true, addPath: new Set(['1/1']) });
    const nlri = [
      { ...v4(1), pathId: 1 },
      { ...v4(1), pathId: 2 },
    ];
    expect(decodeAll(buildUpdates({ nlri, attributes }, ctx), ctx)[0]!.nlri).toEqual(nlri);
  });

  it('RFC 8950: IPv4 prefixes with an IPv6 next hop go in MP_REACH, only when negotiated', () => {
    const attrs: PathAttributes = { ...attributes, nextHop: undefined };
    expect(() => buildUpdates({ nlri: [v4(1)], attributes: attrs }, CTX4)).toThrow(BgpEncodeError);
    const ctx = context({ fourOctetAs: true, extendedNextHop: new Set(['1/1']) });
    const [u] = decodeAll(buildUpdates({ nlri: [v4(1)], attributes: attrs }, ctx), ctx);
    expect(u!.attributes.mpReach).toMatchObject({
      afi: 1,
      safi: 1,
      nextHop: '2001:db8::1',
      linkLocalNextHop: 'fe80::1',
    });
    expect(u!.attributes.mpReach!.nlri.map(formatPrefix)).toEqual(['10.0.1.0/24']);
  });

  it('refuses an ORIGIN outside 0..2', () => {
    expect(() => buildUpdates({ nlri: [v4(1)], attributes: { ...attributes, origin: 3 as 0 } }, CTX4)).toThrow(
      BgpEncodeError,
    );
  });

  it('refuses attributes that leave no room for a prefix', () => {
    const huge = { ...attributes, communities: Array.from({ length: 1100 }, (_, i) => i) };
    expect(() => buildUpdates({ nlri: [v4(1)], attributes: huge }, CTX4)).toThrow(BgpEncodeError);
  });
});

describe('End-of-RIB (RFC 4724 §2)', () => {
  it('IPv4 unicast is the empty UPDATE; other families an empty MP_UNREACH_NLRI', () => {
    expect(toHex(endOfRib({ afi: 1, safi: 1 }, CTX4))).toBe('ff'.repeat(16) + '0017' + '02' + '0000' + '0000');
    expect(toHex(endOfRib({ afi: 2, safi: 1 }, CTX4))).toBe(
      'ff'.repeat(16) + '001e' + '02' + '0000' + '0007' + '900f0003000201',
    );
    expect(isEndOfRib(decodeMessage(endOfRib({ afi: 2, safi: 1 }, CTX4), CTX4) as UpdateMessage)).toEqual({
      afi: 2,
      safi: 1,
    });
    expect(isEndOfRib(decodeMessage(endOfRib({ afi: 1, safi: 1 }, CTX4), CTX4) as UpdateMessage)).toEqual({
      afi: 1,
      safi: 1,
    });
  });

  it('is not any UPDATE with content', () => {
    const [withdrawal] = buildUpdates({ withdrawn: [v6(1)] }, CTX4);
    expect(isEndOfRib(decodeMessage(withdrawal!, CTX4) as UpdateMessage)).toBeUndefined();
    const [announcement] = buildUpdates({ nlri: [v4(1)], attributes }, CTX4);
    expect(isEndOfRib(decodeMessage(announcement!, CTX4) as UpdateMessage)).toBeUndefined();
  });
});
