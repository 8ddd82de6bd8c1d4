// Seeded mutations of valid UPDATE messages for hostile-peer tests: bit flips, length fields,
// truncation, attribute type and flag changes. Every mutant keeps a header length equal to its size
// (unless the header length itself is the mutation), so a stream of them stays framed.
import { random } from '../../bench/codec-tables.js';
import { encodeMessage, parsePrefix } from '../../src/wire/index.js';
import type { BgpMessage, CodecContext, PathAttributes } from '../../src/wire/types.js';

/** A seeded PRNG (mulberry32, the codec benchmark's): same seed, same run. */
export const prng = random;

/** A handful of valid UPDATEs from `nextHop` (AS `asn`) to mutate: plain, with communities, IPv6 MP, withdrawals. */
export function baseUpdates(asn: number, nextHop: string, ctx: CodecContext): Uint8Array[] {
  const path = [{ type: 'sequence' as const, asns: [asn, 65100] }];
  const attrs: PathAttributes[] = [
    { origin: 0, asPath: path, nextHop },
    {
      origin: 1,
      asPath: path,
      nextHop,
      med: 10,
      communities: [0xfde80001, 0xfde80002],
      largeCommunities: [{ globalAdmin: asn, local1: 1, local2: 2 }],
    },
    {
      origin: 2,
      asPath: path,
      nextHop,
      extendedCommunities: [Uint8Array.from([0, 2, 0xfd, 0xe9, 0, 0, 0, 42])],
      atomicAggregate: true,
      aggregator: { asn, address: nextHop },
    },
  ];
  const out = attrs.map((attributes, i) =>
    encodeMessage(
      {
        type: 2,
        withdrawn: [],
        nlri: [parsePrefix(`198.19.${i}.0/24`), parsePrefix(`198.19.${i + 10}.0/25`)],
        attributes,
      },
      ctx,
    ),
  );
  const v6: BgpMessage = {
    type: 2,
    withdrawn: [],
    nlri: [],
    attributes: {
      origin: 0,
      asPath: path,
      mpReach: { afi: 2, safi: 1, nextHop: 'fc00::66', nlri: [parsePrefix('2001:db8:66::/48')] },
    },
  };
  out.push(encodeMessage(v6, ctx));
  out.push(encodeMessage({ type: 2, withdrawn: [parsePrefix('198.19.0.0/24')], nlri: [], attributes: {} }, ctx));
  return out;
}

function withLength(bytes: Uint8Array): Uint8Array {
  bytes[16] = bytes.length >> 8;
  bytes[17] = bytes.length & 0xff;
  return bytes;
}

/** Offsets of the attribute headers of a well-formed UPDATE. */
function attributeOffsets(m: Uint8Array): number[] {
  const withdrawnLength = (m[19]! << 8) | m[20]!;
  let o = 21 + withdrawnLength;
  const end = o + 2 + ((m[o]! << 8) | m[o + 1]!);
  o += 2;
  const out: number[] = [];
  while (o + 3 <= end) {
    out.push(o);
    const extended = (m[o]! & 0x10) !== 0;
    o += extended ? 4 + ((m[o + 2]! << 8) | m[o + 3]!) : 3 + m[o + 2]!;
  }
  return out;
}

/** One mutant of `base`, drawn with `random`. */
export function mutate(base: Uint8Array, random: () => number): Uint8Array {
  const m = base.slice();
  const pick = (n: number) => Math.floor(random() * n);
  const attrs = attributeOffsets(m);
  switch (pick(7)) {
    case 0: {
      // 1-4 bit flips past the marker and header length
      for (let i = pick(4); i >= 0; i--) {
        const at = 18 + pick(m.length - 18);
        m[at]! ^= 1 << pick(8);
      }
      return m;
    }
    case 1: {
      // the withdrawn routes length or the total path attribute length
      const at = 19 + (pick(2) === 0 ? 0 : 2 + ((m[19]! << 8) | m[20]!));
      m[at + pick(2)] = pick(256);
      return m;
    }
    case 2: {
      // truncated, header length adjusted
      return withLength(m.slice(0, 23 + pick(m.length - 23)));
    }
    case 3: {
      // an attribute's length
      if (attrs.length === 0) return m;
      const at = attrs[pick(attrs.length)]!;
      m[at + 2] = pick(256);
      return m;
    }
    case 4: {
      // an attribute's type code
      if (attrs.length === 0) return m;
      m[attrs[pick(attrs.length)]! + 1] = pick(256);
      return m;
    }
    case 5: {
      // an attribute's flags (Extended Length kept, or the length would shift)
      if (attrs.length === 0) return m;
      const at = attrs[pick(attrs.length)]!;
      m[at] = (pick(256) & 0xef) | (m[at]! & 0x10);
      return m;
    }
    default: {
      // random bytes appended (the NLRI field grows), header length adjusted
      const tail = Uint8Array.from({ length: 1 + pick(12) }, () => pick(256));
      const out = new Uint8Array(m.length + tail.length);
      out.set(m);
      out.set(tail, m.length);
      return withLength(out);
    }
  }
}
