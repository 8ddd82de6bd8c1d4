// Synthetic BGP tables for the codec benchmark: 1,000,000 IPv4 prefixes, packed as a route server
// packs them (few attribute sets, many prefixes per UPDATE) or realistic (tens of thousands of
// attribute sets, AS paths of 2–8 ASes, communities).
import { buildUpdates, makePrefix } from '../src/wire/index.js';
import type { CodecContext, PathAttributes, Prefix } from '../src/wire/index.js';

/** A deterministic PRNG (mulberry32), so every run encodes the same table. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct IPv4 prefixes, /24 mostly, like a DFZ table. */
export function prefixes(count: number): Prefix[] {
  const out: Prefix[] = [];
  const next = random(1);
  // Distinct prefixes walked through 1.0.0.0 upwards, each aligned to its own length.
  let cursor = 0x01000000;
  for (let i = 0; i < count; i++) {
    const length = next() < 0.6 ? 24 : 20 + Math.floor(next() * 4);
    const size = 2 ** (32 - length);
    cursor = Math.ceil(cursor / size) * size;
    const address = Uint8Array.of(cursor >>> 24, (cursor >>> 16) & 0xff, (cursor >>> 8) & 0xff, cursor & 0xff);
    out.push(makePrefix(address, length));
    cursor += size;
  }
  return out;
}

export interface Table {
  name: string;
  groups: { attributes: PathAttributes; nlri: Prefix[] }[];
  prefixCount: number;
}

export function packedTable(all: Prefix[], nextHop: string, firstAs: number): Table {
  const attributes: PathAttributes = {
    origin: 0,
    asPath: [{ type: 'sequence', asns: [firstAs, 65001, 65002] }],
    nextHop,
    communities: [0xfde70064],
  };
  return { name: 'packed', groups: [{ attributes, nlri: all }], prefixCount: all.length };
}

/** `reserved` ASNs never appear after the first hop (the benchmark's own ASes: no loops, nothing filtered). */
export function realisticTable(
  all: Prefix[],
  nextHop: string,
  firstAs: number,
  reserved: ReadonlySet<number>,
  attributeSets = 40_000,
): Table {
  const next = random(2);
  const groups: { attributes: PathAttributes; nlri: Prefix[] }[] = [];
  for (let i = 0; i < attributeSets; i++) {
    const hops = 2 + Math.floor(next() * 7);
    const asns = Array.from({ length: hops }, (_, k) => {
      if (k === 0) return firstAs;
      let asn: number;
      do asn = 1 + Math.floor(next() * 400_000);
      while (reserved.has(asn) || asn === 23456);
      return asn;
    });
    const communities = Array.from(
      { length: Math.floor(next() * 5) },
      () => ((asns[1]! & 0xffff) * 65536 + Math.floor(next() * 1000)) >>> 0,
    );
    const attributes: PathAttributes = {
      origin: next() < 0.9 ? 0 : 2,
      asPath: [{ type: 'sequence', asns }],
      nextHop,
      med: Math.floor(next() * 100),
    };
    if (communities.length > 0) attributes.communities = communities;
    if (next() < 0.1)
      attributes.largeCommunities = [{ globalAdmin: asns[1]!, local1: 1, local2: Math.floor(next() * 100) }];
    groups.push({ attributes, nlri: [] });
  }
  // Skewed sizes: a few attribute sets carry many prefixes, most carry a handful.
  for (const p of all) groups[Math.floor(Math.pow(next(), 2) * attributeSets)]!.nlri.push(p);
  return { name: 'realistic', groups: groups.filter((g) => g.nlri.length > 0), prefixCount: all.length };
}

export function encodeTable(table: Table, ctx: CodecContext): Uint8Array[] {
  return table.groups.flatMap((g) => buildUpdates({ attributes: g.attributes, nlri: g.nlri }, ctx));
}
