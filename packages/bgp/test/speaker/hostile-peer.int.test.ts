import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type Namespace, frrNeighborState, waitFor } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import type { BgpSpeaker, SpeakerEvent } from '../../src/speaker/index.js';
import { BgpDecodeError, decodeMessage, encodeMessage, parsePrefix } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT } from '../../src/wire/types.js';
import { FOUR_OCTET_CTX as CTX, ScriptedPeer } from '../support/scripted-peer.js';
import { CAIRN_V4, UPSTREAM_V4, cairnPeers, cairnSpeaker, frrPaths, referenceLab, startUpstream } from './lab.js';

const HOSTILE = '10.202.0.66';
const CAIRN_H = '10.202.0.101';

async function connectFrom(ns: Namespace): Promise<ScriptedPeer> {
  const socket = await ns.enter(
    () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: CAIRN_H, port: 179, localAddress: HOSTILE }, () => resolve(s));
        s.once('error', reject);
      }),
  );
  return new ScriptedPeer(socket);
}

function update(prefix: string, origin = 0): Uint8Array {
  return encodeMessage(
    {
      type: 2,
      withdrawn: [],
      nlri: [parsePrefix(prefix)],
      attributes: { origin: origin as 0, asPath: [{ type: 'sequence', asns: [65066] }], nextHop: HOSTILE },
    },
    CTX,
  );
}

