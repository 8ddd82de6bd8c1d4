import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { RepeatedErrorLog, SyscallError, formatPath } from '@cairn/sys';
import { configWarnings } from './advertiser/config-warnings.js';
import { type InterfaceConfig, type ResolvedInterfaceConfig, resolveConfig } from './advertiser/config.js';
import { UNICAST_REFUSED_HOLDOFF } from './advertiser/constants.js';
import {
  ALL_NODES,
  type InterfaceAction,
  type InterfaceEvent,
  type InterfaceState,
  type Random,
  initialState,
  nextWakeAt,
  step,
} from './advertiser/machine.js';
import { type Clock, systemClock } from './clock.js';
import { AllNodesNeighbours } from './transport/all-nodes-neighbour.js';
import { Icmpv6Socket, type ReceivedPacket } from './transport/icmpv6-socket.js';
import { type LinkState, LinkWatcher } from './transport/links.js';
import { NdDecodeError } from './wire/errors.js';
import { IcmpType, type RouterAdvertisement, decodeMessage, encodeMessage } from './wire/messages.js';

const ALL_ROUTERS = 'ff02::2';

export interface RaAdvertiserOptions {
  interfaces: InterfaceConfig[];
  logger: Logger;
  clock?: Clock;
  /** Values in [0, 1) for the RFC 4861 random intervals and delays (default Math.random). */
  random?: Random;
  /**
   * ff02::2 memberships per socket. Each join costs socket option memory (`net.core.optmem_max`,
   * 20 KiB on many kernels ≈ 300 groups), so memberships are spread over sockets of this many (default 100).
   */
  groupsPerSocket?: number;
}

/** Per-interface counters. */
export interface InterfaceCounters {
  sent: { unsolicited: number; solicited: number; final: number };
  sendErrors: number;
  solicitationsReceived: number;
  advertisementsReceived: number;
  discarded: number;
  inconsistencies: number;
}

export interface AdvertiserEvents {
  /** An RA went out. */
  sent: [{ interface: string; destination: string; reason: string }];
  /** RFC 4861 §6.2.7: another router advertises something else. */
  inconsistent: [{ interface: string; source: string; field: string; ours: unknown; theirs: unknown }];
}

interface InterfaceRecord {
  state: InterfaceState;
  timer: unknown;
  /** When `timer` fires (so an unchanged wake-up keeps its timer). */
  timerAt: number | undefined;
  link: LinkState | undefined;
  /** What identifies the link as we last saw it usable (ifindex, MAC, link-local addresses). */
  identity: string | undefined;
  /** Whether the interface existed at the last link snapshot (undefined before the first one). */
  exists: boolean | undefined;
  counters: InterfaceCounters;
}

const newCounters = (): InterfaceCounters => ({
  sent: { unsolicited: 0, solicited: 0, final: 0 },
  sendErrors: 0,
  solicitationsReceived: 0,
  advertisementsReceived: 0,
  discarded: 0,
  inconsistencies: 0,
});

/**
 * An RFC 4861 router-advertisement daemon for a set of interfaces in the caller's network namespace:
 * one pure state machine per interface, one raw ICMPv6 socket for sending and receiving, a few more for
 * ff02::2 memberships, and rtnetlink to follow links going down and up and link-local addresses changing.
 *
 * ```ts
 * const ra = new RaAdvertiser({ logger, interfaces: [{ name: 'eth1', prefixes: [{ prefix: '2001:db8:1::/64' }] }] });
 * await ra.start();
 * await ra.reconfigure([...]);   // removed prefixes are deprecated, unchanged interfaces see nothing
 * await ra.stop();               // final RAs with router lifetime 0
 * ```
 */
export class RaAdvertiser extends EventEmitter<AdvertiserEvents> {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly groupsPerSocket: number;
  private readonly records = new Map<string, InterfaceRecord>();
  private socket: Icmpv6Socket | undefined;
  private readonly membershipSockets: { socket: Icmpv6Socket; groups: number }[] = [];
  /** ifindex → the membership socket that joined ff02::2 there. */
  private readonly memberships = new Map<number, { socket: Icmpv6Socket; groups: number }>();
  private watcher: LinkWatcher | undefined;
  private neighbours: AllNodesNeighbours | undefined;
  private links = new Map<string, LinkState>();
  private byIndex = new Map<number, string>();
  private running = false;
  private readonly encoded = new WeakMap<RouterAdvertisement, Uint8Array>();
  /** Failures repeat under a flood: one line per kind and interval, with a count, no stack. */
  private readonly repeatedErrors: RepeatedErrorLog;

