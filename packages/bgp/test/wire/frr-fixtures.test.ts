// Offline decode of a real FRR 8.4.4 session captured with tcpdump (frr-capture.int.test.ts writes
// test/fixtures/frr-8.4-session.json). Every message decodes with the context its OPENs negotiated,
// and survives decode → encode → decode (FRR's attribute order and length encodings differ from
// Cairn's canonical ones, so the bytes may differ while the meaning may not).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, formatPrefix } from '../../src/wire/index.js';
import type { BgpMessage, CodecContext, OpenMessage, UpdateMessage } from '../../src/wire/index.js';
import { fromHex } from './helpers.js';

interface Captured {
  from: string;
  type: number;
  context: { fourOctetAs: boolean; addPath: string[]; extendedMessage: boolean; extendedNextHop: string[] };
  hex: string;
}

const captured = JSON.parse(
  readFileSync(new URL('../fixtures/frr-8.4-session.json', import.meta.url), 'utf8'),
) as Captured[];
const ctxOf = (c: Captured): CodecContext => ({
  ...c.context,
  addPath: new Set(c.context.addPath),
  extendedNextHop: new Set(c.context.extendedNextHop),
});
const decoded = captured.map((c) => ({ ...c, message: decodeMessage(fromHex(c.hex), ctxOf(c)) }));
const ofType = <T extends BgpMessage['type']>(type: T) =>
  decoded.filter((d) => d.message.type === type) as (Captured & { message: Extract<BgpMessage, { type: T }> })[];

describe('FRR 8.4.4 capture', () => {
  it('holds every message type', () => {
    expect(new Set(decoded.map((d) => d.message.type))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it("decodes FRR's OPEN capabilities: MP, route refresh, extended message, GR, 4-octet AS, ADD-PATH, enhanced RR, LLGR, FQDN, role", () => {
    const open = ofType(1).find((d) => d.from.startsWith('10.0.0.1'))!.message as OpenMessage;
    expect(open).toMatchObject({ asn: 65001, holdTime: 180, routerId: '10.0.0.1' });
    const byCode = new Map(open.capabilities.map((c) => [c.code, c]));
    expect(byCode.get(1)).toEqual({ code: 1, afi: 1, safi: 1 });
    expect(byCode.get(73)).toEqual({ code: 73, hostname: 'frr-a', domain: '' });
    expect(byCode.get(9)).toEqual({ code: 9, role: 0 });
    expect(byCode.get(65)).toEqual({ code: 65, asn: 65001 });
    expect(byCode.get(69)).toMatchObject({ code: 69, families: [{ afi: 1, safi: 1, direction: 'both' }] });
    expect(byCode.get(64)).toMatchObject({ code: 64, notification: true });
    for (const code of [2, 6, 70, 71, 128]) expect(byCode.has(code), `capability ${code}`).toBe(true);
    const wide = ofType(1).find((d) => d.message.asn === 4200000002)!;
    expect(wide.hex.slice(40, 44)).toBe('5ba0'); // AS_TRANS on the wire (RFC 6793 §4.1)
  });

  it('decodes IPv4 UPDATEs with ADD-PATH, MED, communities, extended and large communities', () => {
    const update = ofType(2).find(
      (d) => d.from.startsWith('10.0.0.1') && d.message.nlri.some((p) => formatPrefix(p) === '198.51.100.0/24'),
    )!.message;
    expect(update.nlri[0]!.pathId).toBeGreaterThan(0);
    expect(update.attributes).toMatchObject({
      origin: 0,
      asPath: [{ type: 'sequence', asns: [65001] }],
      nextHop: '10.0.0.1',
      med: 50,
      communities: [65001 * 65536 + 100, 65001 * 65536 + 200],
      largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
    });
    expect(Buffer.from(update.attributes.extendedCommunities![0]!).toString('hex')).toBe('0002fde90000002a');
  });

  it('decodes the IPv6 MP_REACH_NLRI with global and link-local next hops', () => {
    const update = ofType(2).find(
      (d) => d.message.attributes.mpReach?.afi === 2 && d.message.attributes.mpReach.nlri.length > 0,
    )!.message;
    expect(update.attributes.mpReach).toMatchObject({
      nextHop: 'fc00::1',
      linkLocalNextHop: expect.stringMatching(/^fe80::/),
    });
    expect(update.attributes.mpReach!.nlri.map(formatPrefix)).toEqual(['2001:db8:100::/48']);
  });

  it('decodes ROUTE-REFRESH with the RFC 7313 BoRR subtype and the Hard Reset NOTIFICATION with its RFC 9003 text', () => {
    expect(ofType(5).map((d) => d.message.subtype)).toEqual(expect.arrayContaining([0, 1]));
    expect(ofType(3).find((d) => d.from.startsWith('10.0.0.1'))!.message).toMatchObject({
      code: 6,
      subcode: 9,
      message: 'cairn capture: maintenance',
    });
  });

  it('every captured message survives decode → encode → decode', () => {
    for (const d of decoded) {
      const ctx = ctxOf(d);
      expect(decodeMessage(encodeMessage(d.message, ctx), ctx)).toEqual(d.message);
    }
  });

  it('End-of-RIB markers from FRR are recognized', async () => {
    const { isEndOfRib } = await import('../../src/wire/index.js');
    const families = ofType(2)
      .map((d) => isEndOfRib(d.message as UpdateMessage))
      .filter(Boolean);
    expect(families).toEqual(
      expect.arrayContaining([
        { afi: 1, safi: 1 },
        { afi: 2, safi: 1 },
      ]),
    );
  });
});
