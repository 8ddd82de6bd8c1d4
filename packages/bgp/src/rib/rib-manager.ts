// The RIB facade the speaker drives: Adj-RIB-In per peer, the Loc-RIB with the decision process,
// Adj-RIB-Out per peer after export policy, origination and aggregates. Pure and synchronous: no
// I/O, no timers; the speaker calls in with decoded UPDATEs and session events and sends what
// pendingExports() returns. See index.ts for a walk-through.
import type { Logger } from 'pino';
import { parseCommunity, parseLargeCommunity } from '../policy/community.js';
import type { CommunityText, LargeCommunityText, Policy } from '../policy/types.js';
import {
  AFI,
  ORIGIN,
  SAFI,
  type Afi,
  type Origin,
  type PathAttributes,
  type Prefix,
  type UpdateMessage,
} from '../wire/types.js';
import { type NotBestReason, explainNotBest, selectBest } from './decision.js';
import { RibError, unknownPeer } from './errors.js';
import { exportBase, finishExport, mayAdvertise } from './export-rules.js';
import { PrefixMap } from './prefix-map.js';
import { prefixCovers, prefixText, toPrefix } from './prefix-text.js';
import { RibPeer, type RibPeerConfig, type RibSessionInfo } from './rib-peer.js';
import { AttributeStore, RouteAttributes, type Route } from './route-attributes.js';

/** The peer id under which originated routes appear. */
export const LOCAL_PEER_ID = 'local';

export interface RibOptions {
  localAs: number;
  /** This speaker's BGP identifier (dotted quad). */
  routerId: string;
  logger?: Logger;
  /** ECMP: how many equal paths to select (default 1: no multipath). */
  maxPaths?: number;
  /** RFC 4271 §9.1.2: whether a next hop is resolvable; routes whose next hop is not are not selected. Default: all are. */
  nextHopResolvable?: (nextHop: string) => boolean;
}

/** A change of the best path (or of the ECMP set) of one prefix. */
export interface BestPathChange {
  prefix: Prefix;
  /** The new best route; undefined when the prefix left the Loc-RIB. */
  best: Route | undefined;
  previous: Route | undefined;
  /** With multipath: the selected equal paths, best first. */
  multipath?: Route[];
}

export interface MaxPrefixExceeded {
  afi: Afi;
  safi: number;
  limit: number;
  accepted: number;
  /** RFC 4486 §4: send NOTIFICATION Cease (6), subcode 1, data AFI(2) SAFI(1) limit(4), then close. */
  notification: { code: 6; subcode: 1 };
}

export interface UpdateResult {
  changes: BestPathChange[];
  /** Set when the peer now has more accepted prefixes of a family than its maxPrefixes. */
  maxPrefixExceeded?: MaxPrefixExceeded;
  /** Set when routes were refused because of RFC 8212 (no import policy on an eBGP peer). */
  importBlocked?: string;
}

/** One group of prefixes sharing the same attributes, ready for the codec to pack into UPDATEs. */
export interface ExportGroup {
  afi: Afi;
  /** Path attributes without NEXT_HOP and MP attributes. */
  attributes: PathAttributes;
  /** IPv4: the NEXT_HOP attribute; IPv6: the MP_REACH_NLRI next hop. */
  nextHop: string;
  nlri: Prefix[];
  /** The attribute set's identity (equal for every group of the same interned set): for per-set bookkeeping. */
  set?: object;
}

export interface ExportBatch {
  withdrawn: Prefix[];
  announce: ExportGroup[];
}

export interface PrefixCounts {
  /** Prefixes in the Adj-RIB-In (accepted or not). */
  received: number;
  /** Prefixes accepted by import policy (candidates in the Loc-RIB). */
  accepted: number;
  /** Prefixes in the Adj-RIB-Out. */
  advertised: number;
}

/** Attributes of an originated route or aggregate. */
export interface OriginateAttributes {
  origin?: Origin;
  med?: number;
  localPref?: number;
  communities?: CommunityText[];
  largeCommunities?: LargeCommunityText[];
}