  constructor(options: RaAdvertiserOptions) {
    super();
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.groupsPerSocket = options.groupsPerSocket ?? 100;
    this.repeatedErrors = new RepeatedErrorLog(this.logger);
    const resolved = resolveConfig(options.interfaces);
    this.warnAbout(resolved);
    for (const config of resolved) this.records.set(config.name, this.newRecord(config));
  }

  /** What radvd would load with a complaint is logged, one line per warning (see config-warnings.ts). */
  private warnAbout(interfaces: ResolvedInterfaceConfig[]): void {
    interfaces.forEach((config, index) => {
      for (const warning of configWarnings(config)) {
        const path = formatPath(['interfaces', index, ...warning.path]);
        this.logger.warn({ interface: config.name, path }, `${path}: ${warning.message}`);
      }
    });
  }

  private newRecord(config: ResolvedInterfaceConfig): InterfaceRecord {
    return {
      state: initialState(config),
      timer: undefined,
      timerAt: undefined,
      link: undefined,
      identity: undefined,
      exists: undefined,
      counters: newCounters(),
    };
  }

  /** Opens the sockets in the caller's network namespace and starts advertising on the links that are up. */
  async start(): Promise<void> {
    if (this.running) return;
    this.socket = new Icmpv6Socket({ receiveTypes: [IcmpType.RouterSolicitation, IcmpType.RouterAdvertisement] });
    try {
      this.socket.receive((packet) => this.onPacket(packet));
      // Sockets belong to the namespace of the thread that creates them: make the membership shards now.
      for (let i = 0; i < Math.max(1, Math.ceil(this.records.size / this.groupsPerSocket)); i++)
        this.addMembershipShard();
      this.neighbours = new AllNodesNeighbours((ifindex, error) => {
        const text =
          'could not pin the ff02::1 neighbour entry; multicast RAs may fail while the neighbour table is full';
        this.logger.warn({ ifindex, error: (error as Error).message }, text);
      });
    } catch (error) {
      await this.closeSockets();
      throw error;
    }
    let opened;
    try {
      opened = await LinkWatcher.open((next) => this.onLinks(next));
    } catch (error) {
      await this.closeSockets();
      throw error;
    }
    const { watcher, links } = opened;
    this.watcher = watcher;
    this.running = true;
    this.onLinks(links);
    this.logger.info({ interfaces: [...this.records.keys()].length }, 'router advertisements started');
  }

  /**
   * Applies a new configuration. Interfaces that left get final RAs (RFC 4861 §6.2.5); removed prefixes,
   * routes and DNS entries are withdrawn with zero lifetimes; an unchanged interface sends nothing extra.
   * Throws `ConfigError` (and changes nothing) when the configuration is invalid. Call it from the
   * advertiser's network namespace when it adds interfaces (new membership sockets may be needed).
   */
  reconfigure(interfaces: InterfaceConfig[]): void {
    const resolved = resolveConfig(interfaces);
    this.warnAbout(resolved);
    const names = new Set(resolved.map((c) => c.name));
    for (const [name, record] of this.records) {
      if (names.has(name)) continue;
      this.apply(name, record, { type: 'shutdown' });
      this.clock.clearTimeout(record.timer);
      this.records.delete(name);
      if (record.link) {
        this.leave(record.link.ifindex);
        this.neighbours?.release(record.link.ifindex);
      }
    }
    for (const config of resolved) {
      const record = this.records.get(config.name);
      if (record) this.apply(config.name, record, { type: 'reconfigure', config });
      else this.records.set(config.name, this.newRecord(config));
    }
    if (this.running) this.onLinks(this.links);
  }

  /** Sends final RAs on every advertising interface, then closes the sockets. */
  async stop(): Promise<void> {
    for (const [name, record] of this.records) {
      this.apply(name, record, { type: 'shutdown' });
      this.clock.clearTimeout(record.timer);
      record.timer = undefined;
      record.timerAt = undefined;
      record.identity = undefined;
    }
    this.repeatedErrors.flush();
    this.running = false;
    await this.watcher?.close();
    this.watcher = undefined;
    await this.closeSockets();
    this.logger.info('router advertisements stopped');
  }

