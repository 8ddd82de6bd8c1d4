// BgpSpeaker: the public speaker. Owns the RIB, one PeerSession per peer, and a transport; turns
// RIB changes into UPDATEs, publishes events, and reports state the way FRR does.
import type { Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, prefix, prefixProblem, validateConfig } from '@cairn/sys';
import { z } from 'zod';
import { announcementAttributesShape, announcementOptionsShape } from '../config/announcement.js';
import { prefixKey } from '../config/cairn-bgp.js';
import type { ChangeImpact } from '../config/impact.js';
import { PEER_SETTING_IMPACT, type PeerSettingKey, pathAttributesSchema, peerSchema } from '../config/peer.js';
import { pino, type Logger } from 'pino';
import type { SessionState } from '../fsm/types.js';
import type { Policy } from '../policy/types.js';
import {
  RibManager,
  type BestPathChange,
  type OriginateAttributes,
  type OriginateOptions,
} from '../rib/rib-manager.js';
import { systemClock, type Clock } from '../session/clock.js';
import { DEFAULT_FAMILIES, type PeerConfig } from '../session/config.js';
import { FAMILY_AFI } from '../session/open.js';
import type { PathAttributeRules } from '../session/path-attributes.js';
import { PeerSession, type SessionHost } from '../session/peer-session.js';
import { TcpTransport } from '../transport/tcp.js';
import { normalizeAddress, type BgpTransport } from '../transport/types.js';
import { formatPrefix } from '../wire/address.js';
import { CEASE_SUBCODE } from '../wire/errors.js';
import { AFI, type Afi } from '../wire/types.js';
import { EventStream } from './event-stream.js';
import { type RouteView, routeView } from './route-view.js';

export type { RouteView } from './route-view.js';
import { formatUptime, type Summary, type SummaryFamily, type SummaryPeer } from './summary.js';

export interface BgpSpeakerOptions {
  localAs: number;
  /** BGP Identifier, dotted quad. */
  routerId: string;
  logger?: Logger;
  clock?: Clock;
  /** Where sockets come from; default plain TCP (use LinuxTransport for TCP-MD5, GTSM, namespaces). */
  transport?: BgpTransport;
  /** ECMP paths to select (default 1). */
  maxPaths?: number;
  /**
   * Events an events() subscriber may have waiting before best-path events are dropped for it (and
   * counted in an `events-dropped` event); default 100,000. Peer state changes are never dropped.
   */
  maxQueuedEvents?: number;
  /**
   * Attribute types every peer's UPDATEs have discarded or treated as withdraw (a peer's own
   * `pathAttributes` list of a kind replaces this one's). Default: none. See packages/bgp/README.md.
   */
  pathAttributes?: PathAttributeRules;
}

export type SpeakerEvent =
  | { type: 'peer-state'; peer: string; from: SessionState; to: SessionState; reason?: string }
  | { type: 'best-path'; prefix: string; best?: RouteView; previous?: RouteView }
  /** This many best-path events were dropped because the subscriber fell behind (see maxQueuedEvents). */
  | { type: 'events-dropped'; count: number };

export class PeerExistsError extends Error {
  constructor(address: string) {
    super(`peer ${address} already exists: use updatePeer() to change it`);
    this.name = 'PeerExistsError';
  }
}

export class NotAnnouncedError extends Error {
  constructor(prefix: string) {
    super(`${prefix} was never announced: nothing to withdraw`);
    this.name = 'NotAnnouncedError';
  }
}

export class NoSuchPeerError extends Error {
  constructor(address: string) {
    super(`no peer ${address}: add it with addPeer() first`);
    this.name = 'NoSuchPeerError';
  }
}

/** The settings of a PeerConfig (without runtime-only fields) checked against the peer schema. */
function checkPeerSettings(config: PeerConfig): void {
  const { liveness: _liveness, ...settings } = config;
  validateConfig(peerSchema, settings, `peer ${config.address}`);
}