export interface OriginateOptions {
  /** An aggregate (RFC 4271 §9.2.2.2): carries ATOMIC_AGGREGATE and AGGREGATOR. */
  aggregate?: boolean;
  /** Only in the Loc-RIB while a more specific route inside it is (needs aggregate). */
  onlyWithContributors?: boolean;
}

export interface RouteLookup {
  prefix: Prefix;
  best: Route | undefined;
  multipath: Route[];
  /** Every candidate, from every peer, in no particular order. */
  candidates: Route[];
}

interface Aggregate {
  prefix: Prefix;
  attributes: PathAttributes;
  onlyWithContributors: boolean;
  contributors: number;
}

/** A Loc-RIB entry with more than one candidate, or whose only candidate is not selectable. */
class RouteEntry {
  constructor(
    public paths: RouteAttributes[],
    public best: RouteAttributes | undefined,
    public multipath: RouteAttributes[],
  ) {}
}
type LocEntry = RouteAttributes | RouteEntry;

/** Per export run: the work shared by all prefixes with the same best path. */
interface PathExport {
  base: PathAttributes | null;
  termFor?: (prefix: Prefix) => number;
  byTerm: Map<number, RouteAttributes | null>;
}

export class RibManager {
  readonly localAs: number;
  readonly routerId: string;
  private readonly store = new AttributeStore();
  private readonly peers = new Map<string, RibPeer>();
  private readonly local: RibPeer;
  private readonly loc = new PrefixMap<LocEntry>();
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly maxPaths: number;
  private readonly logger: Logger | undefined;
  private readonly resolvable: ((nextHop: string) => boolean) | undefined;
  private nextPeerIndex = 1;

  constructor(options: RibOptions) {
    this.localAs = options.localAs;
    this.routerId = options.routerId;
    this.logger = options.logger;
    this.maxPaths = Math.max(1, options.maxPaths ?? 1);
    this.resolvable = options.nextHopResolvable;
    this.local = new RibPeer(
      { id: LOCAL_PEER_ID, address: options.routerId, remoteAs: options.localAs },
      options.localAs,
      this.nextPeerIndex++,
      true,
    );
    this.local.setSession({ routerId: options.routerId, nextHopSelf: {} });
  }

  // ---- peers ---------------------------------------------------------------------------------

  /** Registers a peer (configured, session not up yet). */
  addPeer(config: RibPeerConfig): void {
    if (config.id === LOCAL_PEER_ID || this.peers.has(config.id)) {
      throw new RibError(
        'duplicate-peer',
        `a peer named "${config.id}" already exists in the RIB: remove it first or pick another id`,
      );
    }
    this.peers.set(config.id, new RibPeer(config, this.localAs, this.nextPeerIndex++));
  }

  /** Forgets a peer, withdrawing its routes. */
  removePeer(id: string): BestPathChange[] {
    const changes = this.peerDown(id);
    const peer = this.peer(id);
    if (peer.stale) changes.push(...this.sweepStale(id));
    this.peers.delete(id);
    return changes;
  }

  /** Peer ids, without the local pseudo-peer. */
  peerIds(): string[] {
    return [...this.peers.keys()];
  }

  /**
   * Changes a peer's policies. A new export policy is applied at the next pendingExports(). The
   * Adj-RIB-In keeps routes after import policy only, so a new import policy needs the routes again:
   * the result says to send ROUTE-REFRESH (RFC 2918) when the session is up.
   */
  setPolicies(id: string, policies: { importPolicy?: Policy; exportPolicy?: Policy }): { routeRefreshNeeded: boolean } {
    const peer = this.peer(id);
    const importChanged = policies.importPolicy !== peer.config.importPolicy;
    peer.config.importPolicy = policies.importPolicy;
    peer.config.exportPolicy = policies.exportPolicy;
    peer.setPolicies(policies.importPolicy, policies.exportPolicy);
    peer.exportAll = true;
    return { routeRefreshNeeded: importChanged && peer.up };
  }

  /** Changes a peer's limit of accepted prefixes per family (RFC 4486 §4); checked at its next UPDATE. */
  setMaxPrefixes(id: string, maxPrefixes: number | undefined): void {
    this.peer(id).config.maxPrefixes = maxPrefixes;
  }

