// The OPEN this speaker sends and the checks on the one it receives (RFC 4271 §4.2, §6.2; RFC 5492;
// RFC 4760 multiprotocol; RFC 6793 4-octet AS; RFC 2918 route refresh; RFC 4724 graceful restart).
import { AFI, SAFI, type Afi, type Capability, type OpenMessage } from '../wire/types.js';
import { BgpDecodeError, NOTIFICATION_CODE, OPEN_ERROR_SUBCODE } from '../wire/errors.js';
import type { FamilyName } from './config.js';

export const FAMILY_AFI: Record<FamilyName, Afi> = { ipv4: AFI.IPV4, ipv6: AFI.IPV6 };

/** Restart Time we advertise as a GR helper (RFC 4724 §3); we never restart with forwarding preserved. */
const GR_RESTART_TIME = 120;

export function buildOpen(options: {
  localAs: number;
  routerId: string;
  holdTime: number;
  families: FamilyName[];
  gracefulRestart: boolean;
  /** RFC 8950: offer IPv4 unicast with an IPv6 next hop (on sessions over IPv6). */
  extendedNextHop: boolean;
}): OpenMessage {
  const capabilities: Capability[] = options.families.map((f) => ({
    code: 1 as const,
    afi: FAMILY_AFI[f],
    safi: SAFI.UNICAST,
  }));
  capabilities.push({ code: 2 });
  if (options.extendedNextHop && options.families.includes('ipv4')) {
    capabilities.push({ code: 5, entries: [{ afi: AFI.IPV4, safi: SAFI.UNICAST, nextHopAfi: AFI.IPV6 }] });
  }
  capabilities.push({ code: 65, asn: options.localAs });
  if (options.gracefulRestart) {
    // RFC 4724 §3: no families listed = receiving speaker (helper) only.
    capabilities.push({ code: 64, restarting: false, notification: false, restartTime: GR_RESTART_TIME, families: [] });
  }
  return {
    type: 1,
    version: 4,
    asn: options.localAs,
    holdTime: options.holdTime,
    routerId: options.routerId,
    capabilities,
  };
}

/** RFC 4271 §6.2 checks this speaker adds to the codec's: the peer's AS and BGP Identifier. */
export function checkPeerOpen(
  open: OpenMessage,
  expected: { remoteAs: number; localAs: number; routerId: string },
): void {
  if (open.asn !== expected.remoteAs) {
    const data = new Uint8Array(2);
    new DataView(data.buffer).setUint16(0, open.asn > 0xffff ? 23456 : open.asn);
    throw new BgpDecodeError(
      NOTIFICATION_CODE.OPEN_MESSAGE,
      OPEN_ERROR_SUBCODE.BAD_PEER_AS,
      `peer says AS ${open.asn}, configured ${expected.remoteAs}`,
      data,
    );
  }
  if (expected.remoteAs === expected.localAs && open.routerId === expected.routerId) {
    throw new BgpDecodeError(
      NOTIFICATION_CODE.OPEN_MESSAGE,
      OPEN_ERROR_SUBCODE.BAD_BGP_IDENTIFIER,
      `iBGP peer uses our BGP identifier ${open.routerId}`,
    );
  }
}

/** Families both sides announced (RFC 4760 §8: without any MP capability, IPv4 unicast is implied). */
export function negotiatedFamilies(ours: FamilyName[], theirs: OpenMessage): Set<Afi> {
  const mp = theirs.capabilities.filter(
    (c): c is Extract<Capability, { code: 1 }> => c.code === 1 && 'afi' in c && c.safi === SAFI.UNICAST,
  );
  const offered = mp.length === 0 ? new Set<Afi>([AFI.IPV4]) : new Set(mp.map((c) => c.afi));
  return new Set(ours.map((f) => FAMILY_AFI[f]).filter((afi) => offered.has(afi)));
}

/** The peer's graceful restart capability (RFC 4724 §3), if any. */
export function gracefulRestartOf(open: OpenMessage): Extract<Capability, { code: 64 }> | undefined {
  return open.capabilities.find((c): c is Extract<Capability, { code: 64 }> => c.code === 64 && 'restartTime' in c);
}

export function supportsRouteRefresh(open: OpenMessage): boolean {
  return open.capabilities.some((c) => c.code === 2);
}
