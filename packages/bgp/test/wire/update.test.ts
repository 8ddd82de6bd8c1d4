// Golden vectors for every path attribute, NLRI with ADD-PATH, the RFC 6793 AS4 handling and the
// RFC 7606 error table; hex written from RFC 4271 §4.3/§5, RFC 4760, RFC 1997, RFC 4360, RFC 8092,
// RFC 6793, RFC 7911, RFC 9234 and RFC 7606 §7.
import { describe, expect, it } from 'vitest';
import { BgpDecodeError, decodeMessage, encodeMessage, formatPrefix, parsePrefix } from '../../src/wire/index.js';
import type { CodecContext, UpdateMessage } from '../../src/wire/index.js';
import { CTX4, context, toHex, update } from './helpers.js';

const CTX2 = context();
const decodeUpdate = (bytes: Uint8Array, ctx: CodecContext = CTX4) => decodeMessage(bytes, ctx) as UpdateMessage;

// Mandatory attributes for a 4-octet session: ORIGIN IGP, AS_PATH AS_SEQUENCE [65001], NEXT_HOP 192.0.2.1
const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde9';
const NEXT_HOP = '40 03 04 c0000201';
const BASE = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '18 c63364'; // 198.51.100.0/24

describe('path attributes (RFC 4271 §5 and friends)', () => {
  it('decodes every attribute kind from golden hex and re-encodes it canonically', () => {
    const attributes = [
      '90 0e 002c 0002 01 20 fc000000000000000000000000000001 fe800000000000000000000000000001 00 30 20010db80100', // MP_REACH_NLRI
      '90 0f 000a 0002 01 30 20010db80200', // MP_UNREACH_NLRI
      ORIGIN,
      '40 02 0e 02 03 0000fde9 0000fdea fa56ea00', // AS_PATH AS_SEQUENCE [65001 65002 4200000000]
      NEXT_HOP,
      '80 04 04 00000032', // MULTI_EXIT_DISC 50
      '40 05 04 00000064', // LOCAL_PREF 100
      '40 06 00', // ATOMIC_AGGREGATE
      'c0 07 08 0000fde9 c0000201', // AGGREGATOR 65001 192.0.2.1
      'c0 08 08 fde90064 ffffff01', // COMMUNITIES 65001:100 NO_EXPORT
      '80 09 04 0a000001', // ORIGINATOR_ID
      '80 0a 08 0a000001 0a000002', // CLUSTER_LIST
      'c0 10 08 0002fde90000002a', // EXTENDED COMMUNITIES rt 65001:42
      'c0 20 0c 0000fde9 00000001 00000002', // LARGE_COMMUNITY 65001:1:2
      'c0 23 04 0000fde9', // ONLY_TO_CUSTOMER 65001
      'e0 63 02 abcd', // unknown optional transitive (Partial already set)
    ].join('');
    const bytes = update({ attributes, nlri: NLRI });
    const m = decodeUpdate(bytes);
    expect(m.attributes).toEqual({
      mpReach: {
        afi: 2,
        safi: 1,
        nextHop: 'fc00::1',
        linkLocalNextHop: 'fe80::1',
        nlri: [parsePrefix('2001:db8:100::/48')],
      },
      mpUnreach: { afi: 2, safi: 1, withdrawn: [parsePrefix('2001:db8:200::/48')] },
      origin: 0,
      asPath: [{ type: 'sequence', asns: [65001, 65002, 4200000000] }],
      nextHop: '192.0.2.1',
      med: 50,
      localPref: 100,
      atomicAggregate: true,
      aggregator: { asn: 65001, address: '192.0.2.1' },
      communities: [0xfde90064, 0xffffff01],
      originatorId: '10.0.0.1',
      clusterList: ['10.0.0.1', '10.0.0.2'],
      extendedCommunities: [Uint8Array.from([0, 2, 0xfd, 0xe9, 0, 0, 0, 0x2a])],
      largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
      onlyToCustomer: 65001,
      unknown: [{ flags: 0xe0, typeCode: 0x63, value: Uint8Array.from([0xab, 0xcd]) }],
    });
    expect(m.nlri.map(formatPrefix)).toEqual(['198.51.100.0/24']);
    expect(m).not.toHaveProperty('treatAsWithdraw');
    // Canonical order is MP_REACH, MP_UNREACH, then by type code — the order of the golden hex.
    expect(toHex(encodeMessage(m, CTX4))).toBe(toHex(bytes));
  });

  it('drops unknown optional non-transitive attributes and sets Partial on unknown transitive ones', () => {
    const m = decodeUpdate(update({ attributes: BASE + '80 64 01 00' + 'c0 65 01 07', nlri: NLRI }));
    expect(m.attributes.unknown).toEqual([{ flags: 0xc0, typeCode: 0x65, value: Uint8Array.of(7) }]);
    expect(toHex(encodeMessage(m, CTX4))).toContain('e0650107');
  });

  it('reads 2-octet AS_PATH with AS_SET and confederation segments', () => {
    const m = decodeUpdate(
      update({ attributes: ORIGIN + '40 02 0e 03 01 fde8 02 01 fde9 01 02 fdea fdeb' + NEXT_HOP, nlri: NLRI }),
      CTX2,
    );
    expect(m.attributes.asPath).toEqual([
      { type: 'confed-sequence', asns: [65000] },
      { type: 'sequence', asns: [65001] },
      { type: 'set', asns: [65002, 65003] },
    ]);
  });

  it('RFC 6793 §4.2.3: merges AS4_PATH and AS4_AGGREGATOR on a 2-octet session', () => {
    const attributes =
      ORIGIN +
      '40 02 08 02 03 fc00 fde9 5ba0' + // AS_PATH [64512 65001 AS_TRANS]
      NEXT_HOP +
      'c0 07 06 5ba0 c0000201' + // AGGREGATOR AS_TRANS
      'c0 11 0a 02 02 0000fde9 fa56ea00' + // AS4_PATH [65001 4200000000]
      'c0 12 08 fa56ea00 c0000201'; // AS4_AGGREGATOR 4200000000
    const m = decodeUpdate(update({ attributes, nlri: NLRI }), CTX2);
    expect(m.attributes.asPath).toEqual([{ type: 'sequence', asns: [64512, 65001, 4200000000] }]);
    expect(m.attributes.aggregator).toEqual({ asn: 4200000000, address: '192.0.2.1' });
  });

  it('RFC 6793 §4.2.3: ignores AS4 attributes when AGGREGATOR is not AS_TRANS or AS4_PATH is longer', () => {
    const notTrans =
      ORIGIN +
      '40 02 04 02 01 fde9' +
      NEXT_HOP +
      'c0 07 06 fde9 c0000201' +
      'c0 11 06 02 01 fa56ea00' +
      'c0 12 08 fa56ea00 c0000201';
    const m = decodeUpdate(update({ attributes: notTrans, nlri: NLRI }), CTX2);
    expect(m.attributes.asPath).toEqual([{ type: 'sequence', asns: [65001] }]);
    expect(m.attributes.aggregator?.asn).toBe(65001);
    const longer = ORIGIN + '40 02 04 02 01 5ba0' + NEXT_HOP + 'c0 11 0a 02 02 0000fde9 fa56ea00';
    expect(decodeUpdate(update({ attributes: longer, nlri: NLRI }), CTX2).attributes.asPath).toEqual([
      { type: 'sequence', asns: [23456] },
    ]);
  });

  it('RFC 6793 §4.2.2: encodes AS_TRANS plus AS4_PATH/AS4_AGGREGATOR towards a 2-octet speaker', () => {
    const m: UpdateMessage = {
      type: 2,
      withdrawn: [],
      attributes: {
        origin: 0,
        asPath: [
          { type: 'confed-sequence', asns: [65000] },
          { type: 'sequence', asns: [65001, 4200000000] },
        ],
        nextHop: '192.0.2.1',
        aggregator: { asn: 4200000000, address: '192.0.2.1' },
      },
      nlri: [parsePrefix('198.51.100.0/24')],
    };
    const hex = toHex(encodeMessage(m, CTX2));
    expect(hex).toContain('40020a' + '030' + '1fde8' + '0202fde95ba0'); // AS_PATH with AS_TRANS
    expect(hex).toContain('c0070' + '65ba0c0000201'); // AGGREGATOR AS_TRANS
    expect(hex).toContain('c0110a02020000fde9fa56ea00'); // AS4_PATH without the confederation segment
    expect(hex).toContain('c01208fa56ea00c0000201'); // AS4_AGGREGATOR
    const back = decodeUpdate(encodeMessage(m, CTX2), CTX2);
    expect(back.attributes.asPath).toEqual(m.attributes.asPath);
    expect(back.attributes.aggregator).toEqual(m.attributes.aggregator);
  });

  it('a 4-octet session discards AS4_PATH (RFC 6793 §6) and reports it', () => {
    const m = decodeUpdate(update({ attributes: BASE + 'c0 11 06 02 01 fa56ea00', nlri: NLRI }));
    expect(m.attributes.asPath).toEqual([{ type: 'sequence', asns: [65001] }]);
    expect(m.discarded).toEqual([expect.objectContaining({ typeCode: 17 })]);
  });
});

