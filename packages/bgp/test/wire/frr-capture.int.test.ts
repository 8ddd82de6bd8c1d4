// Captures a real FRR 8.4 ↔ FRR session with tcpdump and decodes every message with the Cairn codec:
// OPEN with FRR's capabilities, UPDATEs (IPv4 with ADD-PATH, IPv6 MP_REACH with global + link-local
// next hop, communities, extended and large communities), KEEPALIVE, ROUTE-REFRESH (with RFC 7313
// BoRR/EoRR) and a NOTIFICATION with an RFC 9003 shutdown communication.
// With CAIRN_UPDATE_FIXTURES=1 the messages are written to test/fixtures/frr-8.4-session.json, which
// the unit tests (frr-fixtures.test.ts) decode offline.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import {
  DEFAULT_CODEC_CONTEXT,
  MessageFramer,
  decodeMessage,
  formatPrefix,
  negotiatedContext,
} from '../../src/wire/index.js';
import type { BgpMessage, OpenMessage } from '../../src/wire/index.js';
import { followTcpStreams, requireTshark } from './tshark.js';

const configA = `
frr defaults traditional
hostname frr-a
log file /dev/null
!
route-map TAG permit 10
 set community 65001:100 65001:200
 set large-community 65001:1:2
 set extcommunity rt 65001:42
 set metric 50
!
router bgp 65001
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp graceful-restart
 neighbor 10.0.0.2 remote-as 4200000002
 neighbor 10.0.0.2 local-role provider
 neighbor fc00::2 remote-as 4200000002
 address-family ipv4 unicast
  network 198.51.100.0/24 route-map TAG
  network 203.0.113.0/25
  neighbor 10.0.0.2 addpath-tx-all-paths
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:100::/48 route-map TAG
  neighbor fc00::2 activate
 exit-address-family
!
`;

