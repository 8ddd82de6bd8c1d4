// Turns what the RIB says a peer should get (an ExportBatch) into UPDATE messages for its session:
// IPv4 unicast with an IPv4 next hop in the UPDATE body (RFC 4271 §4.3), everything else in
// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760), IPv4 with an IPv6 next hop when RFC 8950 is negotiated.
// A group whose attributes cannot be encoded for this session (they fit the message they came in,
// not the one we send: a longer AS_PATH, a smaller maximum message size) is withdrawn instead, and
// reported to the caller; it never throws.
import type { ExportBatch, ExportGroup } from '../rib/rib-manager.js';
import { buildUpdates } from '../wire/build.js';
import { AFI, SAFI, type Afi, type CodecContext, type PathAttributes, type Prefix } from '../wire/types.js';

/** A group of routes that could not be encoded for the session, and why. */
export interface UnsendableGroup {
  group: ExportGroup;
  reason: string;
}

export interface ExportedUpdates {
  messages: Uint8Array[];
  /** Groups left out (their prefixes are withdrawn in `messages` instead). */
  unsendable: UnsendableGroup[];
}

/** The UPDATEs for `batch`, limited to the families `wanted` accepts, packed to the session's message size. */
export function exportUpdates(batch: ExportBatch, wanted: (afi: Afi) => boolean, ctx: CodecContext): ExportedUpdates {
  const messages: Uint8Array[] = [];
  const unsendable: UnsendableGroup[] = [];
  const withdrawn = batch.withdrawn.filter((p) => wanted(p.afi));
  const announced: Uint8Array[] = [];
  for (const group of batch.announce) {
    if (!wanted(group.afi)) continue;
    const attributes: PathAttributes =
      group.afi === AFI.IPV4 && !group.nextHop.includes(':')
        ? { ...group.attributes, nextHop: group.nextHop }
        : { ...group.attributes, mpReach: { afi: group.afi, safi: SAFI.UNICAST, nextHop: group.nextHop, nlri: [] } };
    try {
      announced.push(...buildUpdates({ attributes, nlri: group.nlri }, ctx));
    } catch (error) {
      unsendable.push({ group, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  // The peer may hold an earlier, sendable version of an unsendable route: it must not keep it.
  const refused: Prefix[] = unsendable.flatMap((u) => u.group.nlri);
  const withdrawAll = refused.length > 0 ? [...withdrawn, ...refused] : withdrawn;
  if (withdrawAll.length > 0) messages.push(...buildUpdates({ withdrawn: withdrawAll }, ctx));
  messages.push(...announced);
  return { messages, unsendable };
}