  /** RFC 8212 state of a peer: why it accepts or sends nothing, if so. */
  policyBlocks(id: string): { import?: string; export?: string } {
    const peer = this.peer(id);
    return { import: peer.importBlocked, export: peer.exportBlocked };
  }

  /** The session is Established: the peer may send routes and will get exports (call fullExport()). */
  peerUp(id: string, session: RibSessionInfo): void {
    const peer = this.peer(id);
    this.clearAdjOut(peer);
    peer.setSession(session);
  }

  /**
   * The session went down. Without graceful restart the peer's routes are withdrawn; with it
   * (RFC 4724 §4.2, we are the helper) they stay, marked stale, until refreshed or swept.
   */
  peerDown(id: string, options: { gracefulRestart?: boolean } = {}): BestPathChange[] {
    const peer = this.peer(id);
    peer.up = false;
    this.clearAdjOut(peer);
    const changes: BestPathChange[] = [];
    if (options.gracefulRestart) this.markStale(id);
    else this.forEachReceived(peer, (prefix) => this.withdrawFromPeer(peer, prefix, changes));
    return changes;
  }

  /** RFC 4724 §4.2: marks the peer's current routes (of some families, default all) stale. */
  markStale(id: string, afis: Afi[] = [AFI.IPV4, AFI.IPV6]): void {
    const peer = this.peer(id);
    peer.stale ??= new PrefixMap<true>();
    for (const afi of afis) this.forEachReceived(peer, (prefix) => peer.stale!.set(prefix, true), afi);
  }

  /** RFC 4724 §4.2: withdraws the peer's routes still stale (End-of-RIB received, or restart/stale timer expired). */
  sweepStale(id: string, afis: Afi[] = [AFI.IPV4, AFI.IPV6]): BestPathChange[] {
    const peer = this.peer(id);
    const changes: BestPathChange[] = [];
    const stale = peer.stale;
    if (!stale) return changes;
    for (const afi of afis) {
      stale.forEach((_true, prefix) => this.withdrawFromPeer(peer, prefix, changes), afi);
      stale.clear(afi);
    }
    if (stale.size() === 0) peer.stale = undefined;
    return changes;
  }

  /** Number of the peer's routes still marked stale. */
  staleCount(id: string): number {
    return this.peer(id).stale?.size() ?? 0;
  }

  // ---- routes from peers ---------------------------------------------------------------------

  /** Applies a decoded UPDATE from an Established peer. */
  updateFromPeer(id: string, update: UpdateMessage): UpdateResult {
    const peer = this.peer(id);
    if (!peer.up)
      throw new RibError('peer-not-up', `peer "${id}" is not Established: call peerUp() when the session comes up`);
    const changes: BestPathChange[] = [];
    const result: UpdateResult = { changes };
    const attributes = update.attributes;
    for (const prefix of update.withdrawn) this.withdrawFromPeer(peer, prefix, changes);
    if (attributes.mpUnreach)
      for (const prefix of attributes.mpUnreach.withdrawn) this.withdrawFromPeer(peer, prefix, changes);
    const reach = attributes.mpReach;
    if (update.treatAsWithdraw) {
      // RFC 7606 §2: the routes are handled as withdrawn (the decoder has already moved them to the withdrawn lists).
      for (const prefix of update.nlri) this.withdrawFromPeer(peer, prefix, changes);
      if (reach) for (const prefix of reach.nlri) this.withdrawFromPeer(peer, prefix, changes);
      return result;
    }
    if (update.nlri.length > 0)
      this.acceptFromPeer(peer, update.nlri, attributes, attributes.nextHop, undefined, result);
    if (reach && reach.nlri.length > 0)
      this.acceptFromPeer(peer, reach.nlri, attributes, reach.nextHop, reach.linkLocalNextHop, result);
    const limit = peer.config.maxPrefixes;
    if (limit !== undefined) {
      for (const afi of [AFI.IPV4, AFI.IPV6] as Afi[]) {
        const accepted = peer.accepted[afi];
        if (accepted > limit) {
          result.maxPrefixExceeded = {
            afi,
            safi: SAFI.UNICAST,
            limit,
            accepted,
            notification: { code: 6, subcode: 1 },
          };
          this.logger?.warn(
            { peer: id, afi, limit, accepted },
            'maximum number of prefixes reached (RFC 4486 Cease subcode 1)',
          );
        }
      }
    }
    return result;
  }

