// A peer as the RIB sees it: its policies, its Adj-RIB-In and Adj-RIB-Out, what is pending export
// to it, and which of its routes are stale during a graceful restart.
import type { Policy } from '../policy/types.js';
import { CompiledPolicy } from '../policy/compile.js';
import { AFI, type Afi } from '../wire/types.js';
import { PrefixMap } from './prefix-map.js';
import { addressBytes, ipv4ToNumber } from './prefix-text.js';
import type { RouteAttributes, RouteSource } from './route-attributes.js';

/** Configuration of a peer in the RIB (what the speaker knows before the session is up). */
export interface RibPeerConfig {
  /** Unique name of the peer; the speaker uses the peer address. */
  id: string;
  /** The peer's address (IPv4 or IPv6 text), the decision's last tie-break. */
  address: string;
  remoteAs: number;
  /** Import policy. An eBGP peer without one accepts nothing (RFC 8212 §2). */
  importPolicy?: Policy;
  /** Export policy. Nothing is sent to an eBGP peer without one (RFC 8212 §2). */
  exportPolicy?: Policy;
  /** Most accepted prefixes per family before the speaker must close with Cease subcode 1 (RFC 4486 §4). */
  maxPrefixes?: number;
  /** Send MED learned from other ASes to this eBGP peer (RFC 4271 §5.1.4 says not to by default). */
  propagateMed?: boolean;
}

/** What the established session tells the RIB. */
export interface RibSessionInfo {
  /** The peer's BGP identifier from its OPEN. */
  routerId: string;
  /** This speaker's next hop towards the peer per family (next-hop-self): the session's local address, or a configured global IPv6 address. */
  nextHopSelf: { ipv4?: string; ipv6?: string };
}

/** Why a peer exchanges no routes in one direction. */
export const RFC8212_NO_IMPORT = 'RFC 8212: no import policy';
export const RFC8212_NO_EXPORT = 'RFC 8212: no export policy';

export class RibPeer implements RouteSource {
  readonly isLocal: boolean;
  readonly isEbgp: boolean;
  readonly addressOrder: string;
  routerId = 0;
  up = false;
  nextHopSelf: { ipv4?: string; ipv6?: string } = {};
  importPolicy: CompiledPolicy | undefined;
  exportPolicy: CompiledPolicy | undefined;

  // The Adj-RIB-In is split for compactness: accepted routes live only as this peer's candidates in
  // the Loc-RIB entries (RouteAttributes.source === this), counted here; routes received but not
  // accepted (import policy, RFC 8212, AS loop) are remembered by prefix.
  readonly accepted = { [AFI.IPV4]: 0, [AFI.IPV6]: 0 } as Record<Afi, number>;
  readonly rejectedIn = new PrefixMap<true>();
  /** Adj-RIB-Out: what was last advertised to the peer. */
  readonly adjOut = new PrefixMap<RouteAttributes>();
  /** Prefixes whose best path changed since the last export to this peer. */
  readonly dirty = new PrefixMap<true>();
  /** Exported prefixes the session could not encode for this peer (RibManager.markUnsendable). */
  readonly unsendable = new PrefixMap<true>();
  /** Set when every Loc-RIB prefix must be re-evaluated for export (export policy changed). */
  exportAll = false;
  /** RFC 4724 §4.2: routes kept from a restarting peer, until refreshed or swept. */
  stale: PrefixMap<true> | undefined;

  constructor(
    readonly config: RibPeerConfig,
    readonly localAs: number,
    /** Distinct per peer of one RibManager (interning key). */
    readonly index: number,
    local = false,
  ) {
    this.isLocal = local;
    this.isEbgp = !local && config.remoteAs !== localAs;
    this.addressOrder = local ? '' : orderKey(config.address);
    this.setPolicies(config.importPolicy, config.exportPolicy);
  }

  get id(): string {
    return this.config.id;
  }

  setPolicies(importPolicy: Policy | undefined, exportPolicy: Policy | undefined): void {
    this.importPolicy = importPolicy && new CompiledPolicy(importPolicy);
    this.exportPolicy = exportPolicy && new CompiledPolicy(exportPolicy);
  }

  /** RFC 8212 §2: the reason this peer accepts no routes, if it does not. */
  get importBlocked(): string | undefined {
    return this.isEbgp && !this.importPolicy ? RFC8212_NO_IMPORT : undefined;
  }

  /** RFC 8212 §2: the reason this peer is sent no routes, if it is not. */
  get exportBlocked(): string | undefined {
    return this.isEbgp && !this.exportPolicy ? RFC8212_NO_EXPORT : undefined;
  }

  setSession(session: RibSessionInfo): void {
    this.routerId = ipv4ToNumber(session.routerId);
    this.nextHopSelf = { ...session.nextHopSelf };
    this.up = true;
  }
}

/** Family first, then the address bytes as hex: string order is address order. */
function orderKey(address: string): string {
  const bytes = addressBytes(address);
  return `${bytes.length === 4 ? 4 : 6}${Buffer.from(bytes).toString('hex')}`;
}