  private async closeSockets(): Promise<void> {
    await this.neighbours?.close();
    this.neighbours = undefined;
    await Promise.all([this.socket?.close(), ...this.membershipSockets.map((m) => m.socket.close())]);
    this.socket = undefined;
    this.membershipSockets.length = 0;
    this.memberships.clear();
  }

  /** Counters per configured interface. */
  counters(): Record<string, InterfaceCounters> {
    return Object.fromEntries([...this.records].map(([name, record]) => [name, structuredClone(record.counters)]));
  }

  /** The state machine of one interface (for inspection and tests). */
  interfaceState(name: string): InterfaceState | undefined {
    return this.records.get(name)?.state;
  }

  private onLinks(links: Map<string, LinkState>): void {
    this.links = links;
    this.byIndex = new Map([...links.values()].map((l) => [l.ifindex, l.name]));
    if (!this.running) return;
    for (const [name, record] of this.records) {
      const link = links.get(name);
      this.noticeExistence(name, record, link !== undefined);
      const usable = link !== undefined && link.up && link.linkLocal.length > 0;
      const identity = usable ? `${link.ifindex} ${link.linkLayerAddress} ${link.linkLocal.join(',')}` : undefined;
      if (identity === record.identity) continue;
      record.link = link;
      record.identity = identity;
      if (usable) {
        this.join(link.ifindex);
        if (link.linkLayerAddress !== undefined) this.neighbours?.pin(link.ifindex);
        // RFC 4861 §6.2.4: becoming an advertising interface (or a new link-local address) starts afresh.
        this.apply(name, record, { type: 'link-up', linkLayerAddress: link.linkLayerAddress });
        this.logger.debug(
          { interface: name, ifindex: link.ifindex, linkLocal: link.linkLocal },
          'interface advertising',
        );
      } else if (record.state.advertising) {
        this.apply(name, record, { type: 'link-down' });
        this.logger.info({ interface: name }, 'interface down or without link-local address: not advertising');
      }
    }
  }

  /**
   * Like radvd, an interface that does not exist is not an error (it may be created later: a VLAN, a VXLAN),
   * but it is never silent: a warning when it is missing, a line when it appears and advertising starts.
   */
  private noticeExistence(name: string, record: InterfaceRecord, exists: boolean): void {
    if (record.exists === exists) return;
    const before = record.exists;
    record.exists = exists;
    if (!exists) {
      this.logger.warn({ interface: name }, `interface ${name} does not exist; advertising starts when it appears`);
    } else if (before === false) this.logger.info({ interface: name }, `interface ${name} appeared`);
  }

  /** Joins ff02::2 on the interface so solicitations reach us even when forwarding is off there. */
  private join(ifindex: number): void {
    if (this.memberships.has(ifindex)) return;
    let shard = this.membershipSockets.find((m) => m.groups < this.groupsPerSocket);
    shard ??= this.addMembershipShard();
    try {
      shard.socket.membership(true, ALL_ROUTERS, ifindex);
      shard.groups++;
      this.memberships.set(ifindex, shard);
    } catch (error) {
      this.logger.warn(
        { ifindex, err: error },
        'could not join ff02::2; solicitations arrive only if forwarding is on',
      );
    }
  }

  /** Drops the ff02::2 membership of an interface that left the configuration. */
  private leave(ifindex: number): void {
    const shard = this.memberships.get(ifindex);
    if (!shard) return;
    this.memberships.delete(ifindex);
    shard.groups--;
    try {
      shard.socket.membership(false, ALL_ROUTERS, ifindex);
    } catch {
      // The interface is already gone, and its membership with it.
    }
  }

  /** A socket that only holds group memberships: ICMP6_FILTER blocks every type, so nothing queues on it. */
  private addMembershipShard(): { socket: Icmpv6Socket; groups: number } {
    const shard = { socket: new Icmpv6Socket({ receiveTypes: [] }), groups: 0 };
    this.membershipSockets.push(shard);
    return shard;
  }