  private acceptFromPeer(
    peer: RibPeer,
    nlri: Prefix[],
    received: PathAttributes,
    nextHop: string | undefined,
    linkLocal: string | undefined,
    result: UpdateResult,
  ): void {
    const changes = result.changes;
    const blocked = peer.importBlocked;
    // RFC 4271 §9.1.2: a route whose AS_PATH holds our own AS is not feasible (loop).
    const loop = received.asPath?.some((s) => s.asns.includes(this.localAs)) ?? false;
    if (blocked || loop || nextHop === undefined) {
      if (blocked) result.importBlocked = blocked;
      for (const prefix of nlri) this.installFromPeer(peer, prefix, null, changes);
      return;
    }
    let attributes = received;
    // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored.
    if (peer.isEbgp && attributes.localPref !== undefined) {
      attributes = { ...attributes };
      delete attributes.localPref;
    }
    const policy = peer.importPolicy;
    // The interned route is shared by all prefixes of the UPDATE; this function's own reference is dropped at the end.
    if (policy?.trivial && !policy.accepts(-1)) {
      for (const prefix of nlri) this.installFromPeer(peer, prefix, null, changes);
      return;
    }
    if (!policy || policy.trivial) {
      const route = this.store.intern(peer, attributes, nextHop, linkLocal);
      for (const prefix of nlri) this.installFromPeer(peer, prefix, route, changes);
      this.store.release(route);
      return;
    }
    const termFor = policy.forAttributes(attributes);
    const byTerm = new Map<number, RouteAttributes | null>();
    for (const prefix of nlri) {
      const term = termFor(prefix);
      let route = byTerm.get(term);
      if (route === undefined) {
        route = policy.accepts(term)
          ? this.store.intern(peer, policy.transform(term, attributes, this.localAs), nextHop, linkLocal)
          : null;
        byTerm.set(term, route);
      }
      this.installFromPeer(peer, prefix, route, changes);
    }
    for (const route of byTerm.values()) if (route) this.store.release(route);
  }

  /** Sets one Adj-RIB-In entry (null: received, not accepted) and updates the Loc-RIB. */
  private installFromPeer(
    peer: RibPeer,
    prefix: Prefix,
    route: RouteAttributes | null,
    changes: BestPathChange[],
  ): void {
    peer.stale?.delete(prefix);
    const entry = this.loc.get(prefix);
    const old = candidateOf(entry, peer);
    if (route === null) {
      peer.rejectedIn.set(prefix, true);
      if (!old) return;
      peer.accepted[prefix.afi]--;
      this.updateLocRib(prefix, entry, peer, undefined, changes);
      this.store.release(old);
      return;
    }
    if (old === route) return;
    peer.rejectedIn.delete(prefix);
    this.store.retain(route);
    if (!old) peer.accepted[prefix.afi]++;
    this.updateLocRib(prefix, entry, peer, route, changes);
    if (old) this.store.release(old);
  }

  private withdrawFromPeer(peer: RibPeer, prefix: Prefix, changes: BestPathChange[]): void {
    peer.stale?.delete(prefix);
    if (peer.rejectedIn.delete(prefix)) return;
    const entry = this.loc.get(prefix);
    const old = candidateOf(entry, peer);
    if (!old) return;
    peer.accepted[prefix.afi]--;
    this.updateLocRib(prefix, entry, peer, undefined, changes);
    this.store.release(old);
  }

  /** Visits every prefix the peer sent (accepted or not), of one family or both. The visit may withdraw it. */
  private forEachReceived(peer: RibPeer, visit: (prefix: Prefix) => void, afi?: Afi): void {
    this.loc.forEach((entry, prefix) => {
      if (candidateOf(entry, peer)) visit(prefix);
    }, afi);
    peer.rejectedIn.forEach((_true, prefix) => visit(prefix), afi);
  }

  // ---- Loc-RIB and the decision process ------------------------------------------------------

