// A third implementation: GoBGP 3 announces routes (added through its CLI) to a raw Cairn-codec peer,
// and every message it sends decodes: OPEN capabilities, an IPv4 UPDATE with MED, communities and
// large communities, IPv6 MP_REACH, KEEPALIVE, and a withdrawal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, waitFor } from '../../../../test/harness/index.js';
import { formatPrefix } from '../../src/wire/index.js';
import type { BgpMessage, OpenMessage, UpdateMessage } from '../../src/wire/index.js';
import { rawPeer } from './raw-peer.js';

const gobgpConfig = `
[global.config]
  as = 65001
  router-id = "10.0.0.1"
  port = 179

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.0.0.2"
    peer-as = 4200000002
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`;

describe('GoBGP 3 → Cairn codec', () => {
  const lab = Lab.create('bgpgobgp');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gobgp-'));
  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes everything GoBGP sends', async () => {
    const gobgpNs = await lab.namespace('gobgp');
    const peerNs = await lab.namespace('peer');
    await lab.link(gobgpNs, 'eth0', peerNs, 'eth0', {
      a: ['10.0.0.1/24', 'fc00::1/64'],
      b: ['10.0.0.2/24', 'fc00::2/64'],
    });
    writeFileSync(join(dir, 'gobgpd.toml'), gobgpConfig);
    void gobgpNs.spawn('gobgpd', [
      '-f',
      join(dir, 'gobgpd.toml'),
      '-t',
      'toml',
      '--api-hosts',
      '127.0.0.1:50051',
      '-l',
      'warn',
    ]);
    const gobgp = (...args: string[]) => gobgpNs.exec('gobgp', ['-u', '127.0.0.1', '-p', '50051', ...args]);
    await waitFor(
      async () =>
        (await gobgpNs.exec('gobgp', ['-u', '127.0.0.1', '-p', '50051', 'neighbor'], { allowFailure: true }))
          .exitCode === 0,
      { what: 'gobgpd to answer its API' },
    );
    await gobgp(
      'global',
      'rib',
      'add',
      '198.51.100.0/24',
      'origin',
      'igp',
      'med',
      '50',
      'community',
      '65001:100',
      'large-community',
      '65001:1:2',
      '-a',
      'ipv4',
    );
    await gobgp('global', 'rib', 'add', '2001:db8:100::/48', 'nexthop', 'fc00::1', '-a', 'ipv6');

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
      ],
    };
    const messages: BgpMessage[] = [];
    const peer = await rawPeer(peerNs, '10.0.0.2', '10.0.0.1', open, (m) => messages.push(m));
    const updates = () => messages.filter((m): m is UpdateMessage => m.type === 2);
    const announced = () =>
      updates().flatMap((u) => [...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])].map(formatPrefix));
    await waitFor(() => announced().includes('198.51.100.0/24') && announced().includes('2001:db8:100::/48'), {
      what: 'both routes from GoBGP',
    });

    expect(peer.remoteOpen).toMatchObject({ asn: 65001, routerId: '10.0.0.1' });
    const codes = peer.remoteOpen.capabilities.map((c) => c.code);
    for (const code of [1, 2, 65]) expect(codes, `capability ${code} in GoBGP's OPEN`).toContain(code);
    const v4 = updates().find((u) => u.nlri.some((p) => formatPrefix(p) === '198.51.100.0/24'))!;
    expect(v4.attributes).toMatchObject({
      origin: 0,
      asPath: [{ type: 'sequence', asns: [65001] }],
      nextHop: '10.0.0.1',
      med: 50,
      communities: [65001 * 65536 + 100],
      largeCommunities: [{ globalAdmin: 65001, local1: 1, local2: 2 }],
    });
    const v6 = updates().find((u) => u.attributes.mpReach?.nlri.some((p) => formatPrefix(p) === '2001:db8:100::/48'))!;
    expect(v6.attributes.mpReach).toMatchObject({ afi: 2, safi: 1 });
    expect(updates().every((u) => !u.treatAsWithdraw && !u.discarded)).toBe(true);

    // Withdrawals decode too.
    await gobgp('global', 'rib', 'del', '198.51.100.0/24', '-a', 'ipv4');
    await waitFor(() => updates().some((u) => u.withdrawn.some((p) => formatPrefix(p) === '198.51.100.0/24')), {
      what: 'the withdrawal from GoBGP',
    });
    peer.close();
  });
});
