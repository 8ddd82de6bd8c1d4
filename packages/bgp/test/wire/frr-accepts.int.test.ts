// The encoder against a real peer: a raw Cairn-codec peer sends FRR 8.4 everything the builder makes
// (every attribute, ADD-PATH, IPv6 MP_REACH with link-local next hop, RFC 8950 IPv4-over-IPv6 next hop,
// RFC 6793 AS_TRANS + AS4_PATH/AS4_AGGREGATOR on a 2-octet session, withdrawals, End-of-RIB,
// ROUTE-REFRESH, an RFC 9003 shutdown NOTIFICATION) and FRR's own view must show each of them.
import { afterAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '../../../../test/harness/index.js';
import { buildUpdates, encodeMessage, endOfRib, formatPrefix, parsePrefix } from '../../src/wire/index.js';
import type { OpenMessage, PathAttributes } from '../../src/wire/index.js';
import { rawPeer } from './raw-peer.js';

const FRR_AS = 65100;
const config = `
frr defaults traditional
hostname frr-accepts
router bgp ${FRR_AS}
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor fc00::2 remote-as 4200000001
 neighbor fc00::2 capability extended-nexthop
 neighbor 10.0.0.3 remote-as 65003
 address-family ipv4 unicast
  network 192.0.2.0/24
 exit-address-family
 address-family ipv6 unicast
  neighbor fc00::2 activate
 exit-address-family
`;

const attributes: PathAttributes = {
  origin: 0,
  asPath: [{ type: 'sequence', asns: [4200000001, 65001] }],
  nextHop: '10.0.0.2',
  med: 50,
  atomicAggregate: true,
  aggregator: { asn: 4200000001, address: '10.0.0.2' },
  communities: [65001 * 65536 + 100, 0xffffff03],
  extendedCommunities: [Uint8Array.of(0, 2, 0xfd, 0xe9, 0, 0, 0, 42)],
  largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
  unknown: [{ flags: 0xc0, typeCode: 0xf0, value: Uint8Array.of(1, 2, 3) }],
};

describe('FRR 8.4 accepts what the Cairn encoder writes', () => {
  const lab = Lab.create('bgpenc');
  afterAll(() => lab.destroy());

  it('every attribute, ADD-PATH, MP_REACH, RFC 8950, AS4, withdrawals, EoR, ROUTE-REFRESH, shutdown NOTIFICATION', async () => {
    const frrNs = await lab.namespace('frr');
    const peerNs = await lab.namespace('peer');
    await lab.link(frrNs, 'eth0', peerNs, 'eth0', {
      a: ['10.0.0.1/24', 'fc00::1/64'],
      b: ['10.0.0.2/24', '10.0.0.3/24', 'fc00::2/64'],
    });
    const linkLocal =
      /inet6 (fe80::[0-9a-f:]+)\//.exec((await peerNs.sh('ip -6 addr show dev eth0 scope link')).stdout)?.[1] ??
      'fe80::2';
    // With an IPv6 link-local next hop FRR needs the interface from zebra, or it withdraws the route.
    await waitFor(async () => (await frrNs.sh('ip -6 addr show dev eth0 scope link')).stdout.includes('fe80'), {
      what: 'a link-local address for FRR',
    });
    const frr = await FrrInstance.start(frrNs, { config, daemons: ['zebra', 'bgpd'] });
    await waitFor(async () => (await frrNeighborState(frr, 'fc00::2')) === 'Active', {
      what: 'FRR to listen for fc00::2',
    });
    const show = (cmd: string) => frr.vtysh(cmd);

    // Session 1 (over IPv6: FRR 8.4 offers extended next hop only there): 4-octet AS, ADD-PATH send
    // for IPv4, extended next hop, IPv4 and IPv6 unicast.
    const open: OpenMessage = {
      type: 1,
      version: 4,
      asn: 4200000001,
      holdTime: 0,
      routerId: '10.0.0.2',
      capabilities: [
        { code: 1, afi: 1, safi: 1 },
        { code: 1, afi: 2, safi: 1 },
        { code: 2 },
        { code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
        { code: 65, asn: 4200000001 },
        {
          code: 64,
          restarting: false,
          notification: false,
          restartTime: 120,
          families: [
            { afi: 1, safi: 1, forwardingPreserved: false },
            { afi: 2, safi: 1, forwardingPreserved: false },
          ],
        },
        { code: 69, families: [{ afi: 1, safi: 1, direction: 'send' }] },
        { code: 70 },
        { code: 73, hostname: 'cairn-peer', domain: 'test' },
      ],
    };
    const refreshed: string[] = [];
    const peer = await rawPeer(peerNs, 'fc00::2', 'fc00::1', open, (m) => {
      if (m.type === 2) refreshed.push(...[...m.nlri, ...(m.attributes.mpReach?.nlri ?? [])].map(formatPrefix));
    });
    const ctx = peer.sendContext;
    expect(ctx.fourOctetAs).toBe(true);
    expect([...ctx.addPath]).toEqual(['1/1']);
    expect([...ctx.extendedNextHop]).toEqual(['1/1']);
    peer.send([
      ...buildUpdates(
        {
          nlri: [
            parsePrefix('198.51.100.0/24', 1),
            parsePrefix('198.51.100.0/24', 2),
            parsePrefix('198.51.101.0/24', 1),
          ],
          attributes,
        },
        ctx,
      ),
      ...buildUpdates(
        {
          nlri: [parsePrefix('2001:db8:1::/48')],
          attributes: {
            origin: 0,
            asPath: [{ type: 'sequence', asns: [4200000001] }],
            mpReach: { afi: 2, safi: 1, nextHop: 'fc00::2', linkLocalNextHop: linkLocal, nlri: [] },
          },
        },
        ctx,
      ),
      ...buildUpdates(
        {
          nlri: [parsePrefix('203.0.113.0/24', 7)],
          attributes: {
            origin: 2,
            asPath: [{ type: 'sequence', asns: [4200000001] }],
            mpReach: { afi: 1, safi: 1, nextHop: 'fc00::2', nlri: [] },
          },
        },
        ctx,
      ),
      endOfRib({ afi: 1, safi: 1 }, ctx),
      endOfRib({ afi: 2, safi: 1 }, ctx),
    ]);

    await waitFor(async () => (await show('show bgp ipv4 unicast 198.51.100.0/24')).includes('AddPath ID: RX 2'), {
      what: 'both ADD-PATH paths of 198.51.100.0/24 in FRR',
    }).catch(async (error: Error) => {
      const neighbor = (await show('show bgp neighbors fc00::2'))
        .split('\n')
        .filter((l) => /state|reset|otification/i.test(l));
      throw new Error(
        `${error.message}\n${await show('show bgp ipv4 unicast 198.51.100.0/24')}\n${neighbor.join('\n')}`,
      );
    });
    const v4 = await show('show bgp ipv4 unicast 198.51.100.0/24');
    expect(v4).toContain('4200000001 65001');
    expect(v4).toMatch(/Origin IGP, metric 50/);
    expect(v4).toContain('atomic-aggregate');
    expect(v4).toContain('(aggregated by 4200000001 10.0.0.2)');
    expect(v4).toContain('Community: 65001:100 local-AS'); // FRR names NO_EXPORT_SUBCONFED local-AS
    expect(v4).toContain('Extended Community: RT:65001:42');
    expect(v4).toContain('Large Community: 65001:1:2');
    expect(v4).toContain('AddPath ID: RX 1');
    await waitFor(async () => (await show('show bgp ipv6 unicast 2001:db8:1::/48')).includes('fc00::2'), {
      what: 'the IPv6 route in FRR',
    });
    expect(await show('show bgp ipv6 unicast 2001:db8:1::/48')).toContain(`(${linkLocal})`);
    await waitFor(async () => (await show('show bgp ipv4 unicast 203.0.113.0/24')).includes('fc00::2'), {
      what: 'the RFC 8950 route in FRR',
    });
    expect(await show('show bgp ipv4 unicast 203.0.113.0/24')).toMatch(/Origin incomplete/);
    // With graceful restart negotiated FRR tracks End-of-RIB per family (RFC 4724 §2).
    await waitFor(async () => /End-of-RIB received:\s*IPv4 Unicast/.test(await show('show bgp neighbors fc00::2')), {
      what: 'FRR to record our End-of-RIB',
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}\n${(await show('show bgp neighbors fc00::2'))
          .split('\n')
          .filter((l) => /End-of-RIB|raceful/.test(l))
          .join('\n')}`,
      );
    });

    // Withdraw one path and one prefix; FRR drops exactly those.
    peer.send(
      buildUpdates(
        {
          withdrawn: [
            parsePrefix('198.51.100.0/24', 2),
            parsePrefix('198.51.101.0/24', 1),
            parsePrefix('2001:db8:1::/48'),
          ],
        },
        ctx,
      ),
    );
    await waitFor(async () => !(await show('show bgp ipv4 unicast 198.51.101.0/24')).includes('4200000001'), {
      what: 'FRR to withdraw 198.51.101.0/24',
    });
    await waitFor(async () => !(await show('show bgp ipv4 unicast 198.51.100.0/24')).includes('AddPath ID: RX 2'), {
      what: 'FRR to withdraw path 2',
    });
    expect(await show('show bgp ipv4 unicast 198.51.100.0/24')).toContain('AddPath ID: RX 1');
    await waitFor(async () => !(await show('show bgp ipv6 unicast 2001:db8:1::/48')).includes('fc00::2'), {
      what: 'FRR to withdraw the IPv6 route',
    });

    // ROUTE-REFRESH: FRR sends its table again.
    refreshed.length = 0;
    peer.send(encodeMessage({ type: 5, afi: 1, subtype: 0, safi: 1 }, ctx));
    await waitFor(() => refreshed.includes('192.0.2.0/24'), { what: 'FRR to answer ROUTE-REFRESH with its routes' });

    // RFC 9003 shutdown communication.
    peer.send(
      encodeMessage({ type: 3, code: 6, subcode: 2, data: new Uint8Array(0), message: 'cairn test shutdown' }, ctx),
    );
    // FRR 8.4 keeps the RFC 9003 text of the last Administrative Shutdown it received.
    type NeighborJson = Record<string, { lastNotificationReason?: string; lastShutdownDescription?: string }>;
    await waitFor(
      async () =>
        (await frr.json<NeighborJson>('show bgp neighbors fc00::2 json'))['fc00::2']?.lastShutdownDescription ===
        'cairn test shutdown',
      {
        what: 'FRR to record the shutdown communication',
      },
    );
    expect((await frr.json<NeighborJson>('show bgp neighbors fc00::2 json'))['fc00::2']?.lastNotificationReason).toBe(
      'Cease/Administrative Shutdown',
    );
    peer.close();

    // Session 2: a 2-octet AS speaker — AS_TRANS with AS4_PATH and AS4_AGGREGATOR (RFC 6793 §4.2.2).
    const old = await rawPeer(peerNs, '10.0.0.3', '10.0.0.1', {
      type: 1,
      version: 4,
      asn: 65003,
      holdTime: 0,
      routerId: '10.0.0.3',
      capabilities: [{ code: 1, afi: 1, safi: 1 }],
    });
    expect(old.sendContext.fourOctetAs).toBe(false);
    old.send(
      buildUpdates(
        {
          nlri: [parsePrefix('198.18.0.0/15')],
          attributes: {
            origin: 0,
            asPath: [{ type: 'sequence', asns: [65003, 4200000009, 65010] }],
            nextHop: '10.0.0.3',
            aggregator: { asn: 4200000009, address: '10.9.9.9' },
          },
        },
        old.sendContext,
      ),
    );
    await waitFor(async () => (await show('show bgp ipv4 unicast 198.18.0.0/15')).includes('65003 4200000009 65010'), {
      what: 'FRR to rebuild the 4-octet path from AS4_PATH',
    });
    expect(await show('show bgp ipv4 unicast 198.18.0.0/15')).toMatch(/4200000009 10\.9\.9\.9/);
    old.close();
    await frr.stop();
  });
});