  private onPacket(packet: ReceivedPacket): void {
    const name = this.byIndex.get(packet.ifindex);
    const record = name === undefined ? undefined : this.records.get(name);
    if (name === undefined || record === undefined) return;
    let message;
    try {
      message = decodeMessage(packet.bytes);
    } catch (error) {
      record.counters.discarded++;
      // Only NdDecodeError is expected (fuzz-tested); anything else is a bug, reported, never thrown out of
      // the receive signal handler, where it would end the process.
      if (!(error instanceof NdDecodeError)) {
        const text = 'decoding a received packet failed (a bug in the codec)';
        this.repeatedErrors.report(`${name} decode`, text, error, { interface: name });
        return;
      }
      this.logger.debug(
        { interface: name, source: packet.source, reason: error.reason, err: error.message },
        'discarded malformed packet',
      );
      return;
    }
    const base = { source: packet.source, hopLimit: packet.hopLimit };
    if (message.type === 'router-solicitation') {
      record.counters.solicitationsReceived++;
      this.apply(name, record, { type: 'solicitation', ...base, message });
    } else {
      record.counters.advertisementsReceived++;
      this.apply(name, record, { type: 'advertisement', ...base, message });
    }
  }

  private apply(name: string, record: InterfaceRecord, event: InterfaceEvent): void {
    let next: InterfaceEvent | undefined = event;
    // Work that is already due (a solicitation answered with no delay) runs now, not a timer tick later.
    for (let round = 0; next !== undefined && round < 4; round++) {
      const now = this.clock.now();
      const { state, actions } = step(record.state, next, now, this.random);
      record.state = state;
      let refused: string | undefined;
      for (const action of actions) {
        const done = this.perform(name, record, action);
        if (!done && action.type === 'send' && action.destination !== ALL_NODES) refused = action.destination;
      }
      const wake = nextWakeAt(state);
      if (refused !== undefined) next = { type: 'unicast-refused', destination: refused };
      else next = this.running && wake !== undefined && wake <= now ? { type: 'timer' } : undefined;
    }
    this.schedule(name, record);
  }

  /** Carries out one action of the machine; false when the kernel refused to send. */
  private perform(name: string, record: InterfaceRecord, action: InterfaceAction): boolean {
    switch (action.type) {
      case 'send': {
        const ifindex = record.link?.ifindex;
        if (!this.socket || ifindex === undefined) return true;
        try {
          this.socket.send(this.encode(action.message), action.destination, ifindex);
        } catch (error) {
          record.counters.sendErrors++;
          this.reportSendFailure(name, action, error);
          return false;
        }
        record.counters.sent[action.reason]++;
        this.emit('sent', { interface: name, destination: action.destination, reason: action.reason });
        return true;
      }
      case 'discard':
        record.counters.discarded++;
        this.logger.debug(
          { interface: name, source: action.source, reason: action.reason },
          `discarded ${action.what}`,
        );
        return true;
      case 'inconsistent':
        record.counters.inconsistencies++;
        this.logger.warn(
          { interface: name, source: action.source, field: action.field, ours: action.ours, theirs: action.theirs },
          'another router advertises inconsistent information (RFC 4861 §6.2.7)',
        );
        this.emit('inconsistent', {
          interface: name,
          source: action.source,
          field: action.field,
          ours: action.ours,
          theirs: action.theirs,
        });
        return true;
    }
  }

  private reportSendFailure(name: string, action: Extract<InterfaceAction, { type: 'send' }>, error: unknown): void {
    const unicast = action.destination !== ALL_NODES;
    const code = error instanceof SyscallError ? error.errno : 'other';
    const message = unicast
      ? `sending a unicast RA failed; answering solicitations by multicast for ${UNICAST_REFUSED_HOLDOFF / 1000} s`
      : 'sending RA failed';
    const fields = { interface: name, destination: action.destination };
    this.repeatedErrors.report(`${name} ${unicast ? 'unicast' : 'multicast'} ${code}`, message, error, fields);
  }

  /** Encodes an RA once: the machine hands out the same message object while nothing changes. */
  private encode(message: RouterAdvertisement): Uint8Array {
    let bytes = this.encoded.get(message);
    if (!bytes) {
      bytes = encodeMessage(message);
      this.encoded.set(message, bytes);
    }
    return bytes;
  }

  private schedule(name: string, record: InterfaceRecord): void {
    const wake = this.running ? nextWakeAt(record.state) : undefined;
    // A flood of solicitations leaves the wake-up time as it was most of the time: keep that timer.
    if (wake === record.timerAt && (wake === undefined || record.timer !== undefined)) return;
    this.clock.clearTimeout(record.timer);
    record.timer = undefined;
    record.timerAt = wake;
    if (wake === undefined) return;
    record.timer = this.clock.setTimeout(
      () => {
        record.timer = undefined;
        record.timerAt = undefined;
        if (this.records.get(name) === record) this.apply(name, record, { type: 'timer' });
      },
      Math.max(0, wake - this.clock.now()),
    );
  }
}
