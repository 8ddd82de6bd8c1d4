// The CloudStack 4.20 routed-mode preset with real traffic, in the reference topology: the upstream
// router (10.200.0.1 / fc00:2024:9:7::1, the VR's BGP peer) and a non-peer host on the same link, the
// VR applying ip4_firewall/ip6_firewall/ip4_acl/ip6_acl, an isolated guest network 202.38.80.16/28
// (+ its /64) and a VPC tier 202.38.80.32/28. Denied traffic is rejected with admin-prohibited here
// (the `blocked` option) so the client sees it; the VR's own default is a silent drop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands } from '@cairn/harness';
import { REFERENCE_CLOUDSTACK_INPUT, cloudStackRoutedPolicy } from '../src/index.js';
import { firewallIn, tcpProbe, tcpServer, udpEcho, udpProbe } from './support.js';

const PEER = { v4: '10.200.0.1', v6: 'fc00:2024:9:7::1' };
const STRANGER = { v4: '10.200.0.2', v6: 'fc00:2024:9:7::2' };
const VR = { v4: '10.200.0.101', v6: 'fc00:2024:9:7::101' };
const GUEST = { v4: '202.38.80.18', v6: '2a02:1810:248b:3b0a::18' };
const TIER = { v4: '202.38.80.34', v6: '2a02:1810:248b:3b0b::34' };

