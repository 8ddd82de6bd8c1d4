import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '@cairn/sys';
import { pathAttributesSchema } from '../../src/config/peer.js';
import { BgpSpeaker } from '../../src/speaker/index.js';
import { attributeActions } from '../../src/session/path-attributes.js';
import { decodeMessage, encodeMessage, parsePrefix } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT, type CodecContext, type UpdateMessage } from '../../src/wire/types.js';

// Attributes Cairn passes on without implementing them are checked against their RFC's structure
// first (carried-attributes.ts), and configured types are discarded or treated as withdraw.
const ctx: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

/** An UPDATE for 198.51.100.0/24 carrying one extra attribute, given as its flags, type and value. */
function withAttribute(flags: number, typeCode: number, value: string, c = ctx): UpdateMessage {
  const bytes = encodeMessage(
    {
      type: 2,
      withdrawn: [],
      nlri: [parsePrefix('198.51.100.0/24')],
      attributes: {
        origin: 0,
        asPath: [{ type: 'sequence', asns: [65066] }],
        nextHop: '10.0.0.1',
        communities: [0xfde80001],
        unknown: [{ flags, typeCode, value: hex(value) }],
      },
    },
    c,
  );
  return decodeMessage(bytes, c) as UpdateMessage;
}

const passedOn = (u: UpdateMessage, type: number) => u.attributes.unknown?.some((a) => a.typeCode === type) ?? false;

describe('attributes Cairn knows of but does not implement', () => {
  it('type 23 with the junk value FRR resets on (c0 17 08 0000fdeb0a630202): treat-as-withdraw (RFC 9012 §13)', () => {
    const u = withAttribute(0xc0, 23, '0000fdeb0a630202');
    expect(u.treatAsWithdraw?.reason).toMatch(
      /TUNNEL_ENCAPSULATION \(23\) malformed: tunnel TLV 0 length 65003 overruns/,
    );
    expect(u.nlri).toEqual([]);
    expect(u.withdrawn).toEqual([parsePrefix('198.51.100.0/24')]);
  });

  it('type 23 well formed (1- and 2-octet sub-TLV lengths) is passed on', () => {
    expect(passedOn(withAttribute(0xc0, 23, '000f0004 01020000'), 23)).toBe(true);
    expect(passedOn(withAttribute(0xc0, 23, '000f0004 800001aa'), 23)).toBe(true);
    expect(withAttribute(0xc0, 23, '000f0005 01040000aa').treatAsWithdraw).toBeDefined(); // sub-TLV overruns its TLV
  });

  it('type 40 Prefix-SID: a Label-Index TLV that is not 7 octets is discarded, the route kept (RFC 8669 §6)', () => {
    expect(passedOn(withAttribute(0xc0, 40, '01 0007 00 0000 00000064'), 40)).toBe(true);
    const bad = withAttribute(0xc0, 40, '01 0006 00 0000 000064');
    expect(bad.treatAsWithdraw).toBeUndefined();
    expect(passedOn(bad, 40)).toBe(false);
    expect(bad.discarded?.[0]?.reason).toMatch(/Label-Index TLV length 6/);
    expect(bad.nlri).toEqual([parsePrefix('198.51.100.0/24')]);
    expect(withAttribute(0xc0, 40, '03 0007 0000 000010000008').discarded?.[0]?.reason).toMatch(/Originator SRGB/);
  });

  it('type 29 BGP-LS: TLVs that overrun are discarded (RFC 7752 §8.2.2)', () => {
    const bad = withAttribute(0x80, 29, '0400 0010 0000');
    expect(bad.discarded?.[0]?.reason).toMatch(/BGP-LS \(29\) malformed/);
    expect(bad.treatAsWithdraw).toBeUndefined();
    expect(withAttribute(0x80, 29, '0400 0002 0000').discarded).toBeUndefined();
  });

  it('type 22 PMSI tunnel shorter than 5 octets: treat-as-withdraw', () => {
    expect(withAttribute(0xc0, 22, '00 01 000000').treatAsWithdraw).toBeUndefined();
    expect(withAttribute(0xc0, 22, '00 01 0000').treatAsWithdraw?.reason).toMatch(
      /PMSI_TUNNEL \(22\) malformed: length 4/,
    );
  });

  it('type 128 ATTR_SET: origin AS and whole inner attributes, else treat-as-withdraw (RFC 6368 §5)', () => {
    expect(passedOn(withAttribute(0xc0, 128, '0000fde8 40010100'), 128)).toBe(true);
    expect(withAttribute(0xc0, 128, '0000fd').treatAsWithdraw?.reason).toMatch(/at least 4/);
    expect(withAttribute(0xc0, 128, '0000fde8 400104').treatAsWithdraw?.reason).toMatch(/overruns ATTR_SET/);
  });
});

describe('pathAttributes: configured discard and treat-as-withdraw', () => {
  it('discards a configured type (even one Cairn implements) and withdraws on another', () => {
    const configured: CodecContext = {
      ...ctx,
      attributeActions: attributeActions({ discard: [8, 23] }, { treatAsWithdraw: [99] }),
    };
    const discarded = withAttribute(0xc0, 23, '000f0004 01020000', configured);
    expect(discarded.attributes.communities).toBeUndefined();
    expect(passedOn(discarded, 23)).toBe(false);
    expect(discarded.nlri).toHaveLength(1);
    expect(withAttribute(0xc0, 99, '00', configured).treatAsWithdraw?.reason).toMatch(
      /attribute 99 treated as withdraw by configuration/,
    );
  });

  it('a peer list replaces the speaker list of its kind; a type in both kinds is treat-as-withdraw', () => {
    expect([...attributeActions({ discard: [40] }, { discard: [23], treatAsWithdraw: [22] })!]).toEqual([
      [40, 'attribute-discard'],
      [22, 'treat-as-withdraw'],
    ]);
    expect(attributeActions({ discard: [23], treatAsWithdraw: [23] }, undefined)!.get(23)).toBe('treat-as-withdraw');
    expect(attributeActions(undefined, undefined)).toBeUndefined();
  });

  it('refuses types that carry the route and values that are not type codes, naming the field', () => {
    const check = (value: unknown) => () => validateConfig(pathAttributesSchema, value, 'bgp.yaml');
    expect(check({ discard: [2] })).toThrow(
      new ConfigError('bgp.yaml', [
        { path: ['discard', 0], message: 'AS_PATH (2) carries the route itself and cannot be configured' },
      ]),
    );
    expect(check({ treatAsWithdraw: [23, 256] })).toThrow(/treatAsWithdraw\[1\]: /);
    expect(check({ discard: [22, 23, 29, 40, 128] })).not.toThrow();
    expect(() => new BgpSpeaker({ localAs: 65053, routerId: '10.0.0.1', pathAttributes: { discard: [1] } })).toThrow(
      /pathAttributes is not valid:\n {2}discard\[0\]: ORIGIN \(1\) carries the route itself/,
    );
  });
});