/** What the changed settings touch, from each setting's impact tag. `shutdown` is handled by itself. */
function changeImpacts(before: PeerConfig, next: PeerConfig): Set<ChangeImpact> {
  const impacts = new Set<ChangeImpact>();
  for (const [key, impact] of Object.entries(PEER_SETTING_IMPACT) as [PeerSettingKey, ChangeImpact][]) {
    if (key !== 'shutdown' && !isDeepStrictEqual(before[key], next[key])) impacts.add(impact);
  }
  return impacts;
}

/** announce()'s arguments: the announcement schema's fields, with ORIGIN as its code (RFC 4271 §5.1.1). */
const originateSchema = z.strictObject({
  prefix,
  attributes: z.strictObject({ ...announcementAttributesShape, origin: z.literal([0, 1, 2]).optional() }),
  options: z.strictObject(announcementOptionsShape),
});

export class BgpSpeaker {
  readonly localAs: number;
  readonly routerId: string;
  readonly rib: RibManager;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly transport: BgpTransport;
  private readonly sessions = new Map<string, PeerSession>();
  private readonly stream: EventStream<SpeakerEvent>;
  private readonly host: SessionHost;
  private readonly announced = new Set<string>();
  private flushScheduled = false;
  private started = false;
  private tableVersion = 0;

  constructor(options: BgpSpeakerOptions) {
    if (options.pathAttributes) validateConfig(pathAttributesSchema, options.pathAttributes, 'pathAttributes');
    this.localAs = options.localAs;
    this.routerId = options.routerId;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.clock = options.clock ?? systemClock;
    this.transport = options.transport ?? new TcpTransport({ logger: this.logger });
    this.stream = new EventStream<SpeakerEvent>({
      maxQueued: options.maxQueuedEvents ?? 100_000,
      droppable: (event) => event.type === 'best-path',
      droppedMarker: (count) => ({ type: 'events-dropped', count }),
    });
    this.rib = new RibManager({
      localAs: this.localAs,
      routerId: this.routerId,
      logger: this.logger,
      maxPaths: options.maxPaths ?? 1,
    });
    const speaker = this;
    this.host = {
      localAs: this.localAs,
      routerId: this.routerId,
      transport: this.transport,
      rib: this.rib,
      logger: this.logger,
      clock: this.clock,
      ...(options.pathAttributes ? { pathAttributes: options.pathAttributes } : {}),
      stateChanged(session, from, to, reason) {
        speaker.stream.publish({ type: 'peer-state', peer: session.id, from, to, ...(reason ? { reason } : {}) });
      },
      routesChanged(changes) {
        speaker.routesChanged(changes);
      },
    };
  }

  /** Starts listening and starts every configured session. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.transport.listen((socket: Socket, peer: string) => {
      const session = this.sessions.get(peer);
      if (session) session.acceptInbound(socket);
      else socket.destroy();
    });
    this.started = true;
    for (const session of this.sessions.values()) session.start();
  }

  /** Stops every session (Cease/Administrative Shutdown, with `message` per RFC 9003) and the listener. */
  async stop(message?: string): Promise<void> {
    for (const session of this.sessions.values()) session.destroy(message);
    await this.transport.close();
    this.started = false;
    // Let the NOTIFICATIONs leave.
    await new Promise((resolve) => setImmediate(resolve));
    this.stream.end();
  }

  /** Adds a peer; its settings are checked against the peer schema first (ConfigError naming each field). */
  addPeer(config: PeerConfig): void {
    const address = normalizeAddress(config.address);
    if (this.sessions.has(address)) throw new PeerExistsError(address);
    const normalized = { ...config, address };
    checkPeerSettings(normalized);
    this.transport.setPeer(this.transportPeer(normalized));
    this.rib.addPeer({
      id: address,
      address,
      remoteAs: config.remoteAs,
      ...(config.importPolicy ? { importPolicy: config.importPolicy } : {}),
      ...(config.exportPolicy ? { exportPolicy: config.exportPolicy } : {}),
      ...(config.maxPrefixes !== undefined ? { maxPrefixes: config.maxPrefixes } : {}),
    });
    const session = new PeerSession(normalized, this.host);
    this.sessions.set(address, session);
    if (this.started) session.start();
  }

