// What a best path becomes when advertised to one peer (RFC 4271 §9.2, §5.1): which routes may go
// at all, then the attribute changes around the peer's export policy.
import { prependAs } from '../policy/actions.js';
import { AFI, WELL_KNOWN_COMMUNITY, type Afi, type PathAttributes, type Prefix } from '../wire/types.js';
import type { RibPeer } from './rib-peer.js';
import type { AttributeStore, RouteAttributes } from './route-attributes.js';

/** Whether `best` may be advertised to `peer` at all, before policy. */
export function mayAdvertise(peer: RibPeer, best: RouteAttributes): boolean {
  // Never back to the peer the route came from (it would drop it: AS loop or iBGP split horizon).
  if (best.source === peer) return false;
  // RFC 4271 §9.2: routes learned over iBGP are not sent to other iBGP peers (no route reflection).
  if (!peer.isEbgp && !best.source!.isEbgp && !best.source!.isLocal) return false;
  // RFC 8212 §2: nothing to an eBGP peer without an export policy.
  if (peer.exportBlocked) return false;
  const communities = best.attributes.communities;
  if (communities) {
    // RFC 1997: NO_ADVERTISE to no peer; NO_EXPORT (and NO_EXPORT_SUBCONFED, no confederations here) not outside the AS.
    if (communities.includes(WELL_KNOWN_COMMUNITY.NO_ADVERTISE)) return false;
    if (
      peer.isEbgp &&
      (communities.includes(WELL_KNOWN_COMMUNITY.NO_EXPORT) ||
        communities.includes(WELL_KNOWN_COMMUNITY.NO_EXPORT_SUBCONFED))
    )
      return false;
  }
  return true;
}

/** The attributes before export policy: what the peer type requires to be dropped or filled in. */
export function exportBase(peer: RibPeer, best: RouteAttributes): PathAttributes {
  const out: PathAttributes = { ...best.attributes };
  if (peer.isEbgp) {
    // RFC 4271 §5.1.5: LOCAL_PREF is not sent to external peers.
    delete out.localPref;
    // RFC 4271 §5.1.4: a MED received from a neighbouring AS is not propagated to other ASes.
    if (!best.source!.isLocal && !peer.config.propagateMed) delete out.med;
    // RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST are iBGP-only (optional non-transitive).
    delete out.originatorId;
    delete out.clusterList;
  } else {
    // RFC 4271 §5.1.5: LOCAL_PREF is always sent to internal peers.
    out.localPref = best.localPref;
  }
  return out;
}

/**
 * The final attribute set for `prefix` towards `peer`, interned (one reference taken), or null when
 * the export policy rejects it or no next hop exists for the family.
 */
export function finishExport(
  store: AttributeStore,
  peer: RibPeer,
  best: RouteAttributes,
  prefix: Prefix,
  attributes: PathAttributes,
  nextHopSelf: boolean,
): RouteAttributes | null {
  let out = attributes;
  // RFC 4271 §5.1.2: towards an external peer, prepend our AS.
  if (peer.isEbgp) out = { ...out, asPath: prependAs(out.asPath ?? [], peer.localAs) };
  // RFC 4271 §5.1.3: next hop self towards eBGP, kept towards iBGP unless asked; originated routes are ours.
  const self = peer.isEbgp || nextHopSelf || best.nextHop === undefined;
  const nextHop = self ? selfNextHop(peer, prefix.afi) : best.nextHop;
  if (nextHop === undefined) return null;
  return store.intern(undefined, out, nextHop);
}

function selfNextHop(peer: RibPeer, afi: Afi): string | undefined {
  return afi === AFI.IPV4 ? peer.nextHopSelf.ipv4 : peer.nextHopSelf.ipv6;
}
