import { type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { BgpSpeaker } from '../../src/speaker/index.js';
import { TcpTransport } from '../../src/transport/index.js';
import { ScriptedPeer } from '../support/scripted-peer.js';

// Connection collision (RFC 4271 §6.8) on real loopback sockets: the speaker connects out to a
// scripted peer, which connects in at the same time; the speaker keeps the connection initiated
// by the higher BGP Identifier and closes the other with Cease/Connection Collision Resolution.
const CAIRN = '127.0.0.1';
const PEER = '127.0.0.2';
const CAIRN_ID = '10.0.0.100';

// Below the ephemeral range (32768+), so no outgoing connection of another process holds the port.
let nextPort = 20_000 + Math.floor(Math.random() * 12_000);

interface Setup {
  speaker: BgpSpeaker;
  server: Server;
  outbound: Promise<ScriptedPeer>;
  /** Every connection the speaker opened to the scripted peer. */
  accepted: ScriptedPeer[];
  cairnPort: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<Setup> {
  const cairnPort = nextPort++;
  const peerPort = nextPort++;
  let first: (peer: ScriptedPeer) => void;
  const outbound = new Promise<ScriptedPeer>((resolve) => (first = resolve));
  const accepted: ScriptedPeer[] = [];
  const server = createServer((socket) => {
    const peer = new ScriptedPeer(socket);
    accepted.push(peer);
    first(peer);
  });
  await new Promise<void>((resolve) => server.listen(peerPort, PEER, resolve));
  const speaker = new BgpSpeaker({
    localAs: 65053,
    routerId: CAIRN_ID,
    transport: new TcpTransport({ listenAddresses: [CAIRN], port: cairnPort }),
  });
  speaker.addPeer({
    address: PEER,
    port: peerPort,
    localAddress: CAIRN,
    remoteAs: 65099,
    families: ['ipv4'],
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
    idleHoldTime: 1,
  });
  await speaker.start();
  cleanups.push(async () => {
    await speaker.stop();
    server.close();
  });
  return { speaker, server, outbound, accepted, cairnPort };
}

async function connectIn(port: number): Promise<ScriptedPeer> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: CAIRN, port, localAddress: PEER }, () => resolve(s));
    s.once('error', reject);
  });
  return new ScriptedPeer(socket);
}

/** Both connections up and each has received the speaker's OPEN: the speaker is in OpenSent on both. */
async function collide(s: Setup): Promise<{ outbound: ScriptedPeer; inbound: ScriptedPeer }> {
  const outbound = await s.outbound;
  await waitFor(() => outbound.has(1), { what: "the speaker's OPEN on its own connection" });
  const inbound = await connectIn(s.cairnPort);
  await waitFor(() => inbound.has(1), { what: "the speaker's OPEN on the peer's connection" });
  return { outbound, inbound };
}