  /**
   * Removes a peer: Cease/Peer De-configured (RFC 4486), or Administrative Shutdown when a `message`
   * (RFC 9003) is given; its routes are withdrawn from the others.
   */
  removePeer(address: string, message?: string): void {
    const session = this.session(address);
    if (message !== undefined) this.forget(session, message);
    else this.forget(session, 'peer removed', CEASE_SUBCODE.PEER_DECONFIGURED);
  }

  private forget(session: PeerSession, message: string, subcode?: number): void {
    session.destroy(message, subcode);
    this.sessions.delete(session.id);
    this.transport.removePeer(session.id);
    this.routesChanged(this.rib.removePeer(session.id));
  }

  /**
   * Changes a peer without touching the others, doing what the change impact of each changed setting
   * (src/config/peer.ts) asks: a policy change re-evaluates routes (ROUTE-REFRESH for a new import policy,
   * RFC 2918) and keeps the session; maxPrefixes reaches the RIB; transport settings (TCP-MD5 key, GTSM,
   * port) are used from the next connection; `shutdown` stops or starts the session; any other change
   * resets it with Cease/Other Configuration Change (RFC 4486).
   */
  updatePeer(config: PeerConfig): void {
    const session = this.session(config.address);
    const next = { ...config, address: session.id };
    checkPeerSettings(next);
    const before = session.config;
    const impacts = changeImpacts(before, next);
    if (before.remoteAs !== next.remoteAs) {
      // The RIB knows the peer as eBGP or iBGP from its AS: the peer starts anew.
      this.forget(session, 'remote AS changed', CEASE_SUBCODE.OTHER_CONFIGURATION_CHANGE);
      this.addPeer(next);
      return;
    }
    // Keep the very objects of an unchanged policy: the RIB asks for a ROUTE-REFRESH when its import policy changes.
    if (isDeepStrictEqual(before.importPolicy, next.importPolicy)) next.importPolicy = before.importPolicy;
    if (isDeepStrictEqual(before.exportPolicy, next.exportPolicy)) next.exportPolicy = before.exportPolicy;
    this.transport.setPeer(this.transportPeer(next));
    if (impacts.has('policy re-evaluation')) {
      const { routeRefreshNeeded } = this.rib.setPolicies(session.id, {
        ...(next.importPolicy ? { importPolicy: next.importPolicy } : {}),
        ...(next.exportPolicy ? { exportPolicy: next.exportPolicy } : {}),
      });
      // The Adj-RIB-In holds routes after import policy: a new one needs the peer's routes again.
      if (routeRefreshNeeded && !session.requestRouteRefresh()) {
        this.logger.warn(
          { peer: session.id },
          'import policy changed but the peer does not support ROUTE-REFRESH: reset the session to apply it',
        );
      }
      this.scheduleFlush();
    }
    // RFC 4486 §4: the new limit holds from the peer's next UPDATE on.
    if (impacts.has('RIB limits')) this.rib.setMaxPrefixes(session.id, next.maxPrefixes);
    const wasShut = Boolean(before.shutdown);
    const isShut = Boolean(next.shutdown);
    session.reconfigure(next);
    // New attribute rules apply to what the peer sends next: ask it for its routes again (RFC 2918).
    if (!isDeepStrictEqual(before.pathAttributes, next.pathAttributes) && !isShut) session.requestRouteRefresh();
    if (isShut && !wasShut) {
      session.stop(typeof next.shutdown === 'string' ? next.shutdown : undefined);
    } else if (!isShut && wasShut) {
      if (this.started) session.start();
    } else if (impacts.has('session reset') && !isShut) {
      session.reset(CEASE_SUBCODE.OTHER_CONFIGURATION_CHANGE, 'configuration changed');
    }
  }