  /** Replaces `source`'s candidate for `prefix` with `path` (or removes it) and re-runs the decision. */
  private updateLocRib(
    prefix: Prefix,
    entry: LocEntry | undefined,
    source: RibPeer,
    path: RouteAttributes | undefined,
    changes: BestPathChange[],
  ): void {
    // Fast path (most of a full table): no other candidate, no multipath, no next-hop resolution.
    if (
      this.maxPaths === 1 &&
      !this.resolvable &&
      (entry === undefined || (entry instanceof RouteAttributes && entry.source === source))
    ) {
      if (path) this.loc.set(prefix, path);
      else if (entry) this.loc.delete(prefix);
      if (path !== entry) this.bestChanged(prefix, path, entry, undefined, changes);
      return;
    }
    let previous: RouteAttributes | undefined;
    let previousMulti: RouteAttributes[] | undefined;
    let paths: RouteAttributes[];
    if (entry === undefined) {
      paths = [];
    } else if (entry instanceof RouteAttributes) {
      previous = entry;
      paths = entry.source === source ? [] : [entry];
    } else {
      previous = entry.best;
      previousMulti = entry.multipath;
      paths = entry.paths.filter((p) => p.source !== source);
    }
    if (path) paths.push(path);

    let best: RouteAttributes | undefined;
    let multipath: RouteAttributes[];
    if (paths.length === 1 && !this.resolvable) {
      best = paths[0];
      multipath = [best!];
      this.loc.set(prefix, best!);
    } else if (paths.length === 0) {
      multipath = [];
      this.loc.delete(prefix);
    } else {
      const selection = selectBest(paths, { feasible: this.resolvable && this.feasible, maxPaths: this.maxPaths });
      best = selection.best;
      multipath = selection.multipath;
      this.loc.set(prefix, paths.length === 1 && best ? best : new RouteEntry(paths, best, multipath));
    }

    const multiChanged = this.maxPaths > 1 && !sameRoutes(previousMulti ?? (previous ? [previous] : []), multipath);
    if (best === previous && !multiChanged) return;
    this.bestChanged(prefix, best, previous, this.maxPaths > 1 ? multipath : undefined, changes);
  }

  /** Reports a new best path (or ECMP set) and lets exports and conditional aggregates follow. */
  private bestChanged(
    prefix: Prefix,
    best: RouteAttributes | undefined,
    previous: RouteAttributes | undefined,
    multipath: RouteAttributes[] | undefined,
    changes: BestPathChange[],
  ): void {
    const change: BestPathChange = { prefix, best, previous };
    if (multipath) change.multipath = multipath;
    changes.push(change);
    if (best !== previous) this.markDirty(prefix, best);
    if ((best === undefined) !== (previous === undefined)) this.contributorChanged(prefix, best !== undefined, changes);
  }

  private readonly feasible = (route: RouteAttributes): boolean =>
    route.nextHop === undefined || this.resolvable!(route.nextHop);

  /** Re-runs the decision for every prefix after next-hop reachability changed (RFC 4271 §9.1.2). */
  nextHopsChanged(): BestPathChange[] {
    const changes: BestPathChange[] = [];
    const entries: [Prefix, RouteAttributes][] = [];
    this.loc.forEach((entry, prefix) => {
      const any = entry instanceof RouteAttributes ? entry : (entry.best ?? entry.paths[0]);
      if (any) entries.push([prefix, any]);
    });
    for (const [prefix, path] of entries)
      this.updateLocRib(prefix, this.loc.get(prefix), path.source as RibPeer, path, changes);
    return changes;
  }

  private markDirty(prefix: Prefix, best: RouteAttributes | undefined): void {
    for (const peer of this.peers.values()) {
      if (!peer.up) continue;
      // Nothing to do for a peer that will not get this route and has nothing to withdraw.
      const nothingToSend = best === undefined || best.source === peer || peer.exportBlocked;
      if (nothingToSend && !peer.adjOut.has(prefix) && !peer.unsendable.has(prefix)) continue;
      peer.dirty.set(prefix, true);
    }
  }

