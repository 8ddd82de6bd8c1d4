// fast-check generators of valid, canonical BGP messages (values that survive encode → decode unchanged).
import fc from 'fast-check';
import { CARRIED_ATTRIBUTE_RULES, formatAddress, makePrefix } from '../../src/wire/index.js';
import type {
  AsPathSegment,
  BgpMessage,
  Capability,
  CodecContext,
  OpenMessage,
  PathAttributes,
  Prefix,
  UpdateMessage,
} from '../../src/wire/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const ipv4Text = bytes(4).map((b) => formatAddress(b));
const ipv6Text = bytes(16).map((b) => formatAddress(b));

export const prefix = (afi: 1 | 2, addPath: boolean): fc.Arbitrary<Prefix> =>
  fc
    .record({
      address: bytes(afi === 1 ? 4 : 16),
      length: fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
      pathId: u32,
    })
    .map(({ address, length, pathId }) => makePrefix(address, length, addPath ? pathId : undefined));

export const context: fc.Arbitrary<CodecContext> = fc
  .record({ fourOctetAs: fc.boolean(), addPath4: fc.boolean(), addPath6: fc.boolean() })
  .map(({ fourOctetAs, addPath4, addPath6 }) => ({
    fourOctetAs,
    addPath: new Set([...(addPath4 ? ['1/1'] : []), ...(addPath6 ? ['2/1'] : [])]),
    extendedMessage: true,
    extendedNextHop: new Set<string>(),
  }));

const segment = (type: AsPathSegment['type'], asn: fc.Arbitrary<number>) =>
  fc.array(asn, { minLength: 1, maxLength: 12 }).map((asns) => ({ type, asns }));

/**
 * AS paths: confederation segments only at the front and with 2-octet member ASNs (RFC 6793 §4.2.2:
 * AS4_PATH carries no confederation segments, so wide member ASNs cannot cross a 2-octet session).
 */
const asPath = (): fc.Arbitrary<AsPathSegment[]> => {
  const narrow = fc.integer({ min: 1, max: 65535 }).filter((a) => a !== 23456);
  const asn = fc.oneof(narrow, fc.integer({ min: 65536, max: 0xffffffff }));
  return fc
    .tuple(
      fc.array(fc.oneof(segment('confed-sequence', narrow), segment('confed-set', narrow)), { maxLength: 2 }),
      fc.array(fc.oneof(segment('sequence', asn), segment('set', asn)), { maxLength: 4 }),
    )
    .map(([confed, path]) => [...confed, ...path]);
};

const attributes = (ctx: CodecContext, announces4: boolean): fc.Arbitrary<PathAttributes> =>
  fc
    .record(
      {
        origin: fc.constantFrom(0, 1, 2),
        asPath: asPath(),
        nextHop: ipv4Text,
        med: u32,
        localPref: u32,
        atomicAggregate: fc.constant(true),
        aggregator: fc.record({
          asn: fc.integer({ min: 1, max: 0xffffffff }).filter((a) => a !== 23456),
          address: ipv4Text,
        }),
        communities: fc.array(u32, { minLength: 1, maxLength: 8 }),
        originatorId: ipv4Text,
        clusterList: fc.array(ipv4Text, { minLength: 1, maxLength: 4 }),
        extendedCommunities: fc.array(bytes(8), { minLength: 1, maxLength: 4 }),
        largeCommunities: fc.array(fc.record({ globalAdmin: u32, local1: u32, local2: u32 }), {
          minLength: 1,
          maxLength: 4,
        }),
        onlyToCustomer: u32,
        unknown: fc
          // Codes without a structure check (carried-attributes.ts): 3 random bytes are no ATTR_SET (128).
          .uniqueArray(
            fc.integer({ min: 100, max: 250 }).filter((code) => !CARRIED_ATTRIBUTE_RULES.has(code)),
            { maxLength: 3 },
          )
          .map((codes) => [...codes].sort((x, y) => x - y))
          .chain((codes) =>
            fc.tuple(...codes.map((typeCode) => bytes(3).map((value) => ({ flags: 0xe0, typeCode, value })))),
          ),
        mpReach: fc.record({
          afi: fc.constant(2 as const),
          safi: fc.constant(1),
          nextHop: ipv6Text,
          linkLocalNextHop: fc.option(ipv6Text, { nil: undefined }),
          nlri: fc.array(prefix(2, ctx.addPath.has('2/1')), { minLength: 1, maxLength: 10 }),
        }),
        mpUnreach: fc.record({
          afi: fc.constant(2 as const),
          safi: fc.constant(1),
          withdrawn: fc.array(prefix(2, ctx.addPath.has('2/1')), { maxLength: 10 }),
        }),
      },
      { requiredKeys: announces4 ? ['origin', 'asPath', 'nextHop'] : ['origin', 'asPath'] },
    )
    .map((a) => {
      const out: PathAttributes = { ...a };
      if (out.mpReach && out.mpReach.linkLocalNextHop === undefined) delete out.mpReach.linkLocalNextHop;
      if (out.unknown?.length === 0) delete out.unknown;
      // An empty MP_UNREACH with nothing else would be an End-of-RIB; keep it only with content around.
      return out;
    });

