// BfdService: runs BFD sessions over the RFC 5881 (single hop) and RFC 5883 (multihop) UDP transport,
// with real timers, and serves as the LivenessSource of BGP peers (RFC 5882). The protocol itself is the pure state machine in session.ts;
// this file only turns datagrams and time into its events and carries out its actions.
import { isIPv6 } from 'node:net';
import { IPv6 } from 'ip-num';
import type { Logger } from 'pino';
import type { LivenessSource } from '@cairn/sys';
import { BfdState, type BfdStateName, bfdDiagnosticName, bfdStateName } from './constants.js';
import { BfdConfigError, BfdPacketError } from './errors.js';
import { decodeControlPacket, encodeControlPacket } from './packet.js';
import {
  type BfdSession,
  type BfdSessionEvent,
  createSession,
  detectionTimeUs,
  nextWakeup,
  stepSession,
  transmitIntervalUs,
} from './session.js';
import { type BfdPeerSnapshot, peerSnapshot } from './snapshot.js';
import { type BfdDatagramSource, type BfdPath, type BfdSender, BfdUdpTransport } from './udp-transport.js';

export interface BfdTimers {
  /** Desired Min TX interval once Up, in ms (default 300, FRR's default). */
  transmitIntervalMs?: number;
  /** Required Min RX interval, in ms (default 300). */
  receiveIntervalMs?: number;
  /** Detect multiplier (default 3). */
  detectMultiplier?: number;
}

export interface BfdPeerConfig extends BfdPath, BfdTimers {
  /** Passive role (RFC 5880 §6.1): wait for the remote system to speak first. */
  passive?: boolean;
}

export interface BfdServiceOptions {
  logger: Logger;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Jitter source, uniform in [0, 1) (default Math.random). */
  random?: () => number;
  /** Timers for sessions created through watch() (the BGP `bfd` knob). */
  defaults?: BfdTimers;
  /** Lowest TTL / hop limit accepted on multihop sessions (RFC 5883 §5; default 254 like FRR). */
  multihopMinimumTtl?: number;
  /** Network namespace (a name under /run/netns) to open the sockets in; default: the thread's. */
  netns?: string;
}

export interface BfdStateChange {
  path: BfdPath;
  from: BfdStateName;
  to: BfdStateName;
  diagnostic: string;
}

type Watcher = { onChange: (state: 'up' | 'down', reason: string) => void; toldUp: boolean };

interface Peer {
  path: BfdPath;
  key: string;
  session: BfdSession;
  sender?: BfdSender;
  releaseReceiver?: () => void;
  timer?: NodeJS.Timeout;
  /** Explicit addPeer() calls plus watchers. */
  users: number;
  watchers: Set<Watcher>;
  ready: Promise<void>;
  closed: boolean;
}

/** Addresses as one key: IPv6 in ip-num's full form, scope and case ignored. */
function canonical(address: string): string {
  const bare = address.split('%')[0] ?? address;
  return isIPv6(bare) ? IPv6.fromString(bare).toString() : bare;
}

function pathKey(peer: string, ifname: string | undefined, multihop = false): string {
  return `${canonical(peer)}|${ifname ?? ''}|${multihop ? 'multihop' : ''}`;
}

function keyOf(path: BfdPath): string {
  return pathKey(path.peer, path.interface, path.multihop);
}

/** Runs BFD sessions (one per peer and interface, or per multihop peer) and reports their liveness. */
export class BfdService implements LivenessSource {
  private readonly peers = new Map<string, Peer>();
  private readonly byDiscriminator = new Map<number, Peer>();
  private readonly listeners = new Set<(change: BfdStateChange) => void>();
  private readonly transport: BfdUdpTransport;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: Logger;
  private received = { datagrams: 0, malformed: 0, unmatched: 0 };

  constructor(private readonly options: BfdServiceOptions) {
    this.log = options.logger.child({ component: 'bfd' });
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.transport = new BfdUdpTransport({
      logger: this.log,
      ...(options.multihopMinimumTtl !== undefined ? { multihopMinimumTtl: options.multihopMinimumTtl } : {}),
      ...(options.netns ? { netns: options.netns } : {}),
      onDatagram: (bytes, source) => this.onDatagram(bytes, source),
    });
  }

  /**
   * Starts a session to `config.peer` (on `config.interface`), or shares the existing one. Resolves when
   * its sockets are open. Each call needs one removePeer().
   */
  async addPeer(config: BfdPeerConfig): Promise<void> {
    const peer = this.ensurePeer(config);
    peer.users++;
    await peer.ready;
  }

  /** Releases one addPeer(); the last release sends AdminDown (§6.8.16) and closes the session. */
  removePeer(path: BfdPath): void {
    const peer = this.peers.get(keyOf(path));
    if (peer) this.release(peer);
  }