  /** The best route and ECMP set of a prefix. */
  lookup(input: string | Prefix): RouteLookup {
    const prefix = toPrefix(input);
    const entry = this.loc.get(prefix);
    if (entry === undefined) return { prefix, best: undefined, multipath: [], candidates: [] };
    if (entry instanceof RouteAttributes) return { prefix, best: entry, multipath: [entry], candidates: [entry] };
    return { prefix, best: entry.best, multipath: entry.multipath.slice(), candidates: entry.paths.slice() };
  }

  /** RFC 4271 §9.1: why `route`, a candidate for `input`, is not its best (undefined when it is, or ties). */
  whyNotBest(input: string | Prefix, route: Route): NotBestReason<Route> | undefined {
    const entry = this.loc.get(toPrefix(input));
    if (!(entry instanceof RouteEntry) || !(route instanceof RouteAttributes) || !entry.paths.includes(route))
      return undefined;
    return explainNotBest(route, entry.paths, this.resolvable ? { feasible: this.feasible } : {});
  }

  /** RFC 4724 §4.2: whether the route of peer `id` to `prefix` is marked stale (the peer restarts). */
  isStale(id: string, prefix: Prefix): boolean {
    return this.peers.get(id)?.stale?.has(prefix) ?? false;
  }

  /** Visits every prefix with a best route (of one family, or both). */
  forEachBest(visit: (prefix: Prefix, best: Route) => void, afi?: Afi): void {
    this.loc.forEach((entry, prefix) => {
      const best = entry instanceof RouteAttributes ? entry : entry.best;
      if (best) visit(prefix, best);
    }, afi);
  }

  /** Number of prefixes in the Loc-RIB (with or without a selectable best). */
  locRibSize(afi?: Afi): number {
    return this.loc.size(afi);
  }

  /** Number of distinct interned attribute sets (for leak checks and memory reports). */
  get attributeSetCount(): number {
    return this.store.size;
  }

  counts(id: string, afi?: Afi): PrefixCounts {
    const peer = id === LOCAL_PEER_ID ? this.local : this.peer(id);
    const accepted = afi === undefined ? peer.accepted[AFI.IPV4] + peer.accepted[AFI.IPV6] : peer.accepted[afi];
    return { received: accepted + peer.rejectedIn.size(afi), accepted, advertised: peer.adjOut.size(afi) };
  }

  /** Prefixes export policy lets through to the peer that could not be encoded for its session (markUnsendable). */
  unsendableCount(id: string, afi?: Afi): number {
    return this.peer(id).unsendable.size(afi);
  }

  // ---- origination and aggregates ------------------------------------------------------------

  /** Announces a prefix from this speaker (replacing an earlier announcement of it). */
  originate(
    input: string | Prefix,
    attributes: OriginateAttributes = {},
    options: OriginateOptions = {},
  ): BestPathChange[] {
    const prefix = toPrefix(input);
    const path: PathAttributes = { origin: attributes.origin ?? ORIGIN.IGP, asPath: [] };
    if (attributes.med !== undefined) path.med = attributes.med;
    if (attributes.localPref !== undefined) path.localPref = attributes.localPref;
    if (attributes.communities?.length) path.communities = attributes.communities.map(parseCommunity);
    if (attributes.largeCommunities?.length)
      path.largeCommunities = attributes.largeCommunities.map(parseLargeCommunity);
    if (options.aggregate) {
      // RFC 4271 §9.2.2.2 / §5.1.6–5.1.7: the aggregate may hide AS path detail; say who aggregated.
      path.atomicAggregate = true;
      path.aggregator = { asn: this.localAs, address: this.routerId };
    }
    const changes: BestPathChange[] = [];
    const key = prefixText(prefix);
    const conditional = Boolean(options.aggregate && options.onlyWithContributors);
    this.aggregates.delete(key);
    if (conditional) {
      const aggregate: Aggregate = {
        prefix,
        attributes: path,
        onlyWithContributors: true,
        contributors: this.countContributors(prefix),
      };
      this.aggregates.set(key, aggregate);
      if (aggregate.contributors === 0) {
        this.withdrawLocal(prefix, changes);
        return changes;
      }
    }
    this.installLocal(prefix, path, changes);
    return changes;
  }