  /** Administrative shutdown of one peer with an RFC 9003 message (undone by enablePeer). */
  shutdownPeer(address: string, message?: string): void {
    const session = this.session(address);
    this.updatePeer({ ...session.config, shutdown: message ?? true });
  }

  enablePeer(address: string): void {
    const session = this.session(address);
    this.updatePeer({ ...session.config, shutdown: false });
  }

  /**
   * Originates a prefix (or an aggregate) with attributes; replaces an earlier announcement of it. The prefix
   * (host bits clear) and the attributes are checked first: a ConfigError names each bad field.
   */
  announce(prefix: string, attributes: OriginateAttributes = {}, options: OriginateOptions = {}): void {
    validateConfig(originateSchema, { prefix, attributes, options }, `announcement of ${prefix}`);
    this.routesChanged(this.rib.originate(prefix, attributes, options));
    this.announced.add(prefixKey(prefix));
  }

  /** Withdraws a prefix announced with announce(); one that was not announced is a NotAnnouncedError. */
  withdraw(prefix: string): void {
    const problem = prefixProblem(prefix);
    if (problem) throw new ConfigError(`withdrawal of ${prefix}`, [{ path: ['prefix'], message: problem }]);
    const key = prefixKey(prefix);
    if (!this.announced.has(key)) throw new NotAnnouncedError(prefix);
    this.routesChanged(this.rib.withdrawOriginated(prefix));
    this.announced.delete(key);
  }

  /** The prefixes announced with announce() and not withdrawn. */
  announcements(): string[] {
    return [...this.announced];
  }

  /** Every event from now on: peer state changes and best-path changes. */
  events(): AsyncIterableIterator<SpeakerEvent> {
    return this.stream.subscribe();
  }

  peers(): string[] {
    return [...this.sessions.keys()];
  }

  peerState(address: string): SessionState {
    return this.session(address).state;
  }

  /** Best routes (all, or the one for `prefix`) with their alternatives. */
  routes(prefix?: string): RouteView[] {
    if (prefix !== undefined) {
      const lookup = this.rib.lookup(prefix);
      return lookup.candidates.map((route) =>
        routeView(lookup.prefix, route, {
          best: route === lookup.best,
          stale: this.rib.isStale(route.peerId, lookup.prefix),
          notBest: route === lookup.best ? undefined : this.rib.whyNotBest(lookup.prefix, route),
        }),
      );
    }
    const out: RouteView[] = [];
    this.rib.forEachBest((p, best) =>
      out.push(routeView(p, best, { best: true, stale: this.rib.isStale(best.peerId, p) })),
    );
    return out;
  }

  /** The state shaped like FRR's `show bgp summary json`. */
  summary(): Summary {
    const out: Summary = {};
    for (const [key, afi] of [
      ['ipv4Unicast', AFI.IPV4],
      ['ipv6Unicast', AFI.IPV6],
    ] as const) {
      const peers: Record<string, SummaryPeer> = {};
      for (const session of this.sessions.values()) {
        const families = session.config.families ?? DEFAULT_FAMILIES;
        if (!families.some((f) => FAMILY_AFI[f] === afi)) continue;
        peers[session.id] = this.summaryPeer(session, afi);
      }
      const family: SummaryFamily = {
        routerId: this.routerId,
        as: this.localAs,
        vrfId: 0,
        vrfName: 'default',
        tableVersion: this.tableVersion,
        ribCount: this.rib.locRibSize(afi),
        peerCount: Object.keys(peers).length,
        peers,
        failedPeers: Object.values(peers).filter((p) => p.state !== 'Established').length,
        displayedPeers: Object.keys(peers).length,
        totalPeers: Object.keys(peers).length,
        dynamicPeers: 0,
      };
      if (family.peerCount > 0) out[key] = family;
    }
    return out;
  }

