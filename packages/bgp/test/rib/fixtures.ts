// Small builders for RIB tests: UPDATEs from text prefixes.
import { parsePrefix, type AsPathSegment, type PathAttributes, type UpdateMessage } from '../../src/index.js';

export const seq = (...asns: number[]): AsPathSegment => ({ type: 'sequence', asns });

/** An UPDATE announcing `prefixes` (IPv4 in the body, IPv6 in MP_REACH_NLRI with `nextHop6`). */
export function announce(prefixes: string[], attributes: PathAttributes & { nextHop6?: string } = {}): UpdateMessage {
  const { nextHop6, ...rest } = attributes;
  const parsed = prefixes.map((p) => parsePrefix(p));
  const v4 = parsed.filter((p) => p.afi === 1);
  const v6 = parsed.filter((p) => p.afi === 2);
  const attrs: PathAttributes = { origin: 0, asPath: [seq(64999)], ...rest };
  if (v4.length > 0) attrs.nextHop ??= '10.0.0.1';
  else delete attrs.nextHop;
  if (v6.length > 0) attrs.mpReach = { afi: 2, safi: 1, nextHop: nextHop6 ?? 'fc00::1', nlri: v6 };
  return { type: 2, withdrawn: [], attributes: attrs, nlri: v4 };
}

/** An UPDATE withdrawing `prefixes`. */
export function withdraw(prefixes: string[]): UpdateMessage {
  const parsed = prefixes.map((p) => parsePrefix(p));
  const v6 = parsed.filter((p) => p.afi === 2);
  const attributes: PathAttributes = v6.length > 0 ? { mpUnreach: { afi: 2, safi: 1, withdrawn: v6 } } : {};
  return { type: 2, withdrawn: parsed.filter((p) => p.afi === 1), attributes, nlri: [] };
}
