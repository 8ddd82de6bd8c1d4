import { type RtNetlinkSocket, createRtNetlink } from 'netlink';
import { ipv6FromBytes, linkLayerFromBytes } from '../wire/address.js';

/** What the advertiser needs to know about one interface. */
export interface LinkState {
  name: string;
  ifindex: number;
  /** Administratively up and with carrier (IFF_UP and IFF_RUNNING). */
  up: boolean;
  /** The MAC, for the Source Link-Layer Address option (undefined for links without one). */
  linkLayerAddress: string | undefined;
  /** Usable (not tentative, not DAD-failed) link-local addresses. */
  linkLocal: string[];
}

const IFA_F_TENTATIVE = 'tentative';
const IFA_F_DADFAILED = 'dadfailed';

/**
 * Follows the links and IPv6 addresses of the network namespace it was created in, over rtnetlink
 * (the `netlink` package): a snapshot at start, then a fresh snapshot after each burst of RTM_NEWLINK /
 * RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR notifications (coalesced for `settleMs`).
 */
export class LinkWatcher {
  private readonly socket: RtNetlinkSocket;
  private pending: NodeJS.Timeout | undefined;
  private closed = false;
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly onChange: (links: Map<string, LinkState>) => void,
    private readonly settleMs: number,
  ) {
    this.socket = createRtNetlink({ ref: false } as Parameters<typeof createRtNetlink>[0]);
  }

  /** Opens the watcher in the caller's namespace and returns it with the first snapshot. */
  static async open(
    onChange: (links: Map<string, LinkState>) => void,
    settleMs = 50,
  ): Promise<{ watcher: LinkWatcher; links: Map<string, LinkState> }> {
    const watcher = new LinkWatcher(onChange, settleMs);
    watcher.socket.addMembership('LINK');
    watcher.socket.addMembership('IPV6_IFADDR');
    watcher.socket.on('message', () => watcher.schedule());
    const links = await watcher.snapshot();
    return { watcher, links };
  }

  private schedule(): void {
    if (this.closed || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refreshing = this.refreshing.then(async () => {
        if (this.closed) return;
        try {
          const links = await this.snapshot();
          if (!this.closed) this.onChange(links);
        } catch {
          // The socket was closed under the dump, or the namespace went away: the next event retries.
        }
      });
    }, this.settleMs);
  }

  /** Dumps links and IPv6 addresses now. */
  async snapshot(): Promise<Map<string, LinkState>> {
    // One dump at a time: the netlink package cannot tell two concurrent multipart replies apart.
    const links = await this.socket.getLinks();
    const addresses = await this.socket.getAddresses({ family: 10 });
    const linkLocal = new Map<number, string[]>();
    for (const address of addresses) {
      const bytes = address.attrs.address;
      if (address.data.family !== 10 || !bytes || bytes.length !== 16) continue;
      if (bytes[0] !== 0xfe || (bytes[1]! & 0xc0) !== 0x80) continue;
      const flags = (address.attrs.flags ?? address.data.flags ?? {}) as Record<string, boolean | undefined>;
      if (flags[IFA_F_TENTATIVE] || flags[IFA_F_DADFAILED]) continue;
      const list = linkLocal.get(address.data.index ?? 0) ?? [];
      list.push(ipv6FromBytes(bytes));
      linkLocal.set(address.data.index ?? 0, list);
    }
    const result = new Map<string, LinkState>();
    for (const link of links) {
      const name = link.attrs.ifname;
      const ifindex = link.data.index;
      if (name === undefined || ifindex === undefined) continue;
      const mac = link.attrs.address;
      result.set(name, {
        name,
        ifindex,
        up: Boolean(link.data.flags?.up && link.data.flags?.running),
        linkLayerAddress: mac && mac.length === 6 && mac.some((b) => b !== 0) ? linkLayerFromBytes(mac) : undefined,
        linkLocal: (linkLocal.get(ifindex) ?? []).sort(),
      });
    }
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pending) clearTimeout(this.pending);
    await this.refreshing;
    this.socket.socket.close();
  }
}
