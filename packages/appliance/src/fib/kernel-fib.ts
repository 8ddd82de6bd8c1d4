import { type RtNetlinkSocket, createRtNetlink, rt } from 'netlink';
import { diffFib, type FibChanges } from './fib-diff.js';
import { addressBytes, type FibNextHop, type FibRoute, formatAddress, parsePrefix } from './route.js';

/** rtnetlink constants (linux/rtnetlink.h, linux/netlink.h). */
const RTPROT_BGP = 186;
const RT_TABLE_MAIN = 254;
const RTA_GATEWAY = 5;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const AF_INET = 2;
const AF_INET6 = 10;

export interface KernelFibOptions {
  /** Routing table (default 254, main). */
  table?: number;
  /** Route protocol the routes are tagged with (default 186, `proto bgp`). */
  protocol?: number;
  /** Route metric (default 20, like FRR's eBGP routes: `proto bgp metric 20`). */
  metric?: number;
  /** An rtnetlink socket to use; by default one is opened in the caller's network namespace. */
  socket?: RtNetlinkSocket;
}

/**
 * The routes Cairn owns in the kernel's forwarding table, changed over rtnetlink. Routes are tagged
 * with a protocol (`proto bgp`), so they are told apart from connected, static and other daemons' routes,
 * and a restart can find and reconcile what a previous run left behind.
 */
export class KernelFib {
  readonly table: number;
  readonly protocol: number;
  readonly metric: number;
  private readonly socket: RtNetlinkSocket;
  private readonly ownsSocket: boolean;

  constructor(options: KernelFibOptions = {}) {
    this.table = options.table ?? RT_TABLE_MAIN;
    this.protocol = options.protocol ?? RTPROT_BGP;
    this.metric = options.metric ?? 20;
    this.ownsSocket = options.socket === undefined;
    this.socket = options.socket ?? createRtNetlink();
  }

  /** The routes with our protocol tag in our table, both families. */
  async list(): Promise<FibRoute[]> {
    const routes: FibRoute[] = [];
    for (const family of [AF_INET, AF_INET6]) {
      for (const message of await this.socket.getRoutes({ family })) {
        const { data, attrs } = message;
        if (routeProtocol(data.protocol) !== this.protocol) continue;
        if ((attrs.table ?? data.table) !== this.table) continue;
        const width = family === AF_INET ? 4 : 16;
        const prefix = `${formatAddress(attrs.dst ?? Buffer.alloc(width))}/${data.dstLen ?? 0}`;
        const nextHops: FibNextHop[] = attrs.multipath
          ? decodeMultipath(attrs.multipath)
          : attrs.gateway
            ? [{ gateway: formatAddress(attrs.gateway), ...(attrs.oif ? { ifindex: attrs.oif } : {}) }]
            : [];
        routes.push({ prefix, nextHops });
      }
    }
    return routes;
  }

  /** Adds or replaces one route (RTM_NEWROUTE with NLM_F_CREATE | NLM_F_REPLACE). */
  async upsert(route: FibRoute): Promise<void> {
    if (route.nextHops.length === 0) throw new Error(`route ${route.prefix} has no next hop`);
    const { family, address, length } = parsePrefix(route.prefix);
    const attrs: rt.RouteAttrs = { dst: address, priority: this.metric, table: this.table };
    const [only] = route.nextHops;
    if (route.nextHops.length === 1 && only) {
      attrs.gateway = addressBytes(only.gateway);
      if (only.ifindex) attrs.oif = only.ifindex;
    } else {
      attrs.multipath = encodeMultipath(route.nextHops);
    }
    try {
      await this.socket.newRoute(this.header(family, length), attrs, { flags: NLM_F_CREATE | NLM_F_REPLACE });
    } catch (error) {
      throw new Error(
        `installing ${route.prefix} via ${route.nextHops.map((hop) => hop.gateway).join(', ')} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Deletes one route of ours; a route that is already gone is not an error. */
  async remove(route: FibRoute): Promise<void> {
    const { family, address, length } = parsePrefix(route.prefix);
    try {
      await this.socket.delRoute(this.header(family, length), {
        dst: address,
        priority: this.metric,
        table: this.table,
      });
    } catch (error) {
      if (!/ESRCH|No such process/.test(String((error as Error).message))) {
        throw new Error(`removing ${route.prefix} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** Makes the kernel hold exactly `desired` among our routes; returns what changed. */
  async sync(desired: Iterable<FibRoute>): Promise<FibChanges> {
    const changes = diffFib(await this.list(), desired);
    for (const route of changes.remove) await this.remove(route);
    for (const route of changes.upsert) await this.upsert(route);
    return changes;
  }

  close(): void {
    if (this.ownsSocket) this.socket.socket.close();
  }

  private header(family: 4 | 6, dstLen: number): rt.Route {
    return {
      family: family === 4 ? AF_INET : AF_INET6,
      dstLen,
      table: this.table < 256 ? this.table : 252,
      protocol: this.protocol,
      scope: 'UNIVERSE',
      type: 'UNICAST',
    };
  }
}

function routeProtocol(protocol: rt.Route['protocol']): number | undefined {
  if (typeof protocol === 'number') return protocol;
  return protocol === undefined ? undefined : rt.RouteProtocol[protocol];
}

/** RTA_MULTIPATH: a sequence of struct rtnexthop, each followed by its RTA_GATEWAY (rtnetlink.h). */
function encodeMultipath(nextHops: FibNextHop[]): Buffer {
  const parts = nextHops.map((hop) => {
    const gateway = addressBytes(hop.gateway);
    const attrLength = 4 + gateway.length;
    const entry = Buffer.alloc(8 + align4(attrLength));
    entry.writeUInt16LE(entry.length, 0); // rtnh_len
    entry.writeUInt8(0, 2); // rtnh_flags
    entry.writeUInt8(0, 3); // rtnh_hops (weight - 1)
    entry.writeInt32LE(hop.ifindex ?? 0, 4); // rtnh_ifindex
    entry.writeUInt16LE(attrLength, 8);
    entry.writeUInt16LE(RTA_GATEWAY, 10);
    gateway.copy(entry, 12);
    return entry;
  });
  return Buffer.concat(parts);
}

function decodeMultipath(buffer: Buffer): FibNextHop[] {
  const hops: FibNextHop[] = [];
  for (let offset = 0; offset + 8 <= buffer.length;) {
    const length = buffer.readUInt16LE(offset);
    if (length < 8) break;
    const ifindex = buffer.readInt32LE(offset + 4);
    for (let attr = offset + 8; attr + 4 <= offset + length;) {
      const attrLength = buffer.readUInt16LE(attr);
      if (attrLength < 4) break;
      if (buffer.readUInt16LE(attr + 2) === RTA_GATEWAY) {
        hops.push({
          gateway: formatAddress(buffer.subarray(attr + 4, attr + attrLength)),
          ...(ifindex ? { ifindex } : {}),
        });
      }
      attr += align4(attrLength);
    }
    offset += align4(length);
  }
  return hops;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