  /** Withdraws a prefix or aggregate this speaker originated. */
  withdrawOriginated(input: string | Prefix): BestPathChange[] {
    const prefix = toPrefix(input);
    this.aggregates.delete(prefixText(prefix));
    const changes: BestPathChange[] = [];
    this.withdrawLocal(prefix, changes);
    return changes;
  }

  /** The prefixes this speaker originates (conditional aggregates included while active). */
  originated(): Prefix[] {
    const out: Prefix[] = [];
    this.forEachReceived(this.local, (prefix) => out.push(prefix));
    return out;
  }

  private installLocal(prefix: Prefix, attributes: PathAttributes, changes: BestPathChange[]): void {
    const route = this.store.intern(this.local, attributes, undefined);
    this.installFromPeer(this.local, prefix, route, changes);
    this.store.release(route);
  }

  private withdrawLocal(prefix: Prefix, changes: BestPathChange[]): void {
    this.withdrawFromPeer(this.local, prefix, changes);
  }

  /** Best routes strictly inside `aggregate`. */
  private countContributors(aggregate: Prefix): number {
    let count = 0;
    this.loc.forEach((entry, prefix) => {
      if (
        prefix.length > aggregate.length &&
        prefixCovers(aggregate, prefix) &&
        (entry instanceof RouteAttributes || entry.best)
      )
        count++;
    }, aggregate.afi);
    return count;
  }

  /** A prefix gained or lost its best route: conditional aggregates above it may appear or go. */
  private contributorChanged(prefix: Prefix, present: boolean, changes: BestPathChange[]): void {
    if (this.aggregates.size === 0) return;
    for (const aggregate of this.aggregates.values()) {
      if (prefix.length <= aggregate.prefix.length || !prefixCovers(aggregate.prefix, prefix)) continue;
      aggregate.contributors += present ? 1 : -1;
      if (present && aggregate.contributors === 1) this.installLocal(aggregate.prefix, aggregate.attributes, changes);
      if (!present && aggregate.contributors === 0) this.withdrawLocal(aggregate.prefix, changes);
    }
  }

  // ---- exports -------------------------------------------------------------------------------

  /** What to send to the peer now: withdrawals and announcements since the last call, grouped by attributes. */
  pendingExports(id: string): ExportBatch {
    const peer = this.upPeer(id);
    const batch: ExportBatch = { withdrawn: [], announce: [] };
    const run = new ExportRun(this, peer, batch);
    // Every Loc-RIB prefix (export policy changed, full export), walked in place rather than copied
    // into the dirty set; dirty prefixes gone from the Loc-RIB still need their withdrawals, and
    // exporting a prefix twice is a no-op the second time.
    if (peer.exportAll)
      this.loc.forEach((entry, prefix) => run.export(prefix, entry instanceof RouteAttributes ? entry : entry.best));
    peer.exportAll = false;
    peer.dirty.forEach((_true, prefix) => run.export(prefix, this.bestOf(prefix)));
    peer.dirty.clear();
    run.finish();
    return batch;
  }

  /** Everything the peer should have (session up, or ROUTE-REFRESH received: RFC 2918 §4). */
  fullExport(id: string): ExportBatch {
    const peer = this.upPeer(id);
    this.clearAdjOut(peer);
    peer.exportAll = true;
    return this.pendingExports(id);
  }

  private bestOf(prefix: Prefix): RouteAttributes | undefined {
    const entry = this.loc.get(prefix);
    return entry === undefined || entry instanceof RouteAttributes ? entry : entry.best;
  }

  /**
   * The session could not encode these exported prefixes for the peer (and withdrew them instead):
   * they leave the Adj-RIB-Out and are counted until their best path changes or goes.
   */
  markUnsendable(id: string, prefixes: readonly Prefix[]): void {
    const peer = this.peer(id);
    for (const prefix of prefixes) {
      const set = peer.adjOut.get(prefix);
      if (set) {
        peer.adjOut.delete(prefix);
        this.store.release(set);
      }
      peer.unsendable.set(prefix, true);
    }
  }

