import { type RtNetlinkSocket, createRtNetlink } from 'netlink';
import { ipv6ToBytes } from '../wire/address.js';

const AF_INET6 = 10;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const ALL_NODES = 'ff02::1';
/** RFC 2464 §7: ff02::1 on Ethernet is 33:33:00:00:00:01. */
const ALL_NODES_MAC = Buffer.from([0x33, 0x33, 0, 0, 0, 1]);

/**
 * Pins the neighbour entry of ff02::1 on the advertising interfaces (NUD_PERMANENT, the fixed mapping of
 * RFC 2464 §7). Linux keeps multicast destinations in the neighbour table too, removes them first when the
 * table is over gc_thresh3, and then cannot create them again while the table is full of fresh entries: a
 * flood of solicitations from thousands of sources (each creates an entry, RFC 4861 §6.2.6) made every
 * multicast RA fail with EINVAL. A permanent entry is exempt from the table's limits and never collected.
 * Entries it added are removed by `release` and `close`.
 */
export class AllNodesNeighbours {
  private readonly socket: RtNetlinkSocket;
  private readonly pinned = new Set<number>();
  /** Netlink requests one after another, like LinkWatcher's dumps. */
  private queue: Promise<void> = Promise.resolve();

  /** Opens an rtnetlink socket in the caller's network namespace. */
  constructor(private readonly onError: (ifindex: number, error: unknown) => void) {
    this.socket = createRtNetlink({ ref: false } as Parameters<typeof createRtNetlink>[0]);
  }

  /** Pins ff02::1 on `ifindex` (again, after the link went down: the kernel flushes entries then). */
  pin(ifindex: number): void {
    this.pinned.add(ifindex);
    this.enqueue(ifindex, () =>
      this.socket.newNeighbor(this.header(ifindex), this.attrs(), { flags: NLM_F_CREATE | NLM_F_REPLACE }),
    );
  }

  /** Removes the entry pinned on `ifindex` (the interface left the configuration). */
  release(ifindex: number): void {
    if (!this.pinned.delete(ifindex)) return;
    // An interface that is gone took its entries with it: nothing to report then.
    this.enqueue(ifindex, () =>
      this.socket
        .delNeighbor(this.header(ifindex), { dst: Buffer.from(ipv6ToBytes(ALL_NODES)) })
        .catch(() => undefined),
    );
  }

  async close(): Promise<void> {
    for (const ifindex of [...this.pinned]) this.release(ifindex);
    await this.queue;
    this.socket.socket.close();
  }

  private header(ifindex: number) {
    return { family: AF_INET6, ifindex, state: { permanent: true as const } };
  }

  private attrs() {
    return { dst: Buffer.from(ipv6ToBytes(ALL_NODES)), lladdr: ALL_NODES_MAC };
  }

  private enqueue(ifindex: number, request: () => Promise<unknown>): void {
    this.queue = this.queue.then(async () => {
      try {
        await request();
      } catch (error) {
        this.onError(ifindex, error);
      }
    });
  }
}
