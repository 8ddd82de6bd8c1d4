import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands, waitFor } from '@cairn/harness';
import { Icmpv6Socket, type InterfaceConfig, RaAdvertiser, encodeMessage } from '@cairn/ra';
import { addresses, linkLocal, logger, routes, slaacAddress } from './helpers.js';

// The out-of-band slides' worked example: prefix 2001:5ad0:0:9::/64 and an iDRAC with MAC 10:7D:1A:FD:33:2A
// (the slide prints "…1aff:fed:332a", dropping an "f"; RFC 4291 gives …1aff:fefd:332a).
const CLIENT_MAC = '10:7d:1a:fd:33:2a';
const ROUTER_MAC = '52:54:00:c0:ff:ee';
const PREFIX = '2001:5ad0:0:9::/64';

const eth0: InterfaceConfig = {
  name: 'eth0',
  maxInterval: 600,
  curHopLimit: 64,
  linkMtu: 1500,
  managed: false,
  otherConfig: false,
  prefixes: [{ prefix: PREFIX, validLifetime: 2592000, preferredLifetime: 604800 }],
  rdnss: [{ servers: ['2a00:f10:ff04:153::53', '2a00:f10:ff04:253::53'], lifetime: 1800 }],
  dnssl: [{ domains: ['oob.example.net', 'vlc03.example.net'], lifetime: 1800 }],
  routes: [
    { prefix: '2001:5ad0::/48', preference: 'high', lifetime: 1800 },
    { prefix: '2001:5ad0:1:100::/56', preference: 'low', lifetime: 1800 },
  ],
  pref64: { prefix: '64:ff9b::/96', lifetime: 1800 },
  captivePortal: 'https://portal.example/api',
};

