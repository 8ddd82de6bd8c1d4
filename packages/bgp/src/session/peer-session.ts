// One peer: binds the pure FSM, the codec and a transport's sockets (RFC 4271 §8), negotiates
// capabilities into codec contexts, resolves connection collisions (§6.8), exchanges routes with
// the RIB, sends End-of-RIB (RFC 4724 §2), answers ROUTE-REFRESH (RFC 2918) and acts as a graceful
// restart helper (RFC 4724 §4.2).
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createFsm, expiredTimer, nextDeadline, reconfigure, resolveCollision, step } from '../fsm/index.js';
import { CEASE_BFD_DOWN } from '../fsm/notification-codes.js';
import type { Fsm, FsmAction, FsmConfig, FsmEvent, SessionState } from '../fsm/types.js';
import type { BestPathChange, ExportBatch, RibManager } from '../rib/rib-manager.js';
import type { BgpTransport } from '../transport/types.js';
import { endOfRib, isEndOfRib } from '../wire/build.js';
import { negotiatedContext } from '../wire/context.js';
import { BgpDecodeError, CEASE_SUBCODE, NOTIFICATION_CODE, OPEN_ERROR_SUBCODE } from '../wire/errors.js';
import { MessageFramer } from '../wire/framer.js';
import { decodeMessage, encodeMessage } from '../wire/message.js';
import {
  AFI,
  DEFAULT_CODEC_CONTEXT,
  SAFI,
  familyKey,
  type Afi,
  type BgpMessage,
  type CodecContext,
  type OpenMessage,
  type UpdateMessage,
} from '../wire/types.js';
import type { Clock } from './clock.js';
import { DEFAULT_FAMILIES, type FamilyName, type PeerConfig } from './config.js';
import { exportUpdates } from './export-updates.js';
import { checkFirstAs, enforcesFirstAs } from './first-as.js';
import { attributeActions, type PathAttributeRules } from './path-attributes.js';
import { GracefulRestartHelper } from './graceful-restart.js';
import { UnsendableLog } from './unsendable-log.js';
import { buildOpen, checkPeerOpen, negotiatedFamilies, supportsRouteRefresh } from './open.js';

/** What a session needs from the speaker that owns it. */
export interface SessionHost {
  readonly localAs: number;
  readonly routerId: string;
  readonly transport: BgpTransport;
  readonly rib: RibManager;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The speaker-wide `pathAttributes` setting. */
  readonly pathAttributes?: PathAttributeRules;
  stateChanged(session: PeerSession, from: SessionState, to: SessionState, reason: string | undefined): void;
  routesChanged(changes: BestPathChange[]): void;
}

type Direction = 'outbound' | 'inbound';

/** One TCP connection with its own FSM; a peer has one, and a second one during a collision. */
class Connection {
  socket: Socket | undefined;
  direction: Direction = 'outbound';
  framer = new MessageFramer(() => this.decodeCtx);
  decodeCtx: CodecContext = DEFAULT_CODEC_CONTEXT;
  encodeCtx: CodecContext = DEFAULT_CODEC_CONTEXT;
  peerOpen: OpenMessage | undefined;
  families = new Set<Afi>();
  timer: unknown;
  /** Bumped to forget a pending connect() whose result is no longer wanted. */
  attempt = 0;
  /** Aborts the pending connect() (its socket is destroyed). */
  pendingConnect: AbortController | undefined;
  notificationSent = false;
  notificationReceived = false;
  constructor(public fsm: Fsm) {}
}

function fsmConfigOf(config: PeerConfig): Partial<FsmConfig> {
  const out: Partial<FsmConfig> = { passive: config.passive ?? false };
  if (config.holdTime !== undefined) out.holdTime = config.holdTime;
  if (config.keepaliveTime !== undefined) out.keepaliveTime = config.keepaliveTime;
  if (config.connectRetryTime !== undefined) out.connectRetryTime = config.connectRetryTime;
  if (config.idleHoldTime !== undefined) out.idleHoldTime = config.idleHoldTime;
  if (config.maxIdleHoldTime !== undefined) out.maxIdleHoldTime = config.maxIdleHoldTime;
  if (config.delayOpenTime !== undefined) out.delayOpenTime = config.delayOpenTime;
  return out;
}