const configB = `
frr defaults traditional
hostname frr-b
log file /dev/null
!
router bgp 4200000002
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 bgp graceful-restart
 neighbor 10.0.0.1 remote-as 65001
 neighbor 10.0.0.1 local-role customer
 neighbor fc00::1 remote-as 65001
 address-family ipv6 unicast
  neighbor fc00::1 activate
 exit-address-family
!
`;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('FRR 8.4 capture decoded by the Cairn codec', () => {
  const lab = Lab.create('bgpwire');
  const pcap = join(tmpdir(), `${lab.id}-frr.pcap`);
  afterAll(async () => {
    await lab.destroy();
    rmSync(pcap, { force: true });
  });

  it('decodes every message of a real FRR session', async () => {
    await requireTshark();
    const a = await lab.namespace('a');
    const b = await lab.namespace('b');
    await lab.link(a, 'eth0', b, 'eth0', { a: ['10.0.0.1/24', 'fc00::1/64'], b: ['10.0.0.2/24', 'fc00::2/64'] });
    const tcpdump = a.spawn('tcpdump', ['-i', 'eth0', '-U', '-s', '0', '-w', pcap, 'tcp port 179']);
    await waitFor(async () => (await a.sh('ls -s ' + pcap, { allowFailure: true })).exitCode === 0, {
      what: 'tcpdump to open its file',
    });

    // bgpd learns its IPv6 link-local next hop from zebra: have it before FRR starts.
    for (const ns of [a, b]) {
      await waitFor(async () => (await ns.sh('ip -6 addr show dev eth0 scope link')).stdout.includes('fe80'), {
        what: `a link-local address in ${ns.label}`,
      });
    }
    const frrA = await FrrInstance.start(a, { config: configA, daemons: ['zebra', 'bgpd'] });
    const frrB = await FrrInstance.start(b, { config: configB, daemons: ['zebra', 'bgpd'] });
    const received = async (family: 'ipv4' | 'ipv6') =>
      Object.keys(
        (await frrB.json<{ routes?: Record<string, unknown> }>(`show bgp ${family} unicast json`)).routes ?? {},
      );
    const started = Date.now();
    let cleared = false;
    await waitFor(
      async () => {
        const v6 = (await received('ipv6')).length;
        if (v6 === 0 && !cleared && Date.now() - started > 20_000) {
          // FRR 8.4 without the link-local from zebra at session start sends no IPv6 routes: reset once.
          cleared = true;
          await frrA.vtysh('clear bgp fc00::2');
        }
        return (await received('ipv4')).length >= 2 && v6 >= 1;
      },
      {
        what: 'FRR b to learn the IPv4 and IPv6 prefixes of FRR a',
        timeoutMs: 90_000,
      },
    ).catch(async (error: Error) => {
      const state = await Promise.all([
        frrA.vtysh('show bgp summary'),
        frrB.vtysh('show bgp summary'),
        frrA.vtysh('show bgp ipv4 unicast'),
        frrA.vtysh('show bgp ipv6 unicast'),
      ]);
      throw new Error(`${error.message}\n${state.join('\n')}\n${frrA.log('bgpd').slice(-3000)}`);
    });
    await frrA.vtysh('clear bgp ipv4 unicast 10.0.0.2 soft in');
    await new Promise((r) => setTimeout(r, 1500));
    await frrA.vtysh(
      'configure terminal',
      'router bgp 65001',
      'neighbor 10.0.0.2 shutdown message cairn capture: maintenance',
    );
    await waitFor(async () => (await frrNeighborState(frrB, '10.0.0.1')) !== 'Established', {
      what: 'FRR b to see the session to 10.0.0.1 shut down',
    });
    await waitFor(
      async () =>
        (await execa('tshark', ['-r', pcap, '-Y', 'bgp.type == 3'], { reject: false })).stdout.includes('NOTIFICATION'),
      {
        what: 'the NOTIFICATION to be in the capture',
      },
    );
    tcpdump.kill('SIGINT');
    await tcpdump;
    await frrA.stop();
    await frrB.stop();

    const streams = await followTcpStreams(pcap);
    const byDirection: { from: string; to: string; messages: Uint8Array[] }[] = [];
    for (const stream of streams) {
      if (stream.bytes.length === 0) continue;
      const framer = new MessageFramer(() => ({ ...DEFAULT_CODEC_CONTEXT, extendedMessage: true }));
      byDirection.push({ from: stream.from, to: stream.to, messages: framer.push(stream.bytes) });
    }
    // Decode each direction with what the two OPENs of its connection negotiated.
    const decoded: { from: string; message: BgpMessage; hex: string; context: ReturnType<typeof describeContext> }[] =
      [];
    for (const direction of byDirection) {
      const reverse = byDirection.find((d) => d.from === direction.to && d.to === direction.from);
      const senderOpen = decodeMessage(direction.messages[0]!, DEFAULT_CODEC_CONTEXT) as OpenMessage;
      const receiverOpen = reverse
        ? (decodeMessage(reverse.messages[0]!, DEFAULT_CODEC_CONTEXT) as OpenMessage)
        : undefined;
      const ctx = receiverOpen ? negotiatedContext(senderOpen, receiverOpen) : DEFAULT_CODEC_CONTEXT;
      for (const bytes of direction.messages) {
        decoded.push({
          from: direction.from,
          message: decodeMessage(bytes, ctx),
          hex: hex(bytes),
          context: describeContext(ctx),
        });
      }
    }

    const kinds = new Set(decoded.map((d) => d.message.type));
    expect([...kinds].sort()).toEqual([1, 2, 3, 4, 5]);
    const openA = decoded.find(
      (d) => d.message.type === 1 && (d.message as OpenMessage).asn === 65001 && d.from.startsWith('10.'),
    )!.message as OpenMessage;
    const codes = openA.capabilities.map((c) => c.code);
    for (const code of [1, 2, 6, 9, 64, 65, 69, 70, 73])
      expect(codes, `capability ${code} in FRR's OPEN`).toContain(code);
    expect(openA.capabilities.find((c) => c.code === 73)).toMatchObject({ hostname: 'frr-a' });
    expect(openA.capabilities.find((c) => c.code === 9)).toMatchObject({ role: 0 }); // provider
    const openB = decoded.find((d) => d.message.type === 1 && (d.message as OpenMessage).asn === 4200000002)!;
    expect(openB.hex.slice(19 * 2 + 2, 19 * 2 + 6)).toBe((23456).toString(16).padStart(4, '0')); // AS_TRANS

    const updates = decoded
      .filter((d) => d.message.type === 2 && d.from.startsWith('10.0.0.1'))
      .map((d) => d.message as Extract<BgpMessage, { type: 2 }>);
    const tagged = updates.find((u) => u.nlri.some((p) => formatPrefix(p) === '198.51.100.0/24'))!;
    expect(tagged.nlri[0]!.pathId).toBeGreaterThan(0); // ADD-PATH
    expect(tagged.attributes).toMatchObject({
      origin: 0,
      asPath: [{ type: 'sequence', asns: [65001] }],
      nextHop: '10.0.0.1',
      med: 50,
      communities: [65001 * 65536 + 100, 65001 * 65536 + 200],
      largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
    });
    expect(hex(tagged.attributes.extendedCommunities![0]!)).toBe('0002fde90000002a');
    const v6 = decoded.map((d) => d.message).find((m) => m.type === 2 && m.attributes.mpReach?.afi === 2) as Extract<
      BgpMessage,
      { type: 2 }
    >;
    expect(v6.attributes.mpReach!.nextHop).toBe('fc00::1');
    expect(v6.attributes.mpReach!.linkLocalNextHop).toMatch(/^fe80::/);
    expect(v6.attributes.mpReach!.nlri.map(formatPrefix)).toEqual(['2001:db8:100::/48']);
    const refreshes = decoded
      .filter((d) => d.message.type === 5)
      .map((d) => (d.message as Extract<BgpMessage, { type: 5 }>).subtype);
    expect(refreshes).toContain(0);
    expect(refreshes).toContain(1); // RFC 7313 BoRR (FRR 8.4 sends its EoRR later, outside this capture)
    const notification = decoded.find((d) => d.message.type === 3 && d.from.startsWith('10.0.0.1'))!.message as Extract<
      BgpMessage,
      { type: 3 }
    >;
    // With the GR N bit negotiated FRR wraps Administrative Shutdown in a Hard Reset (RFC 8538 §3).
    expect(notification).toMatchObject({ code: 6, subcode: 9, message: 'cairn capture: maintenance' });
    expect([...notification.data.subarray(0, 2)]).toEqual([6, 2]);

    if (process.env.CAIRN_UPDATE_FIXTURES === '1') {
      const fixture = decoded.map((d) => ({ from: d.from, type: d.message.type, context: d.context, hex: d.hex }));
      writeFileSync(
        new URL('../fixtures/frr-8.4-session.json', import.meta.url),
        JSON.stringify(fixture, null, 1) + '\n',
      );
    }
  });
});

function describeContext(ctx: {
  fourOctetAs: boolean;
  addPath: ReadonlySet<string>;
  extendedMessage: boolean;
  extendedNextHop: ReadonlySet<string>;
}) {
  return {
    fourOctetAs: ctx.fourOctetAs,
    addPath: [...ctx.addPath],
    extendedMessage: ctx.extendedMessage,
    extendedNextHop: [...ctx.extendedNextHop],
  };
}
