// The synthetic full table every ingestion measurement uses, so BIRD's feeder and the in-process
// runs carry the same routes: N IPv4 /24s from 16.0.0.0 upwards (and IPv6 /48s from 2a00::/16 for
// the memory figure), in groups of GROUP consecutive prefixes sharing one attribute set — an AS path
// of 1–4 pseudo-random ASes and, for a third of the groups, a community — about as many distinct
// sets per prefix as the real Internet table has (≈ 1 per 3–4 prefixes).
import type { AsPathSegment } from '../../src/index.js';

export const GROUP = 4;

export interface RouteGroup {
  /** Index of the first prefix of the group. */
  first: number;
  count: number;
  asns: number[];
  community: [number, number] | undefined;
}

/** Deterministic groups covering `total` prefixes. */
export function* routeGroups(total: number, seed = 1): Generator<RouteGroup> {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff);
  for (let first = 0; first < total; first += GROUP) {
    const length = 1 + (next() % 4);
    const asns: number[] = [];
    for (let k = 0; k < length; k++) asns.push(1000 + (next() % 60000));
    const community: [number, number] | undefined =
      next() % 3 === 0 ? [64512 + (next() % 100), next() % 1000] : undefined;
    yield { first, count: Math.min(GROUP, total - first), asns, community };
  }
}

/** The i-th IPv4 /24 as bytes. */
export function ipv4Slash24(i: number): Uint8Array {
  return new Uint8Array([16 + (i >> 16), (i >> 8) & 255, i & 255, 0]);
}

/** The i-th IPv6 /48 (2a00::/12-ish space) as bytes. */
export function ipv6Slash48(i: number): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0x2a;
  a[1] = 0x00 + ((i >> 24) & 0xff);
  a[2] = (i >> 16) & 0xff;
  a[3] = (i >> 8) & 0xff;
  a[4] = i & 0xff;
  a[5] = 0;
  return a;
}

export function ipv4Text(i: number): string {
  const b = ipv4Slash24(i);
  return `${b[0]}.${b[1]}.${b[2]}.0/24`;
}

/** The AS path as the feeder's neighbour would send it (the feeder's own AS first). */
export function asPathOf(group: RouteGroup, feederAs: number): AsPathSegment[] {
  return [{ type: 'sequence', asns: [feederAs, ...group.asns] }];
}