export const update = (ctx: CodecContext): fc.Arbitrary<UpdateMessage> =>
  fc
    .record({
      withdrawn: fc.array(prefix(1, ctx.addPath.has('1/1')), { maxLength: 20 }),
      nlri: fc.array(prefix(1, ctx.addPath.has('1/1')), { minLength: 1, maxLength: 20 }),
    })
    .chain(({ withdrawn, nlri }) =>
      attributes(ctx, true).map((attrs) => ({ type: 2 as const, withdrawn, attributes: attrs, nlri })),
    );

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({
    code: fc.constant(1 as const),
    afi: fc.constantFrom(1 as const, 2 as const),
    safi: fc.integer({ min: 0, max: 255 }),
  }),
  fc.constant({ code: 2 as const }),
  fc.record({
    code: fc.constant(5 as const),
    entries: fc.array(
      fc.record({
        afi: fc.constantFrom(1 as const, 2 as const),
        safi: fc.integer({ min: 0, max: 0xffff }),
        nextHopAfi: fc.constantFrom(1 as const, 2 as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.constant({ code: 6 as const }),
  fc.record({ code: fc.constant(9 as const), role: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    code: fc.constant(64 as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(
      fc.record({
        afi: fc.constantFrom(1 as const, 2 as const),
        safi: fc.integer({ min: 0, max: 255 }),
        forwardingPreserved: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    code: fc.constant(69 as const),
    families: fc.array(
      fc.record({
        afi: fc.constantFrom(1 as const, 2 as const),
        safi: fc.integer({ min: 0, max: 255 }),
        direction: fc.constantFrom('receive' as const, 'send' as const, 'both' as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.constant({ code: 70 as const }),
  fc.record({
    code: fc.constant(71 as const),
    families: fc.array(
      fc.record({
        afi: fc.constantFrom(1 as const, 2 as const),
        safi: fc.integer({ min: 0, max: 255 }),
        forwardingPreserved: fc.boolean(),
        staleTime: fc.integer({ min: 0, max: 0xffffff }),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    code: fc.constant(73 as const),
    hostname: fc.stringMatching(/^[a-z0-9.-]{0,20}$/),
    domain: fc.stringMatching(/^[a-z0-9.-]{0,20}$/),
  }),
  fc.record({ code: fc.constant(75 as const), version: fc.stringMatching(/^[A-Za-z0-9./ -]{0,40}$/) }),
  fc.record({ code: fc.integer({ min: 128, max: 255 }), raw: fc.uint8Array({ maxLength: 8 }) }),
);

export const open: fc.Arbitrary<OpenMessage> = fc
  .record({
    asn: fc.integer({ min: 0, max: 0xffffffff }),
    fourOctet: fc.boolean(),
    holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
    routerId: bytes(4)
      .filter((b) => b.some((x) => x !== 0))
      .map((b) => formatAddress(b)),
    capabilities: fc.array(capability, { maxLength: 12 }),
  })
  .map(({ asn, fourOctet, holdTime, routerId, capabilities }) => {
    const caps = capabilities.filter((c) => c.code !== 65);
    if (fourOctet) caps.push({ code: 65, asn });
    return {
      type: 1 as const,
      version: 4,
      asn: fourOctet ? asn : asn & 0xffff,
      holdTime,
      routerId,
      capabilities: caps,
    };
  });

export const message = (ctx: CodecContext): fc.Arbitrary<BgpMessage> =>
  fc.oneof(
    open,
    update(ctx),
    fc.constant({ type: 4 as const }),
    fc.record({
      type: fc.constant(5 as const),
      afi: fc.constantFrom(1 as const, 2 as const),
      subtype: fc.integer({ min: 0, max: 255 }),
      safi: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      type: fc.constant(3 as const),
      code: fc.integer({ min: 1, max: 5 }),
      subcode: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 16 }),
    }),
    fc
      .record({ subcode: fc.constantFrom(2, 4), message: fc.stringMatching(/^[\x20-\x7e]{1,60}$/) })
      .map(({ subcode, message }) => ({
        type: 3 as const,
        code: 6,
        subcode,
        data: Uint8Array.of(message.length, ...Buffer.from(message)),
        message,
      })),
  );
