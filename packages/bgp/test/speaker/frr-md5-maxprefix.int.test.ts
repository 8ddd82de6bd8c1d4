import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type Namespace, frrNeighborState, waitFor } from '@cairn/harness';
import type { BgpSpeaker, SpeakerEvent } from '../../src/speaker/index.js';
import { CAIRN_V4, UPSTREAM_V4, cairnPeers, cairnSpeaker, referenceLab, startUpstream, upstreamConfig } from './lab.js';

const UPSTREAM_B = '10.201.0.1';
const CAIRN_B = '10.201.0.102';

async function counter(ns: Namespace, name: string): Promise<number> {
  const { stdout } = await ns.exec('nstat', ['-asz', name]);
  return Number(new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(stdout)?.[1] ?? 0);
}

// TCP-MD5 against FRR: a wrong or a missing password never establishes (the kernel drops the
// segments, as its counters show); fixing the password at run time does, without touching the
// other session. Then a max-prefix limit closes the session with Cease/1 (RFC 4486).
describe('TCP-MD5 and max-prefix against FRR 8.4', () => {
  const lab = Lab.create('speaker-md5');
  let upstream: Namespace;
  let vr: Namespace;
  let frr: FrrInstance;
  let wrong: BgpSpeaker;
  let missing: BgpSpeaker;
  const missingEvents: SpeakerEvent[] = [];
  const wrongEvents: SpeakerEvent[] = [];

  beforeAll(async () => {
    const net = await referenceLab(lab);
    upstream = net.upstream;
    vr = net.vr;
    const vr2 = await lab.namespace('vr2');
    await lab.link(upstream, 'eth1', vr2, 'eth0', { a: [`${UPSTREAM_B}/24`], b: [`${CAIRN_B}/24`] });
    frr = await startUpstream(
      upstream,
      upstreamConfig({
        extraNetworks: ['198.51.100.0/24'],
        extra: [
          ` neighbor ${CAIRN_B} remote-as 65053`,
          ` neighbor ${CAIRN_B} password password3`,
          ` neighbor ${CAIRN_B} timers 3 9`,
          ` neighbor ${CAIRN_B} timers connect 1`,
        ],
      }),
    );
    wrong = cairnSpeaker(net.vr);
    wrong.addPeer({ ...cairnPeers()[0]!, password: 'password4' });
    missing = cairnSpeaker(vr2);
    const { password: _none, ...noPassword } = cairnPeers()[0]!;
    missing.addPeer({ ...noPassword, address: UPSTREAM_B, families: ['ipv4'], maxPrefixes: 1 });
    for (const [speaker, sink] of [
      [wrong, wrongEvents],
      [missing, missingEvents],
    ] as const) {
      void (async () => {
        for await (const event of speaker.events()) sink.push(event);
      })();
    }
    await wrong.start();
    await missing.start();
  });
  afterAll(async () => {
    await wrong?.stop();
    await missing?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  it('a wrong password and a missing password never establish: the kernel drops every attempt', async () => {
    const failures = await counter(upstream, 'TcpExtTCPMD5Failure');
    const notFound = await counter(upstream, 'TcpExtTCPMD5NotFound');
    // Several rounds of connection attempts from both sides (Cairn retries every 1-4 s, FRR every 1 s).
    await waitFor(async () => (await counter(upstream, 'TcpExtTCPMD5Failure')) >= failures + 3, {
      what: 'SYNs with a wrong digest dropped',
    });
    await waitFor(async () => (await counter(upstream, 'TcpExtTCPMD5NotFound')) >= notFound + 3, {
      what: 'SYNs without a digest dropped',
    });
    // Abandoned attempts are closed: not one SYN_SENT socket per retry piling up.
    const synSent = (await vr.exec('ss', ['-Htn', 'state', 'syn-sent'])).stdout.split('\n').filter(Boolean);
    expect(synSent.length).toBeLessThanOrEqual(1);
    expect(await frrNeighborState(frr, CAIRN_V4)).not.toBe('Established');
    expect(await frrNeighborState(frr, CAIRN_B)).not.toBe('Established');
    // Not one OPEN exchange got under way on either Cairn speaker.
    for (const events of [wrongEvents, missingEvents]) {
      expect(events.filter((e) => e.type === 'peer-state' && e.to === 'OpenSent')).toEqual([]);
    }
  });

  it('fixing the password at run time establishes that session only', async () => {
    wrong.updatePeer({ ...cairnPeers()[0]! });
    await waitFor(
      async () =>
        (await frrNeighborState(frr, CAIRN_V4)) === 'Established' && wrong.peerState(UPSTREAM_V4) === 'Established',
      {
        what: 'the session with the corrected password',
        timeoutMs: 60_000,
      },
    );
    expect(await frrNeighborState(frr, CAIRN_B)).not.toBe('Established');
  });

  it('closes with Cease/Maximum Number of Prefixes Reached when the peer sends more than maxPrefixes', async () => {
    // The missing password is added; FRR then sends 0.0.0.0/0 and 198.51.100.0/24: one too many.
    missing.updatePeer({ ...cairnPeers()[0]!, address: UPSTREAM_B, families: ['ipv4'], maxPrefixes: 1 });
    await waitFor(
      () =>
        missingEvents.some(
          (e) =>
            e.type === 'peer-state' && e.from === 'Established' && e.reason?.startsWith('maximum prefixes 1 exceeded'),
        ),
      { what: 'Cairn to close the session over max-prefix', timeoutMs: 60_000 },
    );
    await waitFor(
      async () =>
        JSON.stringify(await frr.json(`show bgp neighbors ${CAIRN_B} json`)).includes(
          'Maximum Number of Prefixes Reached',
        ),
      { what: 'FRR to report the Cease/1 NOTIFICATION it received' },
    );
    // The routes of the closed session are gone; the other speaker's session is untouched.
    expect(missing.routes('198.51.100.0/24')).toEqual([]);
    expect(wrong.peerState(UPSTREAM_V4)).toBe('Established');
  });
});