describe('NLRI (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3)', () => {
  it('decodes withdrawn routes and NLRI, clearing trailing host bits', () => {
    const m = decodeUpdate(update({ withdrawn: '08 0a', attributes: BASE, nlri: '19 c63364ff 00' }));
    expect(m.withdrawn.map(formatPrefix)).toEqual(['10.0.0.0/8']);
    expect(m.nlri.map(formatPrefix)).toEqual(['198.51.100.128/25', '0.0.0.0/0']); // .255 → .128: bits past /25 cleared
  });

  it('reads and writes ADD-PATH path identifiers for the negotiated family only', () => {
    const ctx = context({ fourOctetAs: true, addPath: new Set(['1/1']) });
    const m = decodeUpdate(update({ attributes: BASE, nlri: '00000007 18 c63364' }), ctx);
    expect(m.nlri).toEqual([{ ...parsePrefix('198.51.100.0/24'), pathId: 7 }]);
    expect(toHex(encodeMessage(m, ctx))).toMatch(/0000000718c63364$/);
    expect(() => decodeMessage(update({ attributes: BASE, nlri: '00000007 18 c63364' }), CTX4)).toThrow(BgpDecodeError);
  });
});

type Case = [
  name: string,
  attributes: string,
  expected: {
    action: 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';
    subcode?: number;
    typeCode?: number;
  },
];