const SESSION_STATES: SessionState[] = ['OpenSent', 'OpenConfirm', 'Established'];

export class PeerSession {
  private primary: Connection;
  private candidate: Connection | undefined;
  private readonly log: Logger;
  private stopLiveness: (() => void) | undefined;
  /** RFC 4724 helper; absent when graceful restart is off for this peer. */
  private gracefulRestart: GracefulRestartHelper | undefined;
  private readonly unsendableLog: UnsendableLog;
  msgRcvd = 0;
  msgSent = 0;
  connectionsEstablished = 0;
  connectionsDropped = 0;
  establishedAt: number | undefined;
  lastError: string | undefined;
  /** The last NOTIFICATION received, e.g. an RFC 9003 shutdown message. */
  lastNotificationReceived: { code: number; subcode: number; message?: string } | undefined;

  constructor(
    public config: PeerConfig,
    private readonly host: SessionHost,
  ) {
    this.primary = new Connection(createFsm(fsmConfigOf(config)));
    this.log = host.logger.child({ peer: config.address });
    this.unsendableLog = new UnsendableLog(this.log, host.clock);
    if (config.gracefulRestart !== false) this.gracefulRestart = this.newGracefulRestartHelper();
  }

  private newGracefulRestartHelper(): GracefulRestartHelper {
    return new GracefulRestartHelper(this.config.address, this.host.rib, this.host.clock, this.log, (changes) =>
      this.host.routesChanged(changes),
    );
  }

  get id(): string {
    return this.config.address;
  }

  get state(): SessionState {
    return this.primary.fsm.state;
  }

  /** Families negotiated on the Established session. */
  get families(): ReadonlySet<Afi> {
    return this.primary.families;
  }

  get peerRouterId(): string | undefined {
    return this.primary.peerOpen?.routerId;
  }

  get negotiatedHoldTime(): number | undefined {
    return this.primary.fsm.negotiatedHoldTime;
  }

  private get families_(): FamilyName[] {
    return this.config.families ?? DEFAULT_FAMILIES;
  }

  private watchLiveness(): void {
    if (this.config.liveness && !this.stopLiveness) {
      this.stopLiveness = this.config.liveness.watch(
        { peer: this.config.address, ...(this.config.localAddress ? { local: this.config.localAddress } : {}) },
        (state, reason) => this.livenessChanged(state, reason),
      );
    }
  }

  start(): void {
    this.watchLiveness();
    if (this.config.shutdown) return;
    this.dispatch(this.primary, { type: 'ManualStart' });
  }

  /** Administrative stop: Cease/Administrative Shutdown (or `subcode`) with an optional RFC 9003 message. */
  stop(message?: string, subcode?: number): void {
    for (const conn of [this.candidate, this.primary]) {
      if (conn) {
        this.dispatch(conn, {
          type: 'ManualStop',
          reason: message ?? 'administratively stopped',
          ...(message ? { shutdownMessage: message } : {}),
          ...(subcode !== undefined ? { subcode } : {}),
        });
      }
    }
  }

  /** Removes the peer for good: stop, stop watching liveness, cancel timers. */
  destroy(message?: string, subcode?: number): void {
    this.stop(message, subcode);
    this.stopLiveness?.();
    this.stopLiveness = undefined;
    for (const conn of [this.primary, this.candidate]) if (conn) this.host.clock.clearTimeout(conn.timer);
    this.gracefulRestart?.dispose();
  }

  /** Resets the session with a Cease NOTIFICATION (e.g. subcode 6, configuration change); it restarts after IdleHold. */
  reset(subcode: number, reason: string): void {
    for (const conn of [this.candidate, this.primary]) {
      if (conn && conn.fsm.state !== 'Idle') this.dispatch(conn, { type: 'AutomaticStop', reason, subcode });
    }
    if (this.primary.fsm.state === 'Idle' && this.primary.fsm.adminDown) this.start();
  }

