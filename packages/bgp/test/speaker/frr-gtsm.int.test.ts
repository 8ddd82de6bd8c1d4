import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type Namespace, frrNeighborState, waitFor } from '@cairn/harness';
import type { BgpSpeaker } from '../../src/speaker/index.js';
import { CAIRN_V4, UPSTREAM_V4, cairnPeers, cairnSpeaker, referenceLab, startUpstream, upstreamConfig } from './lab.js';

async function minTtlDrops(ns: Namespace): Promise<number> {
  const { stdout } = await ns.exec('nstat', ['-asz', 'TcpExtTCPMinTTLDrop']);
  return Number(/TcpExtTCPMinTTLDrop\s+(\d+)/.exec(stdout)?.[1] ?? 0);
}

// GTSM (RFC 5082) with FRR 8.4 `neighbor … ttl-security hops 1`: FRR accepts only TTL 255. Cairn
// without GTSM (TTL 64) is dropped by FRR's kernel; with ttlSecurityHops 1 the session comes up.
describe('GTSM against FRR 8.4', () => {
  const lab = Lab.create('speaker-gtsm');
  let upstream: Namespace;
  let frr: FrrInstance;
  let speaker: BgpSpeaker;

  beforeAll(async () => {
    const net = await referenceLab(lab);
    upstream = net.upstream;
    frr = await startUpstream(upstream, upstreamConfig({ extra: [` neighbor ${CAIRN_V4} ttl-security hops 1`] }));
    speaker = cairnSpeaker(net.vr, { listen: [] });
    speaker.addPeer({ ...cairnPeers()[0]!, families: ['ipv4'] });
    await speaker.start();
  });
  afterAll(async () => {
    await speaker?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  it('without GTSM, FRR’s kernel drops our segments and FRR never gets the session up', async () => {
    const before = await minTtlDrops(upstream);
    await waitFor(async () => (await minTtlDrops(upstream)) > before + 2, {
      what: 'segments with TTL 64 dropped by FRR (IP_MINTTL 255)',
      timeoutMs: 60_000,
    });
    // Only one direction is cut (FRR's TTL-255 segments reach us), so Cairn may get as far as it can
    // on FRR's messages; FRR never receives our KEEPALIVE and never reaches Established.
    expect(await frrNeighborState(frr, CAIRN_V4)).not.toBe('Established');
  });

  it('with ttlSecurityHops 1 (TTL 255 out, 255 required in) the session comes up', async () => {
    speaker.updatePeer({ ...cairnPeers()[0]!, families: ['ipv4'], ttlSecurityHops: 1 });
    await waitFor(
      async () =>
        speaker.peerState(UPSTREAM_V4) === 'Established' && (await frrNeighborState(frr, CAIRN_V4)) === 'Established',
      {
        what: 'the GTSM session Established',
        timeoutMs: 60_000,
      },
    );
  });
});
