// What two OPENs negotiate for the codec (RFC 5492 §3: a capability counts when both sides advertise it).
import { familyKey } from './types.js';
import type { AddPathDirection, Capability, CodecContext, OpenMessage } from './types.js';

type Known<C extends number> = Extract<Capability, { code: C }> & { raw?: never };

function find<C extends number>(open: OpenMessage, code: C): Known<C>[] {
  return open.capabilities.filter((c) => c.code === code && !('raw' in c)) as Known<C>[];
}

function addPathDirections(open: OpenMessage): Map<string, AddPathDirection> {
  const out = new Map<string, AddPathDirection>();
  for (const cap of find(open, 69)) for (const f of cap.families) out.set(familyKey(f.afi, f.safi), f.direction);
  return out;
}

const sends = (d: AddPathDirection | undefined) => d === 'send' || d === 'both';
const receives = (d: AddPathDirection | undefined) => d === 'receive' || d === 'both';

/**
 * The context for decoding what `sender` sends to `receiver` (or, from the sender's side, for
 * encoding it): 4-octet AS (RFC 6793 §3), ADD-PATH where the sender sends and the receiver receives
 * (RFC 7911 §5), Extended Message (RFC 8654 §3), and extended next hop entries both list (RFC 8950 §3).
 */
export function negotiatedContext(sender: OpenMessage, receiver: OpenMessage): CodecContext {
  const both = (code: number) =>
    sender.capabilities.some((c) => c.code === code) && receiver.capabilities.some((c) => c.code === code);
  const senderAddPath = addPathDirections(sender);
  const receiverAddPath = addPathDirections(receiver);
  const addPath = new Set<string>();
  for (const [family, direction] of senderAddPath)
    if (sends(direction) && receives(receiverAddPath.get(family))) addPath.add(family);
  const nextHopEntries = (open: OpenMessage) =>
    new Set(find(open, 5).flatMap((c) => c.entries.map((e) => `${familyKey(e.afi, e.safi)}/${e.nextHopAfi}`)));
  const senderEntries = nextHopEntries(sender);
  const extendedNextHop = new Set<string>();
  for (const entry of nextHopEntries(receiver)) {
    if (senderEntries.has(entry)) extendedNextHop.add(entry.split('/').slice(0, 2).join('/'));
  }
  return {
    fourOctetAs: find(sender, 65).length > 0 && find(receiver, 65).length > 0,
    addPath,
    extendedMessage: both(6),
    extendedNextHop,
  };
}
