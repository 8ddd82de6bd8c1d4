// A second implementation: BIRD 2.0 announces routes to a raw Cairn-codec peer, and every message it
// sends (OPEN with its capabilities, UPDATEs with ADD-PATH, communities, extended and large
// communities, IPv6 MP_REACH, End-of-RIB, KEEPALIVE) decodes — with the context negotiatedContext
// derives from the two OPENs. BIRD's own view (`birdc show protocols all`) confirms the session.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, waitFor } from '../../../../test/harness/index.js';
import { formatPrefix, isEndOfRib } from '../../src/wire/index.js';
import type { BgpMessage, OpenMessage, UpdateMessage } from '../../src/wire/index.js';
import { rawPeer } from './raw-peer.js';

const birdConfig = `
router id 10.0.0.1;
protocol device {}
protocol static static4 {
  ipv4;
  route 198.51.100.0/24 unreachable;
  route 203.0.113.0/25 unreachable;
}
protocol static static6 {
  ipv6;
  route 2001:db8:100::/48 unreachable;
}
protocol bgp cairn {
  local 10.0.0.1 as 65001;
  neighbor 10.0.0.2 as 4200000002;
  passive on;
  ipv4 {
    import none;
    add paths tx;
    export filter {
      bgp_community.add((65001, 100));
      bgp_large_community.add((65001, 1, 2));
      bgp_ext_community.add((rt, 65001, 42));
      bgp_med = 50;
      accept;
    };
  };
  ipv6 {
    import none;
    next hop address fc00::1;
    export all;
  };
}
`;

describe('BIRD 2.0 → Cairn codec', () => {
  const lab = Lab.create('bgpbird');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bird-'));
  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes everything BIRD sends, with ADD-PATH as negotiated', async () => {
    const birdNs = await lab.namespace('bird');
    const peerNs = await lab.namespace('peer');
    await lab.link(birdNs, 'eth0', peerNs, 'eth0', {
      a: ['10.0.0.1/24', 'fc00::1/64'],
      b: ['10.0.0.2/24', 'fc00::2/64'],
    });
    writeFileSync(join(dir, 'bird.conf'), birdConfig);
    const socket = join(dir, 'bird.ctl');
    void birdNs.spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', socket, '-P', join(dir, 'bird.pid')]);
    const birdc = async (command: string) =>
      (await birdNs.exec('birdc', ['-s', socket, command], { allowFailure: true })).stdout;
    await waitFor(async () => (await birdc('show protocols cairn')).includes('cairn'), { what: 'BIRD to start' });

    const open: OpenMessage = {
      type: 1,
      version: 4,
      asn: 4200000002,
      holdTime: 90,
      routerId: '10.0.0.2',
      capabilities: [
        { code: 1, afi: 1, safi: 1 },
        { code: 1, afi: 2, safi: 1 },
        { code: 2 },
        { code: 65, asn: 4200000002 },
        { code: 69, families: [{ afi: 1, safi: 1, direction: 'receive' }] },
      ],
    };
    const messages: BgpMessage[] = [];
    const peer = await rawPeer(peerNs, '10.0.0.2', '10.0.0.1', open, (m) => messages.push(m));
    const updates = () => messages.filter((m): m is UpdateMessage => m.type === 2);
    await waitFor(() => updates().filter((u) => isEndOfRib(u)).length >= 2, {
      what: 'End-of-RIB from BIRD for IPv4 and IPv6',
    });

    const birdOpen = peer.remoteOpen;
    expect(birdOpen).toMatchObject({ asn: 65001, routerId: '10.0.0.1' });
    const codes = birdOpen.capabilities.map((c) => c.code);
    for (const code of [1, 2, 65, 69]) expect(codes, `capability ${code} in BIRD's OPEN`).toContain(code);
    expect(birdOpen.capabilities.find((c) => c.code === 69)).toMatchObject({
      families: expect.arrayContaining([{ afi: 1, safi: 1, direction: 'send' }]),
    });

    const v4 = updates().flatMap((u) => u.nlri.map((p) => ({ p, a: u.attributes })));
    expect(v4.map(({ p }) => formatPrefix(p)).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/25']);
    for (const { p, a } of v4) {
      expect(p.pathId).toBeGreaterThan(0); // ADD-PATH, negotiated from the two OPENs
      expect(a).toMatchObject({
        origin: 0,
        asPath: [{ type: 'sequence', asns: [65001] }],
        nextHop: '10.0.0.1',
        med: 50,
        communities: [65001 * 65536 + 100],
        largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
      });
      expect(Buffer.from(a.extendedCommunities![0]!).toString('hex')).toBe('0002fde90000002a');
    }
    const v6 = updates().find((u) => (u.attributes.mpReach?.nlri.length ?? 0) > 0)!;
    expect(v6.attributes.mpReach).toMatchObject({ afi: 2, safi: 1, nextHop: 'fc00::1' });
    expect(v6.attributes.mpReach!.nlri.map(formatPrefix)).toEqual(['2001:db8:100::/48']);
    expect(updates().every((u) => !u.treatAsWithdraw && !u.discarded)).toBe(true);
    expect(await birdc('show protocols cairn')).toContain('Established');
    peer.close();
  });
});