describe('connection collision (RFC 4271 §6.8)', () => {
  it('keeps the peer-initiated connection when the peer has the higher BGP Identifier', async () => {
    const s = await setup();
    const { outbound, inbound } = await collide(s);
    outbound.sendOpen(65099, '10.0.0.200');
    await waitFor(() => outbound.notification(), { what: 'Cease on the speaker-initiated connection' });
    expect(outbound.notification()).toMatchObject({ code: 6, subcode: 7 });
    inbound.sendOpen(65099, '10.0.0.200');
    await waitFor(() => inbound.has(4), { what: 'KEEPALIVE on the kept connection' });
    inbound.sendMessage({ type: 4 });
    await waitFor(() => s.speaker.peerState(PEER) === 'Established', { what: 'Established on the kept connection' });
    expect(inbound.notification()).toBeUndefined();
    await waitFor(() => outbound.closed, { what: 'the losing connection closed' });
    // The kept connection's machine is now the peer's: when it fails, the speaker starts again by itself.
    inbound.socket.destroy();
    await waitFor(() => s.speaker.peerState(PEER) !== 'Established', { what: 'the session down' });
    await waitFor(() => s.accepted.length === 2, { what: 'an automatic reconnection after IdleHold' });
  });

  it('keeps its own connection when the peer has the lower BGP Identifier', async () => {
    const s = await setup();
    const { outbound, inbound } = await collide(s);
    inbound.sendOpen(65099, '10.0.0.1');
    await waitFor(() => inbound.notification(), { what: 'Cease on the peer-initiated connection' });
    expect(inbound.notification()).toMatchObject({ code: 6, subcode: 7 });
    outbound.sendOpen(65099, '10.0.0.1');
    await waitFor(() => outbound.has(4), { what: 'KEEPALIVE on the kept connection' });
    outbound.sendMessage({ type: 4 });
    await waitFor(() => s.speaker.peerState(PEER) === 'Established', { what: 'Established' });
    expect(outbound.notification()).toBeUndefined();
  });

  it('closes a new connection that collides with an Established session', async () => {
    const s = await setup();
    const outbound = await s.outbound;
    await waitFor(() => outbound.has(1), { what: "the speaker's OPEN" });
    outbound.sendOpen(65099, '10.0.0.1');
    await waitFor(() => outbound.has(4), { what: 'KEEPALIVE' });
    outbound.sendMessage({ type: 4 });
    await waitFor(() => s.speaker.peerState(PEER) === 'Established', { what: 'Established' });
    const late = await connectIn(s.cairnPort);
    await waitFor(() => late.closed, { what: 'the late connection closed' });
    expect(late.has(1)).toBe(false);
    expect(s.speaker.peerState(PEER)).toBe('Established');
  });

  it('refuses connections from addresses that are not peers', async () => {
    const s = await setup();
    const socket = await new Promise<Socket>((resolve, reject) => {
      const c = connect({ host: CAIRN, port: s.cairnPort, localAddress: '127.0.0.3' }, () => resolve(c));
      c.once('error', reject);
    });
    const stranger = new ScriptedPeer(socket);
    await waitFor(() => stranger.closed, { what: 'the stranger refused' });
    expect(stranger.received).toEqual([]);
  });
});

// Two Cairn speakers that start at the same moment connect to each other at once: each has an outgoing
// connection still in Connect when the other's arrives. Neither may throw its own attempt away for the
// incoming one (the other side does the same, and both connections die): both are kept until the OPENs
// tell which one §6.8 keeps.
describe('simultaneous open between two speakers', () => {
  it('reaches Established on one connection without waiting for ConnectRetry', async () => {
    const port = nextPort++;
    const speakers = [
      { id: '10.200.0.101', as: 65053, address: CAIRN, peer: PEER, peerAs: 64999 },
      { id: '10.200.0.1', as: 64999, address: PEER, peer: CAIRN, peerAs: 65053 },
    ].map(
      (s) =>
        new BgpSpeaker({
          localAs: s.as,
          routerId: s.id,
          transport: new TcpTransport({ listenAddresses: [s.address], port }),
        }),
    );
    cleanups.push(async () => {
      for (const speaker of speakers) await speaker.stop();
    });
    const [vr, upstream] = speakers as [BgpSpeaker, BgpSpeaker];
    const settings = { port, connectRetryTime: 120, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL };
    vr.addPeer({ address: PEER, localAddress: CAIRN, remoteAs: 64999, ...settings });
    upstream.addPeer({ address: CAIRN, localAddress: PEER, remoteAs: 65053, ...settings });
    for (let round = 0; round < 5; round++) {
      await Promise.all([vr.start(), upstream.start()]);
      const state = (s: BgpSpeaker, peer: string) => s.summary().ipv4Unicast?.peers[peer]?.state;
      await waitFor(() => state(vr, PEER) === 'Established' && state(upstream, CAIRN) === 'Established', {
        timeoutMs: 10_000,
        what: `both sessions Established (round ${round})`,
      });
      await Promise.all([vr.stop(), upstream.stop()]);
    }
  });
});