  private summaryPeer(session: PeerSession, afi: Afi): SummaryPeer {
    const counts = this.rib.counts(session.id, afi);
    const blocks = this.rib.policyBlocks(session.id);
    const admin = Boolean(session.config.shutdown);
    const uptime = session.establishedAt === undefined ? undefined : this.clock.now() - session.establishedAt;
    const up = session.state === 'Established' && session.families.has(afi);
    return {
      remoteAs: session.config.remoteAs,
      localAs: this.localAs,
      version: 4,
      msgRcvd: session.msgRcvd,
      msgSent: session.msgSent,
      tableVersion: 0,
      outq: 0,
      inq: 0,
      peerUptime: uptime === undefined ? 'never' : formatUptime(uptime),
      peerUptimeMsec: uptime ?? 0,
      ...(uptime !== undefined ? { peerUptimeEstablishedEpoch: Math.floor((Date.now() - uptime) / 1000) } : {}),
      pfxRcd: up ? counts.accepted : 0,
      pfxSnt: up ? counts.advertised : 0,
      unsendableRoutes: up ? this.rib.unsendableCount(session.id, afi) : 0,
      state: admin && session.state === 'Idle' ? 'Idle (Admin)' : session.state,
      peerState: admin ? 'Admin' : blocks.import || blocks.export ? 'Policy' : 'OK',
      connectionsEstablished: session.connectionsEstablished,
      connectionsDropped: session.connectionsDropped,
      ...(session.config.description ? { desc: session.config.description } : {}),
      idType: session.id.includes(':') ? 'ipv6' : 'ipv4',
      ...(session.negotiatedHoldTime !== undefined ? { negotiatedHoldTime: session.negotiatedHoldTime } : {}),
      ...(session.lastError ? { lastError: session.lastError } : {}),
      ...(blocks.import || blocks.export ? { policyBlocks: blocks } : {}),
      ...(session.lastNotificationReceived ? { lastNotificationReceived: session.lastNotificationReceived } : {}),
    };
  }

  /** Sets the import and export policies of a peer (a shortcut for updatePeer). */
  setPolicies(address: string, policies: { importPolicy?: Policy; exportPolicy?: Policy }): void {
    const session = this.session(address);
    this.updatePeer({ ...session.config, ...policies });
  }

  private session(address: string): PeerSession {
    const session = this.sessions.get(normalizeAddress(address));
    if (!session) throw new NoSuchPeerError(address);
    return session;
  }

  private transportPeer(config: PeerConfig) {
    return {
      address: config.address,
      ...(config.port !== undefined ? { port: config.port } : {}),
      ...(config.localAddress ? { localAddress: config.localAddress } : {}),
      ...(config.password ? { password: config.password } : {}),
      ...(config.ttlSecurityHops ? { ttlSecurityHops: config.ttlSecurityHops } : {}),
    };
  }

  private routesChanged(changes: BestPathChange[]): void {
    if (changes.length === 0) return;
    this.tableVersion += changes.length;
    if (this.stream.subscriberCount > 0) {
      for (const change of changes) {
        this.stream.publish({
          type: 'best-path',
          prefix: formatPrefix(change.prefix),
          ...(change.best ? { best: routeView(change.prefix, change.best, { best: true }) } : {}),
          ...(change.previous ? { previous: routeView(change.prefix, change.previous, { best: false }) } : {}),
        });
      }
    }
    this.scheduleFlush();
  }

  /** Exports are batched per turn of the event loop (an MRAI of 0, RFC 4271 §9.2.1.1). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const session of this.sessions.values()) {
        if (session.state === 'Established') session.sendExport(this.rib.pendingExports(session.id));
      }
    });
  }
}