describe('CloudStack routed-mode preset with real traffic', () => {
  const lab = Lab.create('nft-cloudstack');
  afterAll(() => lab.destroy());
  let upstream: Namespace;
  let vr: Namespace;
  let guest: Namespace;
  let tier: Namespace;
  const servers: { close(): unknown }[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  beforeAll(async () => {
    requireCommands({ nft: 'nftables', ping: 'iputils-ping' });
    [upstream, vr, guest, tier] = [
      await lab.namespace('upstream'),
      await lab.namespace('vr'),
      await lab.namespace('guest'),
      await lab.namespace('tier'),
    ];
    await lab.link(upstream, 'eth1', vr, 'eth0', {
      a: [`${PEER.v4}/24`, `${STRANGER.v4}/24`, `${PEER.v6}/64`, `${STRANGER.v6}/64`],
      b: [`${VR.v4}/24`, `${VR.v6}/64`],
    });
    await lab.link(vr, 'eth1', guest, 'eth0', {
      a: ['202.38.80.17/28', '2a02:1810:248b:3b0a::1/64'],
      b: [`${GUEST.v4}/28`, `${GUEST.v6}/64`],
    });
    await lab.link(vr, 'eth2', tier, 'eth0', {
      a: ['202.38.80.33/28', '2a02:1810:248b:3b0b::1/64'],
      b: [`${TIER.v4}/28`, `${TIER.v6}/64`],
    });
    await upstream.sh(`ip route add 202.38.80.0/24 via ${VR.v4} && ip -6 route add 2a02:1810:248b::/48 via ${VR.v6}`);
    await guest.sh('ip route add default via 202.38.80.17 && ip -6 route add default via 2a02:1810:248b:3b0a::1');
    await tier.sh('ip route add default via 202.38.80.33 && ip -6 route add default via 2a02:1810:248b:3b0b::1');
    await firewallIn(vr).apply(
      cloudStackRoutedPolicy({ ...REFERENCE_CLOUDSTACK_INPUT, blocked: { reject: 'admin-prohibited' } }),
    );
    servers.push(
      await tcpServer(guest, '0.0.0.0', 22),
      await tcpServer(guest, '::', 22),
      await tcpServer(guest, '0.0.0.0', 23),
      await tcpServer(guest, '::', 23),
      await tcpServer(upstream, '0.0.0.0', 9090),
      await udpEcho(upstream, '0.0.0.0', 53),
      await tcpServer(vr, '0.0.0.0', 179),
      await tcpServer(vr, '::', 179),
      await udpEcho(vr, '0.0.0.0', 3784),
      await tcpServer(tier, '0.0.0.0', 22),
      await tcpServer(tier, '0.0.0.0', 80),
      await tcpServer(tier, '::', 443),
      await tcpServer(tier, '::', 80),
    );
  });

  it('fw_chain_ingress: allowed ports reach the guest, others are rejected with admin-prohibited', async () => {
    expect(await tcpProbe(upstream, GUEST.v4, 22, { localAddress: STRANGER.v4 })).toBe('connected');
    expect(await tcpProbe(upstream, GUEST.v6, 22, { localAddress: STRANGER.v6 })).toBe('connected');
    expect(await tcpProbe(upstream, GUEST.v4, 23, { localAddress: STRANGER.v4 })).toBe('EHOSTUNREACH');
    expect(await tcpProbe(upstream, GUEST.v6, 23, { localAddress: STRANGER.v6 })).toBe('EACCES');
  });

  it('ICMP rules: ping from 10.200.0.0/24 and ICMPv6 echo-request reach the guest', async () => {
    await upstream.exec('ping', ['-c', '1', '-W', '5', GUEST.v4]);
    await upstream.exec('ping', ['-6', '-c', '1', '-W', '5', GUEST.v6]);
  });

  it('fw_chain_egress under default-allow: egress opens connections (return traffic passes), the egress rule blocks DNS', async () => {
    // Replies come from port 9090, which no ingress rule allows: only `ct state established` lets them in.
    expect(await tcpProbe(guest, PEER.v4, 9090)).toBe('connected');
    expect(await udpProbe(guest, PEER.v4, 53)).toBe('EHOSTUNREACH');
  });

  it('INPUT: BGP and BFD from the configured peer reach the VR, from anyone else they are refused', async () => {
    expect(await tcpProbe(upstream, VR.v4, 179, { localAddress: PEER.v4 })).toBe('connected');
    expect(await tcpProbe(upstream, VR.v6, 179, { localAddress: PEER.v6 })).toBe('connected');
    expect(await tcpProbe(upstream, VR.v4, 179, { localAddress: STRANGER.v4 })).toBe('ECONNREFUSED');
    expect(await tcpProbe(upstream, VR.v6, 179, { localAddress: STRANGER.v6 })).toBe('ECONNREFUSED');
    expect(await udpProbe(upstream, VR.v4, 3784, { localAddress: PEER.v4 })).toBe('reply');
    expect(await udpProbe(upstream, VR.v4, 3784, { localAddress: STRANGER.v4 })).toBe('EHOSTUNREACH');
  });

  it('VPC tier ACL (ip4_acl eth2_ingress_policy): ACL item 1 admits SSH, the implicit deny rejects HTTP', async () => {
    expect(await tcpProbe(upstream, TIER.v4, 22, { localAddress: STRANGER.v4 })).toBe('connected');
    expect(await tcpProbe(upstream, TIER.v4, 80, { localAddress: STRANGER.v4 })).toBe('EHOSTUNREACH');
  });

  it('VPC tier ACL (ip6_acl eth2_ingress_policy): the IPv6 ACL admits HTTPS and rejects HTTP with ICMPv6 admin-prohibited', async () => {
    expect(await tcpProbe(upstream, TIER.v6, 443, { localAddress: STRANGER.v6 })).toBe('connected');
    expect(await tcpProbe(upstream, TIER.v6, 80, { localAddress: STRANGER.v6 })).toBe('EACCES');
  });

  // Last: it switches the VR to its default behaviour.
  it('with the VR default (drop), denied traffic vanishes silently; switching is an in-place update', async () => {
    const result = await firewallIn(vr).apply(cloudStackRoutedPolicy(REFERENCE_CLOUDSTACK_INPUT));
    expect(result.replaced).toEqual([]);
    expect(result.updated).toEqual(['ip ip4_firewall', 'ip6 ip6_firewall', 'ip ip4_acl', 'ip6 ip6_acl']);
    expect(await tcpProbe(upstream, GUEST.v4, 23, { localAddress: STRANGER.v4, timeoutMs: 3000 })).toBe('timeout');
    expect(await tcpProbe(upstream, GUEST.v4, 22, { localAddress: STRANGER.v4 })).toBe('connected');
  });
});