describe('RaAdvertiser against the kernel’s SLAAC, rdisc6 and tshark', () => {
  const lab = Lab.create('ra-slaac');
  let router: Namespace;
  let client: Namespace;
  let advertiser: RaAdvertiser;
  let routerLinkLocal: string;
  const captureDir = mkdtempSync(join(tmpdir(), 'cairn-ra-'));
  const pcap = join(captureDir, 'client.pcap');

  beforeAll(async () => {
    requireCommands({ rdisc6: 'ndisc6', tshark: 'tshark', tcpdump: 'tcpdump' });
    router = await lab.namespace('router');
    client = await lab.namespace('client', { forwarding: false });
    await lab.link(router, 'eth0', client, 'eth0', { macA: ROUTER_MAC, macB: CLIENT_MAC });
    // A host that takes RAs (accept_ra=2 works even with forwarding on) and Route Information up to /48.
    await client.sh('sysctl -qw net.ipv6.conf.eth0.accept_ra=2 net.ipv6.conf.eth0.accept_ra_rt_info_max_plen=48');
    void client.spawn('tcpdump', ['-i', 'eth0', '-U', '-n', '-w', pcap, 'icmp6']);
    await waitFor(() => existsSync(pcap), { what: 'tcpdump to open its capture', timeoutMs: 20_000 });
    routerLinkLocal = await linkLocal(router, 'eth0');
    advertiser = new RaAdvertiser({ logger, interfaces: [eth0] });
    await router.enter(() => advertiser.start());
  });

  afterAll(async () => {
    await advertiser?.stop();
    await lab.destroy();
    rmSync(captureDir, { recursive: true, force: true });
  });

  it('the client forms the EUI-64 address its MAC implies and routes via Cairn’s link-local address', async () => {
    const expected = slaacAddress(PREFIX, CLIENT_MAC);
    expect(expected).toBe('2001:5ad0:0:9:127d:1aff:fefd:332a');
    await waitFor(
      async () => (await addresses(client, 'eth0')).some((a) => a.local === expected && a.prefixlen === 64),
      {
        what: `SLAAC address ${expected} on the client`,
      },
    );
    const [route] = await waitFor(
      async () => {
        const found = await routes(client, 'default');
        return found.length > 0 && found;
      },
      { what: 'a default route on the client' },
    );
    expect(route).toMatchObject({ gateway: routerLinkLocal, dev: 'eth0', protocol: 'ra' });
  });

  it('installs Route Information up to accept_ra_rt_info_max_plen (/48 yes, /56 no)', async () => {
    const [route] = await waitFor(
      async () => {
        const found = await routes(client, '2001:5ad0::/48');
        return found.length > 0 && found;
      },
      { what: 'the RIO route 2001:5ad0::/48' },
    );
    expect(route).toMatchObject({ gateway: routerLinkLocal, dev: 'eth0' });
    expect(await routes(client, '2001:5ad0:1:100::/56')).toEqual([]);
  });

  it('rdisc6 shows the prefix, MTU, RDNSS and DNSSL exactly as configured', async () => {
    const { stdout } = await client.exec('rdisc6', ['-1', '-w', '3000', 'eth0']);
    const field = (label: string) =>
      [...stdout.matchAll(new RegExp(`^\\s*${label}\\s*:\\s*(.+?)\\s*$`, 'gm'))].map((m) => m[1]);
    expect(field('Hop limit')).toEqual(['64 (      0x40)']);
    expect(field('Router lifetime')).toEqual(['1800 (0x00000708) seconds']);
    expect(field('Prefix')).toEqual([PREFIX]);
    expect(field('Valid time')).toEqual(['2592000 (0x00278d00) seconds']);
    expect(field('Pref. time')).toEqual(['604800 (0x00093a80) seconds']);
    expect(field('MTU')).toEqual(['1500 bytes (valid)']);
    expect(field('Recursive DNS server')).toEqual(['2a00:f10:ff04:153::53', '2a00:f10:ff04:253::53']);
    expect(field('DNS search list')).toEqual(['oob.example.net vlc03.example.net']);
    expect(field('Route')).toEqual(['2001:5ad0::/48', '2001:5ad0:1:100::/56']);
    expect(field('Route preference')).toEqual(['high', 'low']);
    expect(field('Source link-layer address')).toEqual([ROUTER_MAC.toUpperCase()]);
    expect([...stdout.matchAll(/^ from (\S+)$/gm)].map((m) => m[1])).toEqual([routerLinkLocal]);
  });

  it('discards an RS with hop limit 254 and answers the same RS with hop limit 255', async () => {
    const rs = encodeMessage({ type: 'router-solicitation', code: 0, options: [] });
    const solicit = (hopLimit: number) =>
      client.enter(() => {
        const socket = new Icmpv6Socket({ receiveTypes: [], hopLimit });
        try {
          socket.send(rs, 'ff02::2', 2);
        } finally {
          void socket.close();
        }
      });
    const before = advertiser.counters().eth0!;
    await solicit(254);
    await waitFor(() => advertiser.counters().eth0!.discarded === before.discarded + 1, {
      what: 'the advertiser to see and discard the RS',
    });
    expect(advertiser.counters().eth0!.solicitationsReceived).toBe(before.solicitationsReceived + 1);
    expect(advertiser.interfaceState('eth0')!.solicitedMulticastAt).toBeUndefined();
    expect(advertiser.counters().eth0!.sent.solicited).toBe(before.sent.solicited);
    await solicit(255);
    await waitFor(() => advertiser.counters().eth0!.sent.solicited === before.sent.solicited + 1, {
      what: 'an answer to the RS with hop limit 255',
      timeoutMs: 10_000,
    });
  });

  it('a reload that changes nothing sends nothing; a removed prefix is deprecated with zero lifetimes', async () => {
    const sent = () => Object.values(advertiser.counters().eth0!.sent).reduce((a, b) => a + b, 0);
    const before = sent();
    await router.enter(() => advertiser.reconfigure([{ ...eth0 }]));
    expect(advertiser.interfaceState('eth0')!.withdrawals).toEqual([]);
    expect(sent()).toBe(before);

    const next = '2001:5ad0:0:a::/64';
    await router.enter(() => advertiser.reconfigure([{ ...eth0, prefixes: [{ prefix: next }] }]));
    const old = slaacAddress(PREFIX, CLIENT_MAC);
    await waitFor(
      async () => (await addresses(client, 'eth0')).some((a) => a.local === slaacAddress(next, CLIENT_MAC)),
      { what: 'the new prefix’s address' },
    );
    const deprecated = await waitFor(
      async () => (await addresses(client, 'eth0')).find((a) => a.local === old && a.preferred_life_time === 0),
      {
        what: 'the old address to be deprecated',
      },
    );
    // RFC 4862 §5.5.3 e): the host keeps a deprecated address valid for 2 hours at most.
    expect(deprecated.valid_life_time).toBeLessThanOrEqual(7200);
  });

  it('follows the link going down and up through netlink', async () => {
    await router.sh('ip link set eth0 down');
    await waitFor(() => advertiser.interfaceState('eth0')!.advertising === false, {
      what: 'the advertiser to notice eth0 down',
    });
    const unsolicited = advertiser.counters().eth0!.sent.unsolicited;
    await router.sh('ip link set eth0 up');
    await waitFor(() => advertiser.counters().eth0!.sent.unsolicited > unsolicited, {
      what: 'an initial RA after eth0 came back',
      timeoutMs: 15_000,
    });
    expect(advertiser.interfaceState('eth0')!.initialRemaining).toBe(2);
  });

  it('follows a link-local address change through netlink: the client learns the new router address', async () => {
    await router.sh(`ip addr add fe80::cafe/64 dev eth0 nodad && ip addr del ${routerLinkLocal}/64 dev eth0`);
    const [route] = await waitFor(
      async () => {
        const found = (await routes(client, 'default')).filter((r) => r.gateway === 'fe80::cafe');
        return found.length > 0 && found;
      },
      { what: 'a default route via the new link-local address fe80::cafe', timeoutMs: 20_000 },
    );
    expect(route).toMatchObject({ dev: 'eth0', protocol: 'ra' });
    // The route via the vanished address stays until its lifetime ends (no final RA can come from an
    // address that is gone; hosts' NUD would skip it). Remove it so the next test sees one router.
    await client.sh(`ip -6 route del default via ${routerLinkLocal} dev eth0`);
  });

  it('after Cairn stops, the client’s default route is gone within a second (final RA, lifetime 0)', async () => {
    await waitFor(async () => (await routes(client, 'default')).length > 0, { what: 'the default route back' });
    const stopped = Date.now();
    await advertiser.stop();
    await waitFor(async () => (await routes(client, 'default')).length === 0, {
      what: 'the default route to go',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    expect(Date.now() - stopped).toBeLessThan(1000);
    expect(advertiser.counters().eth0!.sent.final).toBe(1);
  });

  it('tshark -V decodes every RA without errors, with good checksums', async () => {
    // tcpdump writes each packet as it comes (-U); wait until the final RA is in the file.
    const decode = async () => (await client.exec('tshark', ['-r', pcap, '-V', '-Y', 'icmpv6.type == 134'])).stdout;
    const stdout = await waitFor(
      async () => {
        const text = await decode();
        return /Router lifetime \(s\): 0\b/.test(text) && text;
      },
      { what: 'the final RA in the capture', timeoutMs: 10_000 },
    );
    const frames = stdout.split(/^Frame \d+:/m).slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(5);
    for (const frame of frames) {
      const problem =
        !frame.includes('Type: Router Advertisement (134)') ||
        !frame.includes('[Checksum Status: Good]') ||
        /Malformed|Expert Info \((Error|Warning)/.test(frame);
      if (problem) throw new Error(`tshark found a problem in this RA:\n${frame}`);
    }
    expect(stdout).toContain('Recursive DNS Servers: 2a00:f10:ff04:153::53');
    expect(stdout).toContain('ICMPv6 Option (DNS Search List Option oob.example.net vlc03.example.net)');
    expect(stdout).toMatch(
      /Scaled Lifetime: 225\n.*PLC \(Prefix Length Code\): 96 bits prefix length \(0x0\)\n\s+Prefix: 64:ff9b::\n/,
    );
    expect(stdout).toContain('Captive Portal: https://portal.example/api');
    // The final RA says router lifetime 0.
    expect(frames.at(-1)).toMatch(/Router lifetime \(s\): 0\b/);
  });
});