// A hostile peer sends malformed UPDATEs: RFC 7606 treat-as-withdraw where the RFC allows it, the
// right NOTIFICATION where the session must go, and the FRR session beside it never notices.
describe('hostile peer with malformed UPDATEs, next to an FRR session', () => {
  const lab = Lab.create('speaker-hostile');
  let frr: FrrInstance;
  let speaker: BgpSpeaker;
  let hostileNs: Namespace;
  const events: SpeakerEvent[] = [];

  beforeAll(async () => {
    const net = await referenceLab(lab);
    hostileNs = await lab.namespace('hostile');
    await lab.link(hostileNs, 'eth0', net.vr, 'eth1', { a: [`${HOSTILE}/24`], b: [`${CAIRN_H}/24`] });
    frr = await startUpstream(net.upstream);
    speaker = cairnSpeaker(net.vr);
    speaker.addPeer({ ...cairnPeers()[0]!, families: ['ipv4'] });
    speaker.addPeer({
      address: HOSTILE,
      remoteAs: 65066,
      passive: true,
      families: ['ipv4'],
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
      idleHoldTime: 1,
    });
    void (async () => {
      for await (const event of speaker.events()) events.push(event);
    })();
    await speaker.start();
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) === 'Established', {
      what: 'the FRR session',
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await speaker?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  const frrSessionUntouched = () =>
    expect(events.filter((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4 && e.from === 'Established')).toEqual(
      [],
    );

  it('treats an UPDATE with an invalid ORIGIN as a withdrawal and keeps the session (RFC 7606 §7.1)', async () => {
    const peer = await connectFrom(hostileNs);
    peer.send(
      encodeMessage(
        {
          type: 1,
          version: 4,
          asn: 65066,
          holdTime: 90,
          routerId: HOSTILE,
          capabilities: [
            { code: 1, afi: 1, safi: 1 },
            { code: 65, asn: 65066 },
          ],
        },
        DEFAULT_CODEC_CONTEXT,
      ),
    );
    await waitFor(() => peer.received.some((m) => m.type === 1), { what: "Cairn's OPEN" });
    peer.send(encodeMessage({ type: 4 }, CTX));
    await waitFor(() => speaker.peerState(HOSTILE) === 'Established', { what: 'the hostile session Established' });

    peer.send(update('198.18.0.0/24'));
    await waitFor(() => speaker.routes('198.18.0.0/24').length > 0, { what: 'the valid route learned' });

    const badOrigin = update('198.18.0.0/24');
    // header 19 + withdrawn length 2 + attribute length 2: ORIGIN comes first (flags 0x40, type 1, length 1, value)
    expect([...badOrigin.subarray(23, 26)]).toEqual([0x40, 1, 1]);
    badOrigin[26] = 7;
    expect((decodeMessage(badOrigin, CTX) as { treatAsWithdraw?: unknown }).treatAsWithdraw).toBeDefined(); // the codec's verdict
    peer.send(badOrigin);
    await waitFor(() => speaker.routes('198.18.0.0/24').length === 0, {
      what: 'the route withdrawn by the malformed UPDATE',
    });
    // The session is still up: a following valid UPDATE is learned, and no NOTIFICATION came.
    peer.send(update('198.18.1.0/24'));
    await waitFor(() => speaker.routes('198.18.1.0/24').length > 0, { what: 'a later valid route' });
    expect(speaker.peerState(HOSTILE)).toBe('Established');
    expect(peer.received.filter((m) => m.type === 3)).toEqual([]);
    frrSessionUntouched();

    // A Total Path Attribute Length that overruns the message: the NLRI cannot be found, so the
    // session must be reset (RFC 7606 §4) with the NOTIFICATION the codec names.
    const overrun = update('198.18.2.0/24');
    overrun[22] = 0xff;
    let expected: BgpDecodeError | undefined;
    try {
      decodeMessage(overrun, CTX);
    } catch (error) {
      expected = error as BgpDecodeError;
    }
    expect(expected).toBeInstanceOf(BgpDecodeError);
    expect(expected!.code).toBe(3);
    peer.send(overrun);
    await waitFor(() => peer.received.find((m) => m.type === 3), { what: 'a NOTIFICATION from Cairn' });
    expect(peer.received.find((m) => m.type === 3)).toMatchObject({ code: expected!.code, subcode: expected!.subcode });
    await waitFor(() => peer.closed, { what: 'Cairn to close the connection' });
    expect(speaker.peerState(HOSTILE)).not.toBe('Established');
    // The hostile peer's routes are gone; FRR's session never moved.
    expect(speaker.routes('198.18.1.0/24')).toEqual([]);
    frrSessionUntouched();
    expect(await frrNeighborState(frr, CAIRN_V4)).toBe('Established');
  });

  it('answers a broken message header with NOTIFICATION Message Header Error / Connection Not Synchronized', async () => {
    await waitFor(() => speaker.peerState(HOSTILE) === 'Active', {
      what: 'the hostile peer listened for again',
      timeoutMs: 30_000,
    });
    const peer = await connectFrom(hostileNs);
    const open = encodeMessage(
      { type: 1, version: 4, asn: 65066, holdTime: 90, routerId: HOSTILE, capabilities: [{ code: 65, asn: 65066 }] },
      DEFAULT_CODEC_CONTEXT,
    );
    open[3] = 0; // the marker must be all ones (RFC 4271 §6.1)
    peer.send(open);
    await waitFor(() => peer.received.find((m) => m.type === 3), { what: 'a NOTIFICATION' });
    expect(peer.received.find((m) => m.type === 3)).toMatchObject({ code: 1, subcode: 1 });
    frrSessionUntouched();
  });
  it('passes on no malformed Tunnel Encapsulation attribute: FRR keeps its session (RFC 9012 §13 treat-as-withdraw)', async () => {
    await waitFor(() => speaker.peerState(HOSTILE) === 'Active', {
      what: 'the hostile peer listened for again',
      timeoutMs: 30_000,
    });
    const frrCounters = async () => {
      const json = await frr.json<Record<string, { connectionsEstablished: number; connectionsDropped: number }>>(
        `show bgp neighbors ${CAIRN_V4} json`,
      );
      return { established: json[CAIRN_V4]!.connectionsEstablished, dropped: json[CAIRN_V4]!.connectionsDropped };
    };
    const before = await frrCounters();
    const peer = await connectFrom(hostileNs);
    peer.sendOpen(65066, HOSTILE);
    await waitFor(() => peer.has(1), { what: "Cairn's OPEN" });
    peer.sendMessage({ type: 4 });
    await waitFor(() => speaker.peerState(HOSTILE) === 'Established', { what: 'the hostile session Established' });

    peer.send(update('198.18.5.0/24'));
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '198.18.5.0/24')).length > 0, {
      what: 'FRR to learn the clean route',
    });
    const junk = encodeMessage(
      {
        type: 2,
        withdrawn: [],
        nlri: [parsePrefix('198.18.5.0/24')],
        attributes: {
          origin: 0,
          asPath: [{ type: 'sequence', asns: [65066] }],
          nextHop: HOSTILE,
          unknown: [{ flags: 0xc0, typeCode: 23, value: Uint8Array.from(Buffer.from('0000fdeb0a630202', 'hex')) }],
        },
      },
      CTX,
    );
    // The encoder sets Partial on attributes it passes on; the original peer sends it without.
    const at = Buffer.from(junk).indexOf(Buffer.from('e017080000fdeb0a630202', 'hex'));
    expect(at).toBeGreaterThan(0);
    junk[at] = 0xc0;
    peer.send(junk);
    // The route is withdrawn at Cairn, so at FRR; FRR's session with Cairn never moved. (Debian's FRR
    // 8.4.4 carries the CVE-2023-38802 fix and would now withdraw it itself rather than reset: what
    // proves Cairn's part is that Cairn no longer holds, so never passes on, the attribute.)
    await waitFor(() => speaker.routes('198.18.5.0/24').length === 0, {
      what: 'Cairn to treat the UPDATE as withdraw',
    });
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '198.18.5.0/24')).length === 0, {
      what: 'FRR to drop the route',
    });
    peer.send(update('198.18.6.0/24'));
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '198.18.6.0/24')).length > 0, {
      what: 'FRR to learn a later route',
    });
    expect(await frrCounters()).toEqual(before);
    expect(await frrNeighborState(frr, CAIRN_V4)).toBe('Established');
    expect(speaker.peerState(HOSTILE)).toBe('Established');
    expect(peer.notification()).toBeUndefined();
    frrSessionUntouched();
  });
});