  /** @internal used by ExportRun */
  exportAttributes(
    peer: RibPeer,
    best: RouteAttributes,
    prefix: Prefix,
    memo: Map<RouteAttributes, PathExport>,
  ): RouteAttributes | null {
    let work = memo.get(best);
    if (!work) {
      const base = mayAdvertise(peer, best) ? exportBase(peer, best) : null;
      work = {
        base,
        termFor: base && peer.exportPolicy ? peer.exportPolicy.forAttributes(base) : undefined,
        byTerm: new Map(),
      };
      memo.set(best, work);
    }
    if (!work.base) return null;
    const term = work.termFor ? work.termFor(prefix) : -1;
    const key = term * 2 + (prefix.afi === AFI.IPV4 ? 0 : 1);
    let result = work.byTerm.get(key);
    if (result === undefined) {
      const policy = peer.exportPolicy;
      if (policy && !policy.accepts(term)) result = null;
      else {
        const attributes = policy ? policy.transform(term, work.base, this.localAs) : work.base;
        result = finishExport(this.store, peer, best, prefix, attributes, policy?.nextHopSelf(term) ?? false);
        if (result === null)
          this.logger?.warn(
            { peer: peer.id, prefix: prefixText(prefix) },
            'no next hop of this family towards the peer: route not advertised',
          );
      }
      work.byTerm.set(key, result);
    }
    return result;
  }

  /** @internal */
  retain(set: RouteAttributes): void {
    this.store.retain(set);
  }

  /** @internal */
  release(set: RouteAttributes): void {
    this.store.release(set);
  }

  private clearAdjOut(peer: RibPeer): void {
    peer.adjOut.forEach((set) => this.store.release(set));
    peer.adjOut.clear();
    peer.unsendable.clear();
    peer.dirty.clear();
    peer.exportAll = false;
  }

  private peer(id: string): RibPeer {
    const peer = this.peers.get(id);
    if (!peer) throw unknownPeer(id);
    return peer;
  }

  private upPeer(id: string): RibPeer {
    const peer = this.peer(id);
    if (!peer.up)
      throw new RibError('peer-not-up', `peer "${id}" is not Established: exports exist only for Established sessions`);
    return peer;
  }
}

/** One pendingExports() pass over a peer: diffs against the Adj-RIB-Out and groups by attributes. */
class ExportRun {
  private readonly memo = new Map<RouteAttributes, PathExport>();
  private readonly groups = new Map<RouteAttributes, Prefix[]>();
  private readonly groupAfi = new Map<RouteAttributes, Afi>();

  constructor(
    private readonly rib: RibManager,
    private readonly peer: RibPeer,
    private readonly batch: ExportBatch,
  ) {}

  export(prefix: Prefix, best: RouteAttributes | undefined): void {
    const next = best ? this.rib.exportAttributes(this.peer, best, prefix, this.memo) : null;
    this.peer.unsendable.delete(prefix);
    const old = this.peer.adjOut.get(prefix);
    if (next === (old ?? null)) return;
    if (next) {
      this.rib.retain(next);
      this.peer.adjOut.set(prefix, next);
      let group = this.groups.get(next);
      if (!group) {
        group = [];
        this.groups.set(next, group);
        this.groupAfi.set(next, prefix.afi);
      }
      group.push(prefix);
    } else {
      this.peer.adjOut.delete(prefix);
      this.batch.withdrawn.push(prefix);
    }
    if (old) this.rib.release(old);
  }

  /** Emits the groups and drops the memo's references. */
  finish(): void {
    for (const [set, nlri] of this.groups) {
      this.batch.announce.push({
        afi: this.groupAfi.get(set)!,
        attributes: { ...set.attributes },
        nextHop: set.nextHop!,
        nlri,
        set,
      });
    }
    for (const work of this.memo.values()) for (const set of work.byTerm.values()) if (set) this.rib.release(set);
  }
}

/** The candidate `peer` contributes to a Loc-RIB entry: its accepted route for the prefix. */
function candidateOf(entry: LocEntry | undefined, peer: RibPeer): RouteAttributes | undefined {
  if (entry === undefined) return undefined;
  if (entry instanceof RouteAttributes) return entry.source === peer ? entry : undefined;
  for (const path of entry.paths) if (path.source === peer) return path;
  return undefined;
}

function sameRoutes(a: RouteAttributes[], b: RouteAttributes[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
