import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cairn/harness';
import { parsePrefix } from '../../src/wire/index.js';
import type { BgpMessage } from '../../src/wire/types.js';
import { type LoopbackLab, loopbackLab } from '../support/loopback-peers.js';
import type { ScriptedPeer } from '../support/scripted-peer.js';

// enforce-first-as (RFC 4271 §6.3, RFC 7606 §3 treat-as-withdraw): on by default for eBGP, off for
// iBGP, and per peer.
const EBGP = '127.0.0.2';
const IBGP = '127.0.0.3';
const ROUTE_SERVER = '127.0.0.4';

const announce = (prefix: string, asns: number[], nextHop: string): BgpMessage => ({
  type: 2,
  withdrawn: [],
  nlri: [parsePrefix(prefix)],
  attributes: { origin: 0, asPath: asns.length ? [{ type: 'sequence', asns }] : [], nextHop },
});

let lab: LoopbackLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** Sends `message`, then a marker route, and waits until the marker is in: the first one was handled. */
async function handled(
  peer: ScriptedPeer,
  message: BgpMessage,
  marker: string,
  nextHop: string,
  asns: number[],
): Promise<void> {
  peer.sendMessage(message);
  peer.sendMessage(announce(marker, asns, nextHop));
  await waitFor(() => lab!.speaker.routes(marker).length > 0, { what: `the marker ${marker}` });
}

describe('enforceFirstAs', () => {
  it('eBGP default: an UPDATE whose first AS is not the peer’s withdraws its routes; the session stays', async () => {
    lab = await loopbackLab([{ address: EBGP, remoteAs: 65002 }]);
    const peer = await lab.establish(EBGP);
    await handled(peer, announce('198.51.100.0/24', [65002, 65010], EBGP), '192.0.2.1/32', EBGP, [65002]);
    expect(lab.speaker.routes('198.51.100.0/24')).toHaveLength(1);
    // The same prefix, now with a first AS that is not the peer's: treat-as-withdraw.
    await handled(peer, announce('198.51.100.0/24', [65010, 65002], EBGP), '192.0.2.2/32', EBGP, [65002]);
    expect(lab.speaker.routes('198.51.100.0/24')).toEqual([]);
    await handled(peer, announce('198.51.101.0/24', [], EBGP), '192.0.2.3/32', EBGP, [65002]);
    expect(lab.speaker.routes('198.51.101.0/24')).toEqual([]);
    expect(lab.speaker.peerState(EBGP)).toBe('Established');
    expect(peer.notification()).toBeUndefined();
  });

  it('is off for iBGP by default and can be turned off for an eBGP route server', async () => {
    lab = await loopbackLab([
      { address: IBGP, remoteAs: 65053 },
      { address: ROUTE_SERVER, remoteAs: 65004, config: { enforceFirstAs: false } },
    ]);
    const ibgp = await lab.establish(IBGP);
    const rs = await lab.establish(ROUTE_SERVER);
    await handled(ibgp, announce('198.51.100.0/24', [65010], IBGP), '192.0.2.1/32', IBGP, []);
    expect(lab.speaker.routes('198.51.100.0/24')).toHaveLength(1);
    await handled(rs, announce('203.0.113.0/24', [65010], ROUTE_SERVER), '192.0.2.2/32', ROUTE_SERVER, [65004]);
    expect(lab.speaker.routes('203.0.113.0/24')).toHaveLength(1);
  });

  it('turned on at run time applies to the next UPDATE, without a session reset', async () => {
    lab = await loopbackLab([{ address: EBGP, remoteAs: 65002, config: { enforceFirstAs: false } }]);
    const peer = await lab.establish(EBGP);
    await handled(peer, announce('198.51.100.0/24', [65010], EBGP), '192.0.2.1/32', EBGP, [65002]);
    expect(lab.speaker.routes('198.51.100.0/24')).toHaveLength(1);
    lab.speaker.updatePeer({ ...lab.configOf(EBGP), enforceFirstAs: true });
    await handled(peer, announce('198.51.101.0/24', [65010], EBGP), '192.0.2.2/32', EBGP, [65002]);
    expect(lab.speaker.routes('198.51.101.0/24')).toEqual([]);
    expect(lab.speaker.summary().ipv4Unicast!.peers[EBGP]).toMatchObject({
      state: 'Established',
      connectionsEstablished: 1,
    });
    expect(peer.notification()).toBeUndefined();
  });
});
