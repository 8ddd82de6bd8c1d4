// What the speaker is told about one peer.
import type { LivenessSource } from '../liveness.js';
import type { Policy } from '../policy/types.js';
import type { PathAttributeRules } from './path-attributes.js';

export type FamilyName = 'ipv4' | 'ipv6';

export interface PeerConfig {
  /** The peer's address; also its id in events, summaries and the RIB. */
  address: string;
  remoteAs: number;
  description?: string;
  /** Source address of our connections (and the next hop we advertise for its family). */
  localAddress?: string;
  /** Port to connect to (default 179). */
  port?: number;
  /** TCP-MD5 key (RFC 2385); needs a transport that supports it (LinuxTransport). */
  password?: string;
  /** GTSM (RFC 5082) hop limit; needs LinuxTransport. */
  ttlSecurityHops?: number;
  /** Never connect, only accept the peer's connection. */
  passive?: boolean;
  /** Seconds (RFC 4271 §10 suggests 90 / 30 / 120). */
  holdTime?: number;
  keepaliveTime?: number;
  connectRetryTime?: number;
  /** Initial and maximum IdleHold time of the flap back-off. */
  idleHoldTime?: number;
  maxIdleHoldTime?: number;
  /** DelayOpen (RFC 4271 §8.1.1): seconds to wait for the peer's OPEN before sending ours (default 0, off). */
  delayOpenTime?: number;
  /** Address families to negotiate (RFC 4760); default both. */
  families?: FamilyName[];
  /** Next hop for IPv4 routes on a session whose transport is IPv6 (and the reverse): next-hop-self per family. */
  nextHopIpv4?: string;
  /** A global IPv6 next hop for IPv6 routes on an IPv4 session (FRR refuses link-local-only next hops without zebra). */
  nextHopIpv6?: string;
  /**
   * RFC 8950: on a session over IPv6, carry IPv4 unicast with this speaker's IPv6 address as next hop
   * when no nextHopIpv4 is set (default on; used only when the peer offers it too).
   */
  extendedNextHop?: boolean;
  /** Import/export policy. An eBGP peer without one exchanges nothing (RFC 8212). */
  importPolicy?: Policy;
  exportPolicy?: Policy;
  /** Close with Cease/Maximum Number of Prefixes Reached (RFC 4486) beyond this many accepted prefixes per family. */
  maxPrefixes?: number;
  /** Graceful restart helper (RFC 4724): keep a restarting peer's routes as stale. Default on. */
  gracefulRestart?: boolean;
  /** An external liveness source (e.g. BFD) for this peer (RFC 5882). */
  liveness?: LivenessSource;
  /**
   * RFC 4271 §6.3 enforce-first-as: an UPDATE whose leftmost AS_PATH AS is not the peer's AS is
   * treated as withdraw (RFC 7606 §3) and logged; the session stays. Default on for eBGP, off for iBGP.
   */
  enforceFirstAs?: boolean;
  /**
   * Attribute types to discard or treat as withdraw whatever their content (FRR's `neighbor X
   * path-attribute discard|treat-as-withdraw`); each list replaces the speaker's `pathAttributes`
   * list of the same kind. Default: none (the RFC checks of attributes Cairn passes on always apply).
   */
  pathAttributes?: PathAttributeRules;
  /** Administratively down (with an optional RFC 9003 message for the peer). */
  shutdown?: boolean | string;
}

export const DEFAULT_FAMILIES: FamilyName[] = ['ipv4', 'ipv6'];
