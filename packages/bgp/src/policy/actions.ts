// Applying a policy term's actions to an attribute set. Returns a new object; inputs are interned
// and never modified.
import type { AsPathSegment, LargeCommunity, PathAttributes } from '../wire/types.js';
import { largeCommunityEquals, parseCommunity, parseLargeCommunity } from './community.js';
import type { PolicyActions } from './types.js';

/** Actions with their texts parsed once, at compile time. */
export interface CompiledActions {
  localPref?: number;
  med?: number;
  communities?: { set?: number[]; add?: number[]; delete?: number[] };
  largeCommunities?: { set?: LargeCommunity[]; add?: LargeCommunity[]; delete?: LargeCommunity[] };
  prependAs?: { asn?: number; count: number };
  nextHopSelf: boolean;
}

export function compileActions(actions: PolicyActions | undefined): CompiledActions {
  if (!actions) return { nextHopSelf: false };
  const c = actions.communities;
  const l = actions.largeCommunities;
  return {
    localPref: actions.localPref,
    med: actions.med,
    communities: c && {
      set: c.set?.map(parseCommunity),
      add: c.add?.map(parseCommunity),
      delete: c.delete?.map(parseCommunity),
    },
    largeCommunities: l && {
      set: l.set?.map(parseLargeCommunity),
      add: l.add?.map(parseLargeCommunity),
      delete: l.delete?.map(parseLargeCommunity),
    },
    prependAs: actions.prependAs,
    nextHopSelf: actions.nextHopSelf ?? false,
  };
}

/** `attributes` with the actions applied; `localAs` is the default AS for prepending. */
export function applyActions(attributes: PathAttributes, actions: CompiledActions, localAs: number): PathAttributes {
  const out: PathAttributes = { ...attributes };
  if (actions.localPref !== undefined) out.localPref = actions.localPref;
  if (actions.med !== undefined) out.med = actions.med;
  if (actions.communities) {
    const { set, add, delete: remove } = actions.communities;
    let list = set ? [...set] : [...(attributes.communities ?? [])];
    if (remove) list = list.filter((c) => !remove.includes(c));
    if (add) for (const c of add) if (!list.includes(c)) list.push(c);
    if (list.length > 0) out.communities = list;
    else delete out.communities;
  }
  if (actions.largeCommunities) {
    const { set, add, delete: remove } = actions.largeCommunities;
    let list = set ? [...set] : [...(attributes.largeCommunities ?? [])];
    if (remove) list = list.filter((c) => !remove.some((r) => largeCommunityEquals(r, c)));
    if (add) for (const c of add) if (!list.some((x) => largeCommunityEquals(x, c))) list.push(c);
    if (list.length > 0) out.largeCommunities = list;
    else delete out.largeCommunities;
  }
  if (actions.prependAs && actions.prependAs.count > 0) {
    out.asPath = prependAs(attributes.asPath ?? [], actions.prependAs.asn ?? localAs, actions.prependAs.count);
  }
  return out;
}

/**
 * RFC 4271 §5.1.2: prepend to the leading AS_SEQUENCE, or start a new one when the path is empty or
 * begins with an AS_SET; a segment holds at most 255 ASes (§4.3), so overflow starts another.
 */
export function prependAs(path: readonly AsPathSegment[], asn: number, count = 1): AsPathSegment[] {
  const out = path.map((s) => ({ type: s.type, asns: [...s.asns] }));
  for (let i = 0; i < count; i++) {
    const first = out[0];
    if (first && first.type === 'sequence' && first.asns.length < 255) first.asns.unshift(asn);
    else out.unshift({ type: 'sequence', asns: [asn] });
  }
  return out;
}
