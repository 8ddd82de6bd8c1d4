import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, type Namespace, waitFor } from '@cairn/harness';
import { BfdService } from '../src/index.js';

// RFC 5883 multihop BFD against FRR 8.4 bfdd (`peer X multihop local-address Y`), through a router
// namespace, so packets really cross a hop (TTL 255 sent, 254 received on both sides).

interface FrrPeer {
  peer: string;
  multihop: boolean;
  status: string;
  diagnostic: string;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-detect-multiplier': number;
}

const SESSIONS = [
  { peer: '10.57.1.1', local: '10.57.2.2', frrSees: '10.57.2.2' },
  { peer: 'fc57:1::1', local: 'fc57:2::2', frrSees: 'fc57:2::2' },
];
const BLOCK =
  'nft add table inet cut; nft add chain inet cut transit "{ type filter hook forward priority 0; policy drop; }"';

describe('multihop BFD interop with FRR bfdd (RFC 5883)', () => {
  const lab = Lab.create('bfd-multihop');
  let router: Namespace;
  let frr: FrrInstance;
  let bfd: BfdService;

  const frrPeers = async () => frr.json<FrrPeer[]>('show bfd peers json');
  const everywhere = async (status: 'up' | 'down') => {
    const peers = await frrPeers();
    return (
      peers.length === SESSIONS.length &&
      peers.every((p) => p.status === status) &&
      SESSIONS.every(({ peer }) => bfd.state({ peer, multihop: true }) === status)
    );
  };

  beforeAll(async () => {
    const frrNs = await lab.namespace('frr');
    router = await lab.namespace('router');
    const cairnNs = await lab.namespace('cairn');
    await lab.link(frrNs, 'eth0', router, 'eth0', {
      a: ['10.57.1.1/24', 'fc57:1::1/64'],
      b: ['10.57.1.254/24', 'fc57:1::254/64'],
    });
    await lab.link(router, 'eth1', cairnNs, 'eth0', {
      a: ['10.57.2.254/24', 'fc57:2::254/64'],
      b: ['10.57.2.2/24', 'fc57:2::2/64'],
    });
    await frrNs.sh('ip route add 10.57.2.0/24 via 10.57.1.254 && ip -6 route add fc57:2::/64 via fc57:1::254');
    await cairnNs.sh('ip route add 10.57.1.0/24 via 10.57.2.254 && ip -6 route add fc57:1::/64 via fc57:2::254');
    frr = await FrrInstance.start(frrNs, {
      daemons: ['zebra', 'bfdd'],
      config: [
        'bfd',
        ' peer 10.57.2.2 multihop local-address 10.57.1.1',
        ' !',
        ' peer fc57:2::2 multihop local-address fc57:1::1',
        ' !',
        '!',
        '',
      ].join('\n'),
    });
    bfd = new BfdService({ logger: pino({ level: process.env.CAIRN_LOG ?? 'silent' }), netns: cairnNs.name });
    for (const { peer, local } of SESSIONS) await bfd.addPeer({ peer, local, multihop: true });
  });

  afterAll(async () => {
    await bfd?.close();
    await frr?.stop();
    await lab.destroy();
  });

  it('comes Up across a router over IPv4 and IPv6 with 300 ms × 3', async () => {
    await waitFor(() => everywhere('up'), { what: 'both multihop sessions Up on FRR and Cairn', timeoutMs: 30_000 });
    for (const { frrSees } of SESSIONS) {
      expect((await frrPeers()).find((p) => p.peer === frrSees)).toMatchObject({
        multihop: true,
        'remote-receive-interval': 300,
        'remote-transmit-interval': 300,
        'remote-detect-multiplier': 3,
      });
    }
    expect(bfd.bfdPeersSnapshot().every((row) => row.multihop && row['detection-time'] === 900)).toBe(true);
  });

  it('goes Down on both sides when the router stops forwarding, and Up again when it resumes', async () => {
    await waitFor(() => everywhere('up'), { what: 'sessions Up', timeoutMs: 30_000 });
    await router.sh(BLOCK);
    await waitFor(() => everywhere('down'), { what: 'both sessions Down on both sides', timeoutMs: 10_000 });
    expect((await frrPeers()).every((p) => p.diagnostic === 'control detection time expired')).toBe(true);
    expect(bfd.bfdPeersSnapshot().every((row) => row.diagnostic === 'control detection time expired')).toBe(true);
    await router.sh('nft delete table inet cut');
    await waitFor(() => everywhere('up'), { what: 'both sessions Up again', timeoutMs: 30_000 });
  });

  it('drops multihop packets below the configured minimum TTL (RFC 5883 §5)', async () => {
    // FRR's packets arrive with TTL 254 after the router: a service that requires 255 never sees them.
    const strictNs = await lab.namespace('strict');
    await lab.link(router, 'eth2', strictNs, 'eth0', { a: ['10.57.3.254/24'], b: ['10.57.3.3/24'] });
    await strictNs.sh('ip route add 10.57.1.0/24 via 10.57.3.254');
    await frr.vtysh('configure terminal', 'bfd', 'peer 10.57.3.3 multihop local-address 10.57.1.1');
    const strict = new BfdService({ logger: pino({ level: 'silent' }), netns: strictNs.name, multihopMinimumTtl: 255 });
    try {
      await strict.addPeer({ peer: '10.57.1.1', local: '10.57.3.3', multihop: true });
      // FRR hears the strict side (it accepts 254) and answers; the strict side drops every answer.
      await waitFor(async () => (await frrPeers()).find((p) => p.peer === '10.57.3.3')?.status === 'init', {
        what: 'FRR to hear the strict side (Init)',
        timeoutMs: 15_000,
      });
      expect(strict.state({ peer: '10.57.1.1', multihop: true })).toBe('down');
      expect(strict.bfdPeersSnapshot()[0]!['control-packet-input']).toBe(0);
    } finally {
      await strict.close();
    }
  });
});
