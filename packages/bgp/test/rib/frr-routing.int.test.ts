// The RIB, decision process, policy and origination proven against FRR 8.4: Cairn (AS 65053) between
// an upstream FRR (AS 64999) and a downstream FRR (AS 65010), each over eBGP. What FRR learns from
// Cairn shows the export side (AS_PATH prepend, next-hop self, MED and NO_EXPORT rules, export
// policy, RFC 8212, conditional aggregates); what Cairn selects shows import policy and the decision.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import { ACCEPT_ALL, BgpSpeaker, LinuxTransport, type Policy } from '../../src/index.js';

const UP = { frr: '10.201.0.1', cairn: '10.201.0.101', as: 64999 };
const DOWN = { frr: '10.202.0.1', cairn: '10.202.0.101', as: 65010 };
const CAIRN_AS = 65053;

/** FRR's bgpd config; `networks` are `network` lines of the IPv4 family, or whole `neighbor …` lines for it. */
function frrConfig(side: typeof UP, body: string[], networks: string[], extra: string[] = []): string {
  return [
    `router bgp ${side.as}`,
    ` bgp router-id ${side.frr}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ` neighbor ${side.cairn} remote-as ${CAIRN_AS}`,
    ` neighbor ${side.cairn} timers 3 9`,
    ` neighbor ${side.cairn} timers connect 1`,
    ` neighbor ${side.cairn} advertisement-interval 0`,
    ...body,
    ' address-family ipv4 unicast',
    ...networks.map((n) => (n.startsWith('neighbor') ? `  ${n}` : `  network ${n}`)),
    ' exit-address-family',
    ...extra,
    '',
  ].join('\n');
}

interface FrrPath {
  aspath?: { string?: string };
  med?: number;
  metric?: number;
  community?: { string?: string };
  nexthops?: { ip?: string }[];
  bestpath?: { overall?: boolean };
}

async function paths(frr: FrrInstance, prefix: string): Promise<FrrPath[]> {
  return (await frr.json<{ paths?: FrrPath[] }>(`show bgp ipv4 unicast ${prefix} json`)).paths ?? [];
}

/** Import policy towards the upstream: drop 192.0.2.0/24 and longer, prefer routes tagged 64999:10. */
const upstreamImport: Policy = {
  name: 'from-upstream',
  terms: [
    {
      name: 'no-doc-prefixes',
      match: { prefixList: { entries: [{ action: 'permit', prefix: '192.0.2.0/24', le: 32 }] } },
      result: 'reject',
    },
    { name: 'preferred', match: { community: ['64999:10'] }, actions: { localPref: 200 }, result: 'accept' },
  ],
  defaultResult: 'accept',
};

/** Export policy towards the upstream: our guest networks prepended twice and tagged. */
const upstreamExport: Policy = {
  name: 'to-upstream',
  terms: [
    {
      name: 'guests',
      match: { prefixList: { entries: [{ action: 'permit', prefix: '202.38.80.0/24', ge: 28, le: 28 }] } },
      actions: { prependAs: { count: 2 }, communities: { add: ['65053:7'] } },
      result: 'accept',
    },
  ],
  defaultResult: 'accept',
};

describe('RIB and policy against FRR 8.4 (upstream AS 64999, downstream AS 65010)', () => {
  const lab = Lab.create('rib-frr');
  let upstream: FrrInstance;
  let downstream: FrrInstance;
  let speaker: BgpSpeaker;

  beforeAll(async () => {
    const upNs = await lab.namespace('upstream');
    const downNs = await lab.namespace('downstream');
    const vr = await lab.namespace('vr');
    await lab.link(upNs, 'eth0', vr, 'up0', { a: [`${UP.frr}/24`], b: [`${UP.cairn}/24`] });
    await lab.link(downNs, 'eth0', vr, 'down0', { a: [`${DOWN.frr}/24`], b: [`${DOWN.cairn}/24`] });
    upstream = await FrrInstance.start(upNs, {
      // FRR does not send its own NO_EXPORT routes to eBGP peers, so the community is set on the way out.
      config: frrConfig(
        UP,
        [],
        [
          '198.51.100.0/24 route-map TAG',
          '203.0.113.0/24',
          '192.0.2.0/25',
          '100.64.0.0/24',
          `neighbor ${UP.cairn} route-map OUT out`,
        ],
        [
          'route-map TAG permit 10',
          ' set metric 50',
          ' set community 64999:10',
          'ip prefix-list NOEXPORT seq 5 permit 203.0.113.0/24',
          'route-map OUT permit 10',
          ' match ip address prefix-list NOEXPORT',
          ' set community no-export',
          'route-map OUT permit 20',
        ],
      ),
    });
    downstream = await FrrInstance.start(downNs, {
      config: frrConfig(
        DOWN,
        [],
        ['100.64.0.0/24 route-map LONG'],
        ['route-map LONG permit 10', ' set as-path prepend 65010 65010'],
      ),
    });
    const logger = pino({ level: process.env.CAIRN_TEST_LOG ?? 'silent' });
    speaker = new BgpSpeaker({
      localAs: CAIRN_AS,
      routerId: UP.cairn,
      logger,
      transport: new LinuxTransport({ netns: vr.name, listenAddresses: ['0.0.0.0'], logger }),
    });
    const timers = {
      holdTime: 9,
      connectRetryTime: 2,
      idleHoldTime: 1,
      maxIdleHoldTime: 4,
      families: ['ipv4' as const],
    };
    speaker.addPeer({
      address: UP.frr,
      remoteAs: UP.as,
      localAddress: UP.cairn,
      importPolicy: upstreamImport,
      exportPolicy: upstreamExport,
      ...timers,
    });
    speaker.addPeer({
      address: DOWN.frr,
      remoteAs: DOWN.as,
      localAddress: DOWN.cairn,
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
      ...timers,
    });
    await speaker.start();
    await waitFor(
      async () =>
        speaker.peerState(UP.frr) === 'Established' &&
        speaker.peerState(DOWN.frr) === 'Established' &&
        (await frrNeighborState(upstream, UP.cairn)) === 'Established' &&
        (await frrNeighborState(downstream, DOWN.cairn)) === 'Established',
      { what: 'both sessions Established', timeoutMs: 60_000 },
    );
  });
  afterAll(async () => {
    await speaker?.stop();
    await upstream?.stop();
    await downstream?.stop();
    await lab.destroy();
  });

  it('import policy: rejects by prefix list (counted received, not accepted) and sets LOCAL_PREF by community', async () => {
    await waitFor(() => speaker.routes('198.51.100.0/24').find((r) => r.best), {
      what: 'Cairn to select 198.51.100.0/24',
    });
    const tagged = speaker.routes('198.51.100.0/24').find((r) => r.best)!;
    expect(tagged).toMatchObject({ from: UP.frr, localPref: 200, med: 50, asPath: [64999], communities: ['64999:10'] });
    await waitFor(() => speaker.rib.counts(UP.frr).received === 4, { what: 'all four upstream prefixes received' });
    expect(speaker.rib.counts(UP.frr)).toMatchObject({ received: 4, accepted: 3 });
    expect(speaker.routes('192.0.2.0/25')).toEqual([]);
    expect(speaker.summary().ipv4Unicast?.peers[UP.frr]?.pfxRcd).toBe(3);
  });

  it('eBGP transit: downstream FRR gets upstream routes with our AS prepended, next hop self, no MED; NO_EXPORT stays home', async () => {
    await waitFor(async () => (await paths(downstream, '198.51.100.0/24')).length > 0, {
      what: 'downstream FRR to learn 198.51.100.0/24',
    });
    const [path] = await paths(downstream, '198.51.100.0/24');
    expect(path?.aspath?.string).toBe('65053 64999');
    expect(path?.nexthops?.[0]?.ip).toBe(DOWN.cairn);
    // RFC 4271 §5.1.4: the MED upstream set is not passed to another AS; communities are transitive.
    expect(path?.med ?? path?.metric).toBeUndefined();
    expect(path?.community?.string).toBe('64999:10');
    // RFC 1997: Cairn holds the NO_EXPORT route but does not advertise it to the other AS.
    expect(speaker.routes('203.0.113.0/24').find((r) => r.best)?.communities).toEqual(['no-export']);
    expect(await paths(downstream, '203.0.113.0/24')).toEqual([]);
    // Not sent back to where it came from: upstream FRR has only its own 198.51.100.0/24.
    expect((await paths(upstream, '198.51.100.0/24')).every((p) => !p.aspath?.string?.includes('65053'))).toBe(true);
  });

  it('decision: the shorter AS path wins; when it is withdrawn the other takes over and both FRRs are updated', async () => {
    await waitFor(() => speaker.routes('100.64.0.0/24').length === 2, { what: 'both paths to 100.64.0.0/24 in Cairn' });
    expect(speaker.routes('100.64.0.0/24').find((r) => r.best)).toMatchObject({ from: UP.frr, asPath: [64999] });
    await waitFor(
      async () => (await paths(downstream, '100.64.0.0/24')).some((p) => p.aspath?.string === '65053 64999'),
      {
        what: 'downstream FRR to hear the upstream path from Cairn',
      },
    );
    await upstream.vtysh(
      'configure terminal',
      `router bgp ${UP.as}`,
      'address-family ipv4 unicast',
      'no network 100.64.0.0/24',
    );
    await waitFor(() => speaker.routes('100.64.0.0/24').find((r) => r.best)?.from === DOWN.frr, {
      what: 'Cairn to fail over to the downstream path',
    });
    expect(speaker.routes('100.64.0.0/24').find((r) => r.best)?.asPath).toEqual([65010, 65010, 65010]);
    await waitFor(
      async () => (await paths(upstream, '100.64.0.0/24')).some((p) => p.aspath?.string === '65053 65010 65010 65010'),
      {
        what: 'upstream FRR to learn the downstream path through Cairn',
      },
    );
    await waitFor(
      async () => (await paths(downstream, '100.64.0.0/24')).every((p) => !p.aspath?.string?.startsWith('65053')),
      {
        what: 'downstream FRR to get the withdrawal of the path it now originates',
      },
    );
  });

  it('origination: communities and MED as given; export policy prepends and tags the guest networks', async () => {
    speaker.announce('202.38.80.16/28', { communities: ['65053:100'], med: 20 });
    speaker.announce('198.18.0.0/15', { origin: 2 });
    await waitFor(async () => (await paths(upstream, '202.38.80.16/28')).length > 0, {
      what: 'upstream FRR to learn the guest /28',
    });
    const [guest] = await paths(upstream, '202.38.80.16/28');
    expect(guest?.aspath?.string).toBe('65053 65053 65053');
    // FRR lists communities in ascending order.
    expect(guest?.community?.string).toBe('65053:7 65053:100');
    expect(guest?.med ?? guest?.metric).toBe(20);
    expect(guest?.nexthops?.[0]?.ip).toBe(UP.cairn);
    await waitFor(async () => (await paths(upstream, '198.18.0.0/15')).length > 0, {
      what: 'upstream FRR to learn 198.18.0.0/15',
    });
    expect((await paths(upstream, '198.18.0.0/15'))[0]?.aspath?.string).toBe('65053');
    // The downstream has no such export policy: one AS, no tag.
    await waitFor(async () => (await paths(downstream, '202.38.80.16/28')).length > 0, {
      what: 'downstream FRR to learn the guest /28',
    });
    expect((await paths(downstream, '202.38.80.16/28'))[0]?.aspath?.string).toBe('65053');
  });

  it('a conditional aggregate exists in FRR exactly while a more-specific route does (learned or originated)', async () => {
    speaker.announce('10.128.0.0/16', {}, { aggregate: true, onlyWithContributors: true });
    speaker.announce('10.128.5.0/24');
    await waitFor(async () => (await paths(upstream, '10.128.0.0/16')).length > 0, {
      what: 'the aggregate at upstream FRR',
    });
    expect((await paths(upstream, '10.128.0.0/16'))[0]?.aspath?.string).toBe('65053');
    // A contributor learned from the downstream keeps the aggregate when ours goes.
    await downstream.vtysh(
      'configure terminal',
      `router bgp ${DOWN.as}`,
      'address-family ipv4 unicast',
      'network 10.128.9.0/24',
    );
    await waitFor(() => speaker.routes('10.128.9.0/24').length > 0, { what: 'Cairn to learn 10.128.9.0/24' });
    speaker.withdraw('10.128.5.0/24');
    await waitFor(async () => (await paths(upstream, '10.128.5.0/24')).length === 0, {
      what: 'upstream FRR to drop 10.128.5.0/24',
    });
    expect(await paths(upstream, '10.128.0.0/16')).toHaveLength(1);
    await downstream.vtysh(
      'configure terminal',
      `router bgp ${DOWN.as}`,
      'address-family ipv4 unicast',
      'no network 10.128.9.0/24',
    );
    await waitFor(async () => (await paths(upstream, '10.128.0.0/16')).length === 0, {
      what: 'upstream FRR to drop the aggregate with its last contributor',
    });
  });

  it('RFC 8212: without an export policy the downstream FRR is sent nothing, and the state says why', async () => {
    await waitFor(async () => (await paths(downstream, '198.51.100.0/24')).length > 0, {
      what: 'downstream has our routes first',
    });
    speaker.setPolicies(DOWN.frr, { importPolicy: ACCEPT_ALL, exportPolicy: undefined });
    await waitFor(
      async () =>
        (await paths(downstream, '198.51.100.0/24')).length === 0 &&
        (await paths(downstream, '202.38.80.16/28')).length === 0,
      {
        what: 'downstream FRR to lose every route from Cairn',
      },
    );
    expect(speaker.summary().ipv4Unicast?.peers[DOWN.frr]?.policyBlocks).toEqual({
      export: 'RFC 8212: no export policy',
    });
    expect(speaker.rib.counts(DOWN.frr).advertised).toBe(0);
    speaker.setPolicies(DOWN.frr, { importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    await waitFor(async () => (await paths(downstream, '198.51.100.0/24')).length > 0, {
      what: 'downstream FRR to get the routes back',
    });
  });
});