  /** Applies new settings; timers and keys take effect on the next connection. */
  reconfigure(config: PeerConfig): void {
    const livenessChanged = config.liveness !== this.config.liveness;
    const pathAttributesChanged = JSON.stringify(config.pathAttributes) !== JSON.stringify(this.config.pathAttributes);
    if ((config.gracefulRestart !== false) !== (this.config.gracefulRestart !== false)) {
      this.gracefulRestart?.dispose();
      this.gracefulRestart = config.gracefulRestart !== false ? this.newGracefulRestartHelper() : undefined;
    }
    this.config = config;
    if (livenessChanged) {
      this.stopLiveness?.();
      this.stopLiveness = undefined;
      if (this.primary.fsm.state !== 'Idle' || this.primary.fsm.timers.idleHold !== undefined) this.watchLiveness();
    }
    this.primary.fsm = reconfigure(this.primary.fsm, fsmConfigOf(config));
    if (pathAttributesChanged) {
      // From the next UPDATE on; the routes already received are asked for again (RFC 2918).
      for (const conn of [this.primary, this.candidate]) {
        if (conn?.peerOpen) conn.decodeCtx = this.withAttributeActions(conn.decodeCtx);
      }
      this.requestRouteRefresh();
    }
  }

  /** The decode context with this peer's configured attribute handling (path-attributes.ts). */
  private withAttributeActions(ctx: CodecContext): CodecContext {
    const actions = attributeActions(this.config.pathAttributes, this.host.pathAttributes);
    const { attributeActions: _previous, ...rest } = ctx;
    return actions ? { ...rest, attributeActions: actions } : rest;
  }

  /** RFC 5882 §4.3: the liveness source saw the neighbour go down: tear the session down now. */
  private livenessChanged(state: 'up' | 'down', reason: string): void {
    this.log.info({ liveness: state, reason }, 'liveness source changed');
    if (state !== 'down') return;
    for (const conn of [this.candidate, this.primary]) {
      if (conn && conn.fsm.state !== 'Idle') {
        this.dispatch(conn, {
          type: 'AutomaticStop',
          reason: `liveness source down: ${reason}`,
          subcode: CEASE_BFD_DOWN,
        });
      }
    }
  }

  // ---- the FSM driver ----

  private dispatch(conn: Connection, event: FsmEvent): void {
    const from = conn.fsm.state;
    const { fsm, actions } = step(conn.fsm, event, this.host.clock.now());
    conn.fsm = fsm;
    for (const action of actions) this.perform(conn, action);
    this.schedule(conn);
    const to = conn.fsm.state;
    if (conn === this.candidate && to === 'Idle') {
      this.host.clock.clearTimeout(conn.timer);
      this.candidate = undefined;
    } else if (conn === this.primary && this.candidate && !SESSION_STATES.includes(to)) {
      // The primary connection failed while a second one is under way: that one carries on (§6.8).
      this.host.clock.clearTimeout(conn.timer);
      this.primary = this.candidate;
      this.candidate = undefined;
      // The second connection's machine ran without automatic restart; as the peer's machine it restarts.
      this.primary.fsm = reconfigure(this.primary.fsm, { ...fsmConfigOf(this.config), allowAutomaticStart: true });
      this.notify(from, this.primary.fsm.state);
      return;
    }
    if (
      conn === this.candidate &&
      (to === 'OpenConfirm' || to === 'Established') &&
      !SESSION_STATES.includes(this.primary.fsm.state)
    ) {
      // The peer's connection got its OPEN through while ours is still only an attempt (Connect/Active, e.g. a SYN
      // the peer's TCP-MD5 drops): nothing to collide with (§6.8), so the attempt is abandoned and this one is the session.
      const abandoned = this.primary;
      const previous = abandoned.fsm.state;
      this.host.clock.clearTimeout(abandoned.timer);
      this.drop(abandoned);
      this.primary = conn;
      this.candidate = undefined;
      conn.fsm = reconfigure(conn.fsm, { ...fsmConfigOf(this.config), allowAutomaticStart: true });
      this.notify(previous, conn.fsm.state);
      return;
    }
    if (conn === this.primary && from !== to) this.notify(from, to);
  }