  /** LivenessSource (RFC 5882): a BGP peer with `bfd` watches its neighbour through a session here. */
  watch(target: BfdPath, onChange: (state: 'up' | 'down', reason: string) => void): () => void {
    const peer = this.ensurePeer({ ...this.options.defaults, ...target });
    peer.users++;
    const watcher: Watcher = { onChange, toldUp: false };
    peer.watchers.add(watcher);
    peer.ready.catch((error: unknown) =>
      this.log.error({ err: error, peer: target.peer }, 'BFD session could not open its sockets'),
    );
    if (peer.session.sessionState === BfdState.Up) {
      queueMicrotask(() => {
        if (!peer.watchers.has(watcher) || peer.session.sessionState !== BfdState.Up) return;
        watcher.toldUp = true;
        onChange('up', 'BFD session up');
      });
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      peer.watchers.delete(watcher);
      this.release(peer);
    };
  }

  /** Every state change of every session. Returns a function that unsubscribes. */
  onStateChange(listener: (change: BfdStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The state of the session on `path`, or undefined if there is none. */
  state(path: BfdPath): BfdStateName | undefined {
    const peer = this.peers.get(keyOf(path));
    return peer ? bfdStateName[peer.session.sessionState] : undefined;
  }

  /** All sessions, shaped like FRR's `show bfd peers json`. */
  bfdPeersSnapshot(): BfdPeerSnapshot[] {
    const now = this.now();
    return [...this.peers.values()].map((p) =>
      peerSnapshot(p.path, p.session, now, transmitIntervalUs(p.session), detectionTimeUs(p.session)),
    );
  }

  /** Datagrams that reached no session: malformed (§6.8.6) or unmatched. */
  receiveCounters(): { datagrams: number; malformed: number; unmatched: number } {
    return { ...this.received };
  }

  /**
   * Changes a session's timers; while Up the change goes through a Poll Sequence (RFC 5880 §6.5,
   * §6.8.3), so the remote system adopts it without a flap.
   */
  setTimers(path: BfdPath, timers: BfdTimers): void {
    const peer = this.peers.get(keyOf(path));
    if (!peer)
      throw new BfdConfigError(`no BFD session to ${path.peer}${path.interface ? ` on ${path.interface}` : ''}`);
    this.run(peer, {
      type: 'set-timers',
      ...(timers.transmitIntervalMs !== undefined
        ? { desiredMinTxUs: Math.round(timers.transmitIntervalMs * 1000) }
        : {}),
      ...(timers.receiveIntervalMs !== undefined
        ? { requiredMinRxUs: Math.round(timers.receiveIntervalMs * 1000) }
        : {}),
      ...(timers.detectMultiplier !== undefined ? { detectMultiplier: timers.detectMultiplier } : {}),
    });
  }

  /** Administratively disables (§6.8.16) or re-enables a session. */
  setAdminDown(path: BfdPath, down: boolean): void {
    const peer = this.peers.get(keyOf(path));
    if (!peer)
      throw new BfdConfigError(`no BFD session to ${path.peer}${path.interface ? ` on ${path.interface}` : ''}`);
    this.run(peer, { type: down ? 'admin-down' : 'admin-up' });
  }

  /** Closes every session (each sends AdminDown first) and every socket. */
  async close(): Promise<void> {
    const all = [...this.peers.values()];
    await Promise.allSettled(all.map((p) => p.ready));
    for (const peer of all) this.closePeer(peer);
    this.transport.close();
  }

  private ensurePeer(config: BfdPeerConfig): Peer {
    const key = keyOf(config);
    const existing = this.peers.get(key);
    if (existing) return existing;
    if (/^fe80:/i.test(config.peer) && (!config.interface || config.multihop)) {
      throw new BfdConfigError(`BFD peer ${config.peer} is link-local: give the interface it is on (single hop only)`);
    }
    // RFC 5883 §3: a multihop session is identified by its address pair, so the local address is needed.
    if (config.multihop && !config.local)
      throw new BfdConfigError(`BFD multihop peer ${config.peer} needs a local address`);
    const path: BfdPath = {
      peer: config.peer,
      ...(config.local ? { local: config.local } : {}),
      ...(config.interface ? { interface: config.interface } : {}),
      ...(config.multihop ? { multihop: true } : {}),
    };
    const session = createSession(
      {
        localDiscriminator: this.allocateDiscriminator(),
        desiredMinTxUs: Math.round((config.transmitIntervalMs ?? 300) * 1000),
        requiredMinRxUs: Math.round((config.receiveIntervalMs ?? 300) * 1000),
        detectMultiplier: config.detectMultiplier ?? 3,
        ...(config.passive ? { passive: true } : {}),
      },
      this.now(),
    );
    const peer: Peer = { path, key, session, users: 0, watchers: new Set(), ready: Promise.resolve(), closed: false };
    // A session whose sockets cannot open (address not configured, no such interface) is forgotten,
    // so a later addPeer() or watch() tries again.
    peer.ready = this.open(peer).catch((error: unknown) => {
      this.closePeer(peer);
      throw error;
    });
    this.peers.set(key, peer);
    this.byDiscriminator.set(session.parameters.localDiscriminator, peer);
    return peer;
  }

  private async open(peer: Peer): Promise<void> {
    const release = await this.transport.acquireReceiver(peer.path);
    const sender = await this.transport.openSender(peer.path).catch((error: unknown) => {
      release();
      throw error;
    });
    if (peer.closed) {
      release();
      sender.close();
      return;
    }
    peer.releaseReceiver = release;
    peer.sender = sender;
    this.log.info(
      { peer: peer.path.peer, interface: peer.path.interface, id: peer.session.parameters.localDiscriminator },
      'BFD session started',
    );
    this.schedule(peer);
  }

  private allocateDiscriminator(): number {
    for (;;) {
      const candidate = 1 + Math.floor(Math.random() * 0xfffffffe);
      if (!this.byDiscriminator.has(candidate)) return candidate;
    }
  }

  private release(peer: Peer): void {
    if (--peer.users > 0) return;
    this.closePeer(peer);
  }

  private closePeer(peer: Peer): void {
    if (peer.closed) return;
    if (peer.sender) this.run(peer, { type: 'admin-down' }); // tell the remote system (§6.8.16)
    peer.closed = true;
    clearTimeout(peer.timer);
    peer.sender?.close();
    peer.releaseReceiver?.();
    this.peers.delete(peer.key);
    this.byDiscriminator.delete(peer.session.parameters.localDiscriminator);
  }

  private onDatagram(bytes: Uint8Array, source: BfdDatagramSource): void {
    this.received.datagrams++;
    let packet;
    try {
      packet = decodeControlPacket(bytes);
    } catch (error) {
      if (!(error instanceof BfdPacketError)) throw error;
      this.received.malformed++;
      this.log.debug({ from: source.address, problem: error.problem }, error.message);
      return;
    }
    // §6.8.6: Your Discriminator selects the session; while it is zero, the addresses do (RFC 5881 §3).
    const peer =
      packet.yourDiscriminator !== 0
        ? this.byDiscriminator.get(packet.yourDiscriminator)
        : (this.peers.get(pathKey(source.address, source.interface, source.multihop)) ??
          this.peers.get(pathKey(source.address, undefined, source.multihop)));
    if (
      !peer ||
      peer.closed ||
      (peer.path.multihop ?? false) !== source.multihop ||
      canonical(peer.path.peer) !== canonical(source.address) ||
      (peer.path.interface && source.interface && peer.path.interface !== source.interface)
    ) {
      this.received.unmatched++;
      this.log.debug(
        { from: source.address, interface: source.interface, yourDiscriminator: packet.yourDiscriminator },
        'BFD packet for no session',
      );
      return;
    }
    this.run(peer, { type: 'packet', packet });
  }

  private run(peer: Peer, event: BfdSessionEvent): void {
    if (peer.closed) return;
    const { session, actions } = stepSession(peer.session, event, this.now(), this.random);
    peer.session = session;
    for (const action of actions) {
      if (action.type === 'send') {
        peer.sender?.send(encodeControlPacket(action.packet));
      } else if (action.type === 'state-change') {
        this.stateChanged(peer, action.from, action.to, action.diagnostic);
      } else {
        this.log.debug({ peer: peer.path.peer, reason: action.reason }, 'BFD packet discarded');
      }
    }
    this.schedule(peer);
  }

  private stateChanged(peer: Peer, from: BfdState, to: BfdState, diagnostic: number): void {
    const change: BfdStateChange = {
      path: peer.path,
      from: bfdStateName[from],
      to: bfdStateName[to],
      diagnostic: bfdDiagnosticName[diagnostic] ?? String(diagnostic),
    };
    this.log.info(
      {
        peer: peer.path.peer,
        interface: peer.path.interface,
        from: change.from,
        to: change.to,
        diagnostic: change.diagnostic,
      },
      'BFD session state',
    );
    for (const listener of this.listeners) listener(change);
    if (to === BfdState.Up) {
      for (const watcher of peer.watchers) {
        watcher.toldUp = true;
        watcher.onChange('up', 'BFD session up');
      }
    } else if (from === BfdState.Up) {
      // RFC 5882 §3.2: an administrative shutdown on either side is not a failure to report.
      const administrative = to === BfdState.AdminDown || peer.session.remoteSessionState === BfdState.AdminDown;
      if (administrative) return;
      for (const watcher of peer.watchers) {
        if (!watcher.toldUp) continue;
        watcher.toldUp = false;
        watcher.onChange('down', `BFD session down: ${change.diagnostic}`);
      }
    }
  }

  private schedule(peer: Peer): void {
    clearTimeout(peer.timer);
    peer.timer = undefined;
    if (peer.closed || !peer.sender) return;
    const wake = nextWakeup(peer.session);
    if (wake === undefined) return;
    const delay = Math.max(0, Math.ceil(wake - this.now()));
    peer.timer = setTimeout(() => this.run(peer, { type: 'timer' }), delay);
  }
}
