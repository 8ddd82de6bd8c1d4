import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, waitFor } from '@cairn/harness';
import { type InterfaceConfig, RaAdvertiser } from '@cairn/ra';
import { logger, slaacAddress } from './helpers.js';

// The out-of-band reference design: one segment per rack, a /64 per rack out of the site's /48, RDNSS;
// segments are VXLANs like vxlan1000/vxlan2000 in the VyOS notes. (This kernel has no 802.1Q VLAN
// support, CONFIG_VLAN_8021Q is off, so the per-rack segments are VXLANs over one veth pair.)
const SEGMENTS = 300;
const rackPrefix = (vni: number) => `2001:5ad0:0:${vni.toString(16)}::/64`;
const clientMac = (vni: number) =>
  `52:54:00:aa:${(vni >> 8).toString(16).padStart(2, '0')}:${(vni & 0xff).toString(16).padStart(2, '0')}`;

describe(`${SEGMENTS} VXLAN segments on one veth pair`, () => {
  const lab = Lab.create('ra-vxlans');
  let router: Namespace;
  let client: Namespace;
  let advertiser: RaAdvertiser;

  beforeAll(async () => {
    router = await lab.namespace('router');
    client = await lab.namespace('client', { forwarding: false });
    await client.sh('sysctl -qw net.ipv6.conf.default.accept_ra=2');
    await lab.link(router, 'eth0', client, 'eth0', { a: ['10.0.0.1/24'], b: ['10.0.0.2/24'] });
    const batch = (ns: Namespace, local: string, remote: string, mac: (vni: number) => string | undefined) => {
      const lines: string[] = [];
      for (let vni = 1; vni <= SEGMENTS; vni++) {
        const address = mac(vni);
        lines.push(
          `link add vxlan${vni} ${address ? `address ${address} ` : ''}type vxlan id ${vni} local ${local} remote ${remote} dev eth0 dstport 4789`,
          `link set vxlan${vni} up`,
        );
      }
      return ns.exec('ip', ['-batch', '-'], { input: lines.join('\n') + '\n' });
    };
    await batch(router, '10.0.0.1', '10.0.0.2', () => undefined);
    await batch(client, '10.0.0.2', '10.0.0.1', clientMac);
    const interfaces: InterfaceConfig[] = [];
    for (let vni = 1; vni <= SEGMENTS; vni++) {
      interfaces.push({
        name: `vxlan${vni}`,
        prefixes: [{ prefix: rackPrefix(vni) }],
        rdnss: [{ servers: ['2001:5ad0::53'] }],
      });
    }
    advertiser = new RaAdvertiser({ logger, interfaces });
    await router.enter(() => advertiser.start());
  });

  afterAll(async () => {
    await advertiser?.stop();
    await lab.destroy();
  });

  it('every client segment gets the SLAAC address of its rack /64', async () => {
    const expected = new Map<string, string>();
    for (let vni = 1; vni <= SEGMENTS; vni++)
      expected.set(`vxlan${vni}`, slaacAddress(rackPrefix(vni), clientMac(vni)));
    let missing: string[] = [];
    await waitFor(
      async () => {
        const { stdout } = await client.exec('ip', ['-j', '-6', 'addr', 'show', 'scope', 'global']);
        const got = new Set(
          (JSON.parse(stdout) as { ifname: string; addr_info: { local: string }[] }[]).flatMap((l) =>
            l.addr_info.map((a) => `${l.ifname} ${a.local}`),
          ),
        );
        missing = [...expected]
          .filter(([ifname, address]) => !got.has(`${ifname} ${address}`))
          .map(([ifname]) => ifname);
        return missing.length === 0;
      },
      { what: `SLAAC addresses on all ${SEGMENTS} client segments`, timeoutMs: 60_000, intervalMs: 500 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; missing on ${missing.length}: ${missing.slice(0, 10).join(', ')}`);
    });
    const counters = Object.values(advertiser.counters());
    expect(counters).toHaveLength(SEGMENTS);
    // Every segment sent RAs. A send the kernel refuses under a burst (300 interfaces at once, the neighbour table
    // shared by every namespace of the machine, other tests running beside) is retried at the next interval.
    const sent = (c: (typeof counters)[number]) => c.sent.unsolicited + c.sent.solicited;
    expect(counters.filter((c) => sent(c) < 1)).toEqual([]);
    expect(counters.filter((c) => c.sendErrors > sent(c))).toEqual([]);
  });

  /** Users of the ff02::2 membership per interface, from /proc/net/igmp6 (the kernel's own, with forwarding on, counts 1). */
  const allRoutersUsers = async () => {
    const { stdout } = await router.exec('cat', ['/proc/net/igmp6']);
    const users = new Map<string, number>();
    for (const line of stdout.split('\n')) {
      const [, name, group, count] = line.trim().split(/\s+/);
      if (group === 'ff020000000000000000000000000002' && name) users.set(name, Number(count));
    }
    return users;
  };

  it('joins ff02::2 on every interface, spread over sockets of 100 (net.core.optmem_max)', async () => {
    const users = await allRoutersUsers();
    for (let vni = 1; vni <= SEGMENTS; vni++) expect(users.get(`vxlan${vni}`), `vxlan${vni}`).toBe(2);
  });

  it('interfaces leaving the configuration get a final RA and their membership is dropped', async () => {
    const finals: string[] = [];
    advertiser.on('sent', (event) => event.reason === 'final' && finals.push(event.interface));
    const kept: InterfaceConfig[] = [];
    for (let vni = 1; vni <= SEGMENTS - 100; vni++)
      kept.push({
        name: `vxlan${vni}`,
        prefixes: [{ prefix: rackPrefix(vni) }],
        rdnss: [{ servers: ['2001:5ad0::53'] }],
      });
    await router.enter(() => advertiser.reconfigure(kept));
    expect(finals.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `vxlan${SEGMENTS - 99 + i}`).sort());
    const users = await allRoutersUsers();
    expect(users.get('vxlan1')).toBe(2);
    expect(users.get(`vxlan${SEGMENTS}`)).toBe(1);
  });

  it('stop sends a final RA on every remaining segment', async () => {
    await advertiser.stop();
    const counters = Object.values(advertiser.counters());
    expect(counters.filter((c) => c.sent.final === 1)).toHaveLength(SEGMENTS - 100);
  });
});