  private notify(from: SessionState, to: SessionState): void {
    if (from === to) return;
    if (to === 'Idle') this.lastError = this.primary.fsm.lastError;
    this.log.info({ from, to, reason: to === 'Idle' ? this.primary.fsm.lastError : undefined }, 'session state');
    this.host.stateChanged(this, from, to, to === 'Idle' ? this.primary.fsm.lastError : undefined);
  }

  private schedule(conn: Connection): void {
    this.host.clock.clearTimeout(conn.timer);
    conn.timer = undefined;
    const deadline = nextDeadline(conn.fsm);
    if (deadline === undefined) return;
    conn.timer = this.host.clock.setTimeout(
      () => {
        conn.timer = undefined;
        const event = expiredTimer(conn.fsm, this.host.clock.now());
        if (event) this.dispatch(conn, event);
        else this.schedule(conn);
      },
      Math.max(0, deadline - this.host.clock.now()),
    );
  }

  private perform(conn: Connection, action: FsmAction): void {
    switch (action.type) {
      case 'connect':
        this.connect(conn);
        return;
      case 'drop-connection':
        this.drop(conn);
        return;
      case 'send-open':
        this.write(conn, [encodeMessage(this.ourOpen(), DEFAULT_CODEC_CONTEXT)]);
        return;
      case 'send-keepalive':
        this.write(conn, [encodeMessage({ type: 4 }, conn.encodeCtx)]);
        return;
      case 'send-notification': {
        const message: BgpMessage = {
          type: 3,
          code: action.code,
          subcode: action.subcode,
          data: action.data ?? new Uint8Array(0),
          ...(action.shutdownMessage ? { message: action.shutdownMessage } : {}),
        };
        this.log.warn(
          { code: action.code, subcode: action.subcode, message: action.shutdownMessage },
          'sending NOTIFICATION',
        );
        this.write(conn, [encodeMessage(message, conn.encodeCtx)]);
        conn.notificationSent = true;
        return;
      }
      case 'established':
        this.established(conn);
        return;
      case 'release':
        if (action.deleteRoutes && conn === this.primary) this.sessionLost(conn);
        return;
    }
  }

  private ourOpen(): OpenMessage {
    return buildOpen({
      localAs: this.host.localAs,
      routerId: this.host.routerId,
      holdTime: this.primary.fsm.config.holdTime,
      families: this.families_,
      gracefulRestart: this.config.gracefulRestart !== false,
      extendedNextHop:
        this.config.extendedNextHop !== false && this.config.address.includes(':') && !this.config.nextHopIpv4,
    });
  }

  private connect(conn: Connection): void {
    const attempt = ++conn.attempt;
    conn.pendingConnect?.abort();
    const pending = new AbortController();
    conn.pendingConnect = pending;
    this.host.transport.connect(this.config.address, pending.signal).then(
      (socket) => {
        if (
          attempt !== conn.attempt ||
          conn.fsm.state !== 'Connect' ||
          (conn !== this.primary && conn !== this.candidate)
        ) {
          socket.destroy();
          return;
        }
        this.attach(conn, socket, 'outbound');
        this.dispatch(conn, { type: 'Tcp_CR_Acked' });
      },
      (error: Error) => {
        if (attempt !== conn.attempt || conn.fsm.state !== 'Connect') return;
        this.dispatch(conn, { type: 'TcpConnectionFails', reason: error.message });
      },
    );
  }

