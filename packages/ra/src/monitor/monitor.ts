import { EventEmitter } from 'node:events';
import { Icmpv6Socket, type ReceivedPacket } from '../transport/icmpv6-socket.js';
import { NdDecodeError } from '../wire/errors.js';
import { IcmpType, decodeMessage } from '../wire/messages.js';
import type { LinkState } from '../transport/links.js';
import { LinkWatcher } from '../transport/links.js';
import type { ObservedAdvertisement } from './format.js';

export interface MonitorEvents {
  advertisement: [ObservedAdvertisement];
  /** A packet that is not a valid RA (the decoder's reason). */
  malformed: [{ interface: string; source: string; error: NdDecodeError }];
}

/**
 * Listens for Router Advertisements on the interfaces of the caller's network namespace (all of them, or
 * only `interfaces`) and decodes each one, like radvdump. RAs go to ff02::1, which every IPv6 interface
 * has joined, so no membership is needed.
 */
export class RaMonitor extends EventEmitter<MonitorEvents> {
  private socket: Icmpv6Socket | undefined;
  private watcher: LinkWatcher | undefined;
  private names = new Map<number, string>();

  constructor(private readonly interfaces: string[] = []) {
    super();
  }

  async start(): Promise<void> {
    this.socket = new Icmpv6Socket({ receiveTypes: [IcmpType.RouterAdvertisement], multicastLoop: true });
    const { watcher, links } = await LinkWatcher.open((next) => this.index(next));
    this.watcher = watcher;
    this.index(links);
    this.socket.receive((packet) => this.onPacket(packet));
  }

  private index(links: Map<string, LinkState>): void {
    this.names = new Map([...links.values()].map((l) => [l.ifindex, l.name]));
  }

  private onPacket(packet: ReceivedPacket): void {
    const name = this.names.get(packet.ifindex) ?? `ifindex ${packet.ifindex}`;
    if (this.interfaces.length > 0 && !this.interfaces.includes(name)) return;
    try {
      const message = decodeMessage(packet.bytes);
      if (message.type !== 'router-advertisement') return;
      this.emit('advertisement', {
        interface: name,
        source: packet.source,
        destination: packet.destination,
        hopLimit: packet.hopLimit,
        message,
      });
    } catch (error) {
      if (!(error instanceof NdDecodeError)) throw error;
      this.emit('malformed', { interface: name, source: packet.source, error });
    }
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    await this.socket?.close();
    this.socket = undefined;
    this.watcher = undefined;
  }
}
