import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, waitFor } from '@cairn/harness';
import type { BgpSpeaker } from '../../src/speaker/index.js';
import {
  CAIRN_V6,
  UPSTREAM_V6,
  cairnPeers,
  cairnSpeaker,
  frrPaths,
  referenceLab,
  startUpstream,
  upstreamConfig,
} from './lab.js';

// RFC 8950: IPv4 unicast over the IPv6 session, with IPv6 next hops both ways, against FRR 8.4
// (`neighbor … capability extended-nexthop`).
describe('extended next hop (RFC 8950) against FRR 8.4', () => {
  const lab = Lab.create('speaker-enh');
  let frr: FrrInstance;
  let speaker: BgpSpeaker;

  beforeAll(async () => {
    const net = await referenceLab(lab);
    const config = upstreamConfig({ extra: [` neighbor ${CAIRN_V6} capability extended-nexthop`] }).replace(
      `  no neighbor ${CAIRN_V6} activate\n`,
      `  neighbor ${CAIRN_V6} activate\n`,
    );
    frr = await startUpstream(net.upstream, config);
    speaker = cairnSpeaker(net.vr);
    speaker.addPeer({ ...cairnPeers()[1]!, families: ['ipv4', 'ipv6'] });
    await speaker.start();
    speaker.announce('202.38.80.16/28');
  });
  afterAll(async () => {
    await speaker?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  it('announces an IPv4 prefix over the IPv6 session with its global IPv6 next hop', async () => {
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to learn the /28 over IPv6',
      timeoutMs: 60_000,
    });
    const [path] = await frrPaths(frr, 'ipv4', '202.38.80.16/28');
    expect(path?.nexthops?.find((n) => n.scope === 'global' || n.afi === 'ipv6')?.ip).toBe(CAIRN_V6);
    expect(path?.aspath?.string).toBe('65053');
  });

  it("learns FRR's IPv4 default over the IPv6 session with an IPv6 next hop", async () => {
    await waitFor(() => speaker.routes('0.0.0.0/0').find((r) => r.from === UPSTREAM_V6), {
      what: 'the IPv4 default over IPv6',
    });
    const route = speaker.routes('0.0.0.0/0').find((r) => r.from === UPSTREAM_V6)!;
    expect(route.nextHop).toBe(UPSTREAM_V6);
    expect(route.best).toBe(true);
  });
});