  private attach(conn: Connection, socket: Socket, direction: Direction): void {
    conn.socket = socket;
    conn.direction = direction;
    conn.framer = new MessageFramer(() => conn.decodeCtx);
    conn.decodeCtx = DEFAULT_CODEC_CONTEXT;
    conn.encodeCtx = DEFAULT_CODEC_CONTEXT;
    conn.peerOpen = undefined;
    conn.notificationSent = false;
    conn.notificationReceived = false;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (conn.socket === socket) this.receive(conn, chunk);
    });
    const gone = (why: string) => {
      if (conn.socket !== socket) return;
      this.dispatch(conn, { type: 'TcpConnectionFails', reason: why });
    };
    socket.on('error', (error) => gone(error.message));
    socket.on('close', () => gone('connection closed by peer'));
  }

  private drop(conn: Connection): void {
    conn.attempt++;
    conn.pendingConnect?.abort();
    conn.pendingConnect = undefined;
    const socket = conn.socket;
    if (!socket) return;
    conn.socket = undefined;
    if (conn.notificationSent) {
      // Let the NOTIFICATION leave before the FIN; do not wait for the peer beyond a moment.
      socket.end();
      const handle = setTimeout(() => socket.destroy(), 2000);
      handle.unref();
    } else {
      socket.destroy();
    }
  }

  private write(conn: Connection, messages: Uint8Array[]): void {
    const socket = conn.socket;
    if (!socket || messages.length === 0) return;
    this.msgSent += messages.length;
    if (messages.length === 1) socket.write(messages[0]!);
    else socket.write(Buffer.concat(messages));
  }

  /** Accepts an incoming connection from this peer (RFC 4271 §8.2.2 Events 14-17, §6.8). */
  acceptInbound(socket: Socket): void {
    const primary = this.primary;
    switch (primary.fsm.state) {
      case 'Idle':
      case 'Established':
        // Idle refuses connections; a collision with an Established session closes the new one (§6.8).
        this.log.info({ state: primary.fsm.state }, 'refused an incoming connection');
        socket.destroy();
        return;
      case 'Active':
        // No attempt of ours is under way: the peer's connection becomes the session's.
        this.drop(primary);
        this.attach(primary, socket, 'inbound');
        this.dispatch(primary, { type: 'TcpConnectionConfirmed' });
        return;
      // Connect: our own attempt is under way. Dropping it for the incoming one loses both when the peer does
      // the same (a simultaneous open); keep both until the OPENs say which one §6.8 keeps.
      case 'Connect':
      default: {
        if (this.candidate) {
          socket.destroy();
          return;
        }
        const candidate = new Connection(createFsm({ ...fsmConfigOf(this.config), allowAutomaticStart: false }));
        this.candidate = candidate;
        this.dispatch(candidate, { type: 'ManualStart_with_PassiveTcpEstablishment' });
        this.attach(candidate, socket, 'inbound');
        this.dispatch(candidate, { type: 'TcpConnectionConfirmed' });
      }
    }
  }

  // ---- messages in ----

  private receive(conn: Connection, chunk: Buffer): void {
    let messages: Uint8Array[];
    try {
      messages = conn.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof BgpDecodeError)) throw error;
      this.dispatch(conn, { type: 'BGPHeaderErr', code: error.code, subcode: error.subcode, data: error.data });
      return;
    }
    for (const bytes of messages) {
      if (conn.socket === undefined) return; // dropped by an earlier message
      this.msgRcvd++;
      this.handle(conn, bytes);
    }
  }

  private handle(conn: Connection, bytes: Uint8Array): void {
    let message: BgpMessage;
    try {
      message = decodeMessage(bytes, conn.decodeCtx);
      if (message.type === 1)
        checkPeerOpen(message, {
          remoteAs: this.config.remoteAs,
          localAs: this.host.localAs,
          routerId: this.host.routerId,
        });
    } catch (error) {
      if (!(error instanceof BgpDecodeError)) throw error;
      const type = bytes[18];
      const event = type === 1 ? 'BGPOpenMsgErr' : type === 2 ? 'UpdateMsgErr' : 'BGPHeaderErr';
      this.log.warn({ code: error.code, subcode: error.subcode, error: error.message }, 'malformed message');
      this.dispatch(conn, { type: event, code: error.code, subcode: error.subcode, data: error.data });
      return;
    }
    switch (message.type) {
      case 1:
        this.receiveOpen(conn, message);
        return;
      case 2:
        this.dispatch(conn, { type: 'UpdateMsg' });
        if (conn.fsm.state === 'Established') this.receiveUpdate(message);
        return;
      case 3:
        conn.notificationReceived = true;
        this.lastNotificationReceived = {
          code: message.code,
          subcode: message.subcode,
          ...(message.message ? { message: message.message } : {}),
        };
        this.log.warn(this.lastNotificationReceived, 'NOTIFICATION received');
        if (
          message.code === NOTIFICATION_CODE.OPEN_MESSAGE &&
          message.subcode === OPEN_ERROR_SUBCODE.UNSUPPORTED_VERSION_NUMBER
        ) {
          this.dispatch(conn, { type: 'NotifMsgVerErr' });
        } else {
          this.dispatch(conn, {
            type: 'NotifMsg',
            code: message.code,
            subcode: message.subcode,
            ...(message.message ? { message: message.message } : {}),
          });
        }
        return;
      case 4:
        this.dispatch(conn, { type: 'KeepAliveMsg' });
        return;
      case 5:
        this.dispatch(conn, { type: 'RouteRefreshMsg' });
        // RFC 2918 §4: re-advertise the Adj-RIB-Out of the family.
        if (conn.fsm.state === 'Established' && conn.families.has(message.afi) && message.subtype === 0) {
          this.log.info({ afi: message.afi }, 'ROUTE-REFRESH received: re-advertising');
          this.sendExport(this.host.rib.fullExport(this.id), message.afi);
        }
        return;
    }
  }

  private receiveOpen(conn: Connection, open: OpenMessage): void {
    // An OPEN is expected in OpenSent, or in Connect/Active while the DelayOpenTimer runs (Event 20).
    const delayed =
      (conn.fsm.state === 'Connect' || conn.fsm.state === 'Active') && conn.fsm.timers.delayOpen !== undefined;
    if (conn.fsm.state !== 'OpenSent' && !delayed) {
      this.dispatch(conn, { type: 'BGPOpen', holdTime: open.holdTime });
      return;
    }
    conn.peerOpen = open;
    const ours = this.ourOpen();
    conn.decodeCtx = this.withAttributeActions(negotiatedContext(open, ours));
    conn.encodeCtx = negotiatedContext(ours, open);
    conn.families = negotiatedFamilies(this.families_, open);
    // §6.8 collision detection: the other connection to this peer, if it got as far as OpenSent.
    const other = conn === this.primary ? this.candidate : this.primary;
    if (other && other !== conn) {
      if (other.fsm.state === 'Established') {
        this.dispatch(conn, { type: 'OpenCollisionDump' });
        return;
      }
      if (other.fsm.state === 'OpenSent' || other.fsm.state === 'OpenConfirm') {
        const winner =
          resolveCollision(this.host.routerId, open.routerId) === 'locally-initiated' ? 'outbound' : 'inbound';
        const loser = conn.direction === winner ? other : conn;
        this.log.info({ kept: winner, peerRouterId: open.routerId }, 'connection collision resolved (RFC 4271 §6.8)');
        this.dispatch(loser, { type: 'OpenCollisionDump' });
        if (loser === conn) return;
      }
    }
    this.dispatch(conn, { type: 'BGPOpen', holdTime: open.holdTime });
  }

  // ---- routes ----

  private nextHopSelf(conn: Connection): { ipv4?: string; ipv6?: string } {
    const local = conn.socket?.localAddress?.replace(/^::ffff:/, '');
    const isV6 = local?.includes(':');
    // RFC 8950 §4: with extended next hop negotiated, IPv4 routes carry our IPv6 address.
    const extended = isV6 && conn.encodeCtx.extendedNextHop.has(familyKey(AFI.IPV4, SAFI.UNICAST));
    const ipv4 = isV6
      ? (this.config.nextHopIpv4 ?? (extended ? local : undefined))
      : (local ?? this.config.nextHopIpv4);
    const ipv6 = isV6 ? local : this.config.nextHopIpv6;
    return { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) };
  }

  private established(conn: Connection): void {
    this.connectionsEstablished++;
    this.establishedAt = this.host.clock.now();
    this.lastError = undefined;
    const open = conn.peerOpen!;
    const rib = this.host.rib;
    this.gracefulRestart?.established(open, conn.families);
    rib.peerUp(this.id, { routerId: open.routerId, nextHopSelf: this.nextHopSelf(conn) });
    this.sendExport(rib.fullExport(this.id));
    // RFC 4724 §2: End-of-RIB after the initial update, per family.
    this.write(
      conn,
      [...conn.families].map((afi) => endOfRib({ afi, safi: SAFI.UNICAST }, conn.encodeCtx)),
    );
  }

  private sessionLost(conn: Connection): void {
    this.connectionsDropped++;
    this.establishedAt = undefined;
    if (this.gracefulRestart)
      this.gracefulRestart.sessionLost(
        conn.peerOpen!,
        conn.families,
        conn.notificationReceived || conn.notificationSent,
      );
    else this.host.routesChanged(this.host.rib.peerDown(this.id));
  }

  private receiveUpdate(update: UpdateMessage): void {
    const eor = isEndOfRib(update);
    if (eor) {
      this.log.debug({ afi: eor.afi }, 'End-of-RIB received');
      this.gracefulRestart?.endOfRib(eor.afi);
      return;
    }
    if (enforcesFirstAs(this.config, this.host.localAs)) checkFirstAs(update, this.config.remoteAs);
    if (update.treatAsWithdraw)
      this.log.warn(update.treatAsWithdraw, 'malformed UPDATE treated as withdraw (RFC 7606)');
    const result = this.host.rib.updateFromPeer(this.id, update);
    this.host.routesChanged(result.changes);
    const exceeded = result.maxPrefixExceeded;
    if (exceeded) {
      // RFC 4486 §4: Cease, subcode 1, data AFI (2), SAFI (1), upper bound (4).
      const data = new Uint8Array(7);
      const view = new DataView(data.buffer);
      view.setUint16(0, exceeded.afi);
      view.setUint8(2, exceeded.safi);
      view.setUint32(3, exceeded.limit);
      this.dispatch(this.primary, {
        type: 'AutomaticStop',
        reason: `maximum prefixes ${exceeded.limit} exceeded (${exceeded.accepted})`,
        subcode: CEASE_SUBCODE.MAXIMUM_PREFIXES_REACHED,
        data,
      });
    }
  }

  /** Asks the peer to send its routes again (RFC 2918), e.g. after the import policy changed. */
  requestRouteRefresh(): boolean {
    const conn = this.primary;
    if (conn.fsm.state !== 'Established' || !conn.peerOpen || !supportsRouteRefresh(conn.peerOpen)) return false;
    this.write(
      conn,
      [...conn.families].map((afi) => encodeMessage({ type: 5, afi, subtype: 0, safi: SAFI.UNICAST }, conn.encodeCtx)),
    );
    return true;
  }

  /** Sends what the RIB says this peer should now get (families not negotiated are left out). */
  sendExport(batch: ExportBatch, onlyAfi?: Afi): void {
    const conn = this.primary;
    if (conn.fsm.state !== 'Established') return;
    const wanted = (afi: Afi) => conn.families.has(afi) && (onlyAfi === undefined || afi === onlyAfi);
    try {
      const { messages, unsendable } = exportUpdates(batch, wanted, conn.encodeCtx);
      if (unsendable.length > 0) {
        this.unsendableLog.report(unsendable);
        for (const { group } of unsendable) this.host.rib.markUnsendable(this.id, group.nlri);
      }
      this.write(conn, messages);
    } catch (error) {
      // Nothing in the export path may end the process; what was not sent is sent by the next full export.
      this.log.error({ error: error instanceof Error ? error.message : String(error) }, 'export to the peer failed');
    }
  }
}