// RFC 7606 §7 (per attribute), §3 (flags, duplicates, missing attributes), §4 (lengths), §5.3 (NLRI).
const cases: Case[] = [
  ['ORIGIN length 2 (§7.1)', '40 01 02 0000' + AS_PATH + NEXT_HOP, { action: 'treat-as-withdraw', subcode: 5 }],
  ['ORIGIN undefined value (§7.1)', '40 01 01 03' + AS_PATH + NEXT_HOP, { action: 'treat-as-withdraw', subcode: 6 }],
  ['ORIGIN flagged optional (§3 c)', '80 01 01 00' + AS_PATH + NEXT_HOP, { action: 'treat-as-withdraw', subcode: 4 }],
  [
    'AS_PATH unknown segment type (§7.2)',
    ORIGIN + '40 02 06 05 01 0000fde9' + NEXT_HOP,
    { action: 'treat-as-withdraw', subcode: 11 },
  ],
  [
    'AS_PATH zero-length segment (§7.2)',
    ORIGIN + '40 02 02 02 00' + NEXT_HOP,
    { action: 'treat-as-withdraw', subcode: 11 },
  ],
  [
    'AS_PATH segment overrun (§7.2)',
    ORIGIN + '40 02 06 02 02 0000fde9' + NEXT_HOP,
    { action: 'treat-as-withdraw', subcode: 11 },
  ],
  ['NEXT_HOP length 3 (§7.3)', ORIGIN + AS_PATH + '40 03 03 c00002', { action: 'treat-as-withdraw', subcode: 5 }],
  ['MED length 3 (§7.4)', BASE + '80 04 03 000000', { action: 'treat-as-withdraw', subcode: 5 }],
  ['LOCAL_PREF length 5 (§7.5)', BASE + '40 05 05 0000000064', { action: 'treat-as-withdraw', subcode: 5 }],
  ['ATOMIC_AGGREGATE length 1 (§7.6)', BASE + '40 06 01 00', { action: 'attribute-discard', typeCode: 6 }],
  ['AGGREGATOR length 7 (§7.7)', BASE + 'c0 07 07 0000fde9c00002', { action: 'attribute-discard', typeCode: 7 }],
  [
    'AGGREGATOR flagged well-known (§3 c)',
    BASE + '40 07 08 0000fde9c0000201',
    { action: 'attribute-discard', typeCode: 7 },
  ],
  ['COMMUNITIES length 3 (§7.8)', BASE + 'c0 08 03 fde900', { action: 'treat-as-withdraw', subcode: 5 }],
  ['COMMUNITIES length 0 (§7.8)', BASE + 'c0 08 00', { action: 'treat-as-withdraw', subcode: 5 }],
  ['ORIGINATOR_ID length 5 (§7.9)', BASE + '80 09 05 0a00000100', { action: 'treat-as-withdraw', subcode: 5 }],
  ['CLUSTER_LIST length 0 (§7.10)', BASE + '80 0a 00', { action: 'treat-as-withdraw', subcode: 5 }],
  [
    'EXTENDED COMMUNITIES length 7 (§7.14)',
    BASE + 'c0 10 07 0002fde9000000',
    { action: 'treat-as-withdraw', subcode: 5 },
  ],
  [
    'LARGE_COMMUNITY length 8 (RFC 8092 §6)',
    BASE + 'c0 20 08 0000fde900000001',
    { action: 'treat-as-withdraw', subcode: 5 },
  ],
  ['ONLY_TO_CUSTOMER length 2 (RFC 9234 §5)', BASE + 'c0 23 02 fde9', { action: 'treat-as-withdraw', subcode: 5 }],
  ['missing ORIGIN (§3 d)', AS_PATH + NEXT_HOP, { action: 'treat-as-withdraw', subcode: 3 }],
  ['missing NEXT_HOP with body NLRI (§3 d)', ORIGIN + AS_PATH, { action: 'treat-as-withdraw', subcode: 3 }],
  [
    'repeated MED keeps the first (§3 g)',
    BASE + '80 04 04 00000001' + '80 04 04 00000002',
    { action: 'attribute-discard', typeCode: 4 },
  ],
  [
    'repeated MP_REACH_NLRI (§3 g)',
    BASE + '90 0e 0009 0001 01 04 c0000201 00' + '90 0e 0009 0001 01 04 c0000201 00',
    { action: 'session-reset', subcode: 1 },
  ],
  ['unrecognized well-known attribute (RFC 4271 §6.3)', BASE + '40 63 00', { action: 'session-reset', subcode: 2 }],
  ['attribute overruns the attribute list (§4)', BASE + 'c0 08 10 fde90064', { action: 'treat-as-withdraw' }],
  ['truncated attribute header (§4)', BASE + 'c0 08', { action: 'treat-as-withdraw' }],
  [
    'MP_REACH next hop length 5 (§7.11)',
    BASE + '90 0e 000a 0002 01 05 0000000000 00',
    { action: 'session-reset', subcode: 9 },
  ],
  [
    'MP_REACH NLRI /129 (§5.3)',
    BASE + '90 0e 0016 0002 01 10 fc000000000000000000000000000001 00 81',
    { action: 'session-reset', subcode: 9 },
  ],
  [
    'MP_REACH flagged transitive (§3 c, §7.11)',
    BASE + 'd0 0e 0009 0001 01 04 c0000201 00',
    { action: 'session-reset', subcode: 4 },
  ],
  [
    'AS4_PATH malformed on a 2-octet session (RFC 6793 §6)',
    ORIGIN + '40 02 04 02 01 fde9' + NEXT_HOP + 'c0 11 03 02 01 00',
    { action: 'attribute-discard', typeCode: 17 },
  ],
];

