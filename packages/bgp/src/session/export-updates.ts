// Turns what the RIB says a peer should get (an ExportBatch) into UPDATE messages for its session:
// IPv4 unicast with an IPv4 next hop in the UPDATE body (RFC 4271 §4.3), everything else in
// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760), IPv4 with an IPv6 next hop when RFC 8950 is negotiated.
import type { ExportBatch } from '../rib/rib-manager.js';
import { buildUpdates } from '../wire/build.js';
import { AFI, SAFI, type Afi, type CodecContext, type PathAttributes } from '../wire/types.js';

/** The UPDATEs for `batch`, limited to the families `wanted` accepts, packed to the session's message size. */
export function exportUpdates(batch: ExportBatch, wanted: (afi: Afi) => boolean, ctx: CodecContext): Uint8Array[] {
  const out: Uint8Array[] = [];
  const withdrawn = batch.withdrawn.filter((p) => wanted(p.afi));
  if (withdrawn.length > 0) out.push(...buildUpdates({ withdrawn }, ctx));
  for (const group of batch.announce) {
    if (!wanted(group.afi)) continue;
    const attributes: PathAttributes =
      group.afi === AFI.IPV4 && !group.nextHop.includes(':')
        ? { ...group.attributes, nextHop: group.nextHop }
        : { ...group.attributes, mpReach: { afi: group.afi, safi: SAFI.UNICAST, nextHop: group.nextHop, nlri: [] } };
    out.push(...buildUpdates({ attributes, nlri: group.nlri }, ctx));
  }
  return out;
}