describe('RFC 7606 error handling', () => {
  it.each(cases)('%s', (name, attributes, expected) => {
    const ctx = name.includes('2-octet') ? CTX2 : CTX4;
    const bytes = update({ attributes, nlri: NLRI });
    if (expected.action === 'session-reset') {
      let error: unknown;
      try {
        decodeMessage(bytes, ctx);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BgpDecodeError);
      expect(error).toMatchObject({
        code: 3,
        action: 'session-reset',
        ...(expected.subcode !== undefined ? { subcode: expected.subcode } : {}),
      });
      return;
    }
    const m = decodeUpdate(bytes, ctx);
    if (expected.action === 'treat-as-withdraw') {
      expect(m.treatAsWithdraw).toMatchObject({
        code: 3,
        ...(expected.subcode !== undefined ? { subcode: expected.subcode } : {}),
      });
      expect(m.nlri).toEqual([]);
      expect(m.withdrawn.map(formatPrefix)).toEqual(['198.51.100.0/24']);
      expect(m.attributes).toEqual({});
    } else {
      expect(m.treatAsWithdraw).toBeUndefined();
      expect(m.nlri.map(formatPrefix)).toEqual(['198.51.100.0/24']);
      expect(m.discarded).toEqual(expect.arrayContaining([expect.objectContaining({ typeCode: expected.typeCode })]));
      expect(m.attributes.origin).toBe(0);
    }
  });

  it('treat-as-withdraw moves MP_REACH prefixes into MP_UNREACH and body NLRI into withdrawn', () => {
    const mpReach = '90 0e 0025 0002 01 10 fc000000000000000000000000000001 00 30 20010db80100 40 20010db80200 0000';
    const m = decodeUpdate(update({ withdrawn: '08 0a', attributes: mpReach + BASE + 'c0 08 03 000000', nlri: NLRI }));
    expect(m.treatAsWithdraw).toMatchObject({ subcode: 5 });
    expect(m.withdrawn.map(formatPrefix)).toEqual(['10.0.0.0/8', '198.51.100.0/24']);
    expect(m.attributes.mpUnreach?.withdrawn.map(formatPrefix)).toEqual(['2001:db8:100::/48', '2001:db8:200::/64']);
    expect(m.nlri).toEqual([]);
  });

  it('an UPDATE without NLRI needs no mandatory attributes (RFC 4271 §5, RFC 4760 §4)', () => {
    const m = decodeUpdate(update({ attributes: '90 0f 000a 0002 01 30 20010db80100' }));
    expect(m.treatAsWithdraw).toBeUndefined();
    expect(m.attributes.mpUnreach?.withdrawn).toHaveLength(1);
  });

  it('an unsupported MP family is ignored, not fatal', () => {
    const m = decodeUpdate(update({ attributes: '90 0e 0009 0001 80 04 c0000201 00' + BASE }));
    expect(m.attributes.mpReach).toBeUndefined();
    expect(m.discarded).toEqual([expect.objectContaining({ typeCode: 14 })]);
  });

  it('NLRI that cannot be parsed resets the session (§5.3): body /33, overrun, withdrawn overrun, list overruns', () => {
    const reset = (bytes: Uint8Array, subcode: number) => {
      expect(() => decodeMessage(bytes, CTX4)).toThrow(
        expect.objectContaining({ code: 3, subcode, action: 'session-reset' }),
      );
    };
    reset(update({ attributes: BASE, nlri: '21 c0000201 00' }), 10);
    reset(update({ attributes: BASE, nlri: '18 c633' }), 10);
    reset(update({ withdrawn: '20 0a00' }), 10);
    const badWithdrawnLength = update({ attributes: BASE });
    badWithdrawnLength[19] = 0xff;
    reset(badWithdrawnLength, 1);
    const badAttributeLength = update({ attributes: BASE });
    badAttributeLength[22] = 0xff;
    reset(badAttributeLength, 1);
  });
});
