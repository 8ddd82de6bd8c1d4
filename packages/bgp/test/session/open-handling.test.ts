import { type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { BgpSpeaker, type PeerConfig } from '../../src/speaker/index.js';
import { TcpTransport } from '../../src/transport/index.js';
import { encodeMessage, parsePrefix } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT } from '../../src/wire/types.js';
import { ScriptedPeer } from '../support/scripted-peer.js';

// The OPEN exchange on real loopback sockets with a scripted peer: the speaker's OPEN and
// capabilities, the checks of RFC 4271 §6.2 answered with the right NOTIFICATION, hold-time
// negotiation (§4.2), and the summary's view of it all.
const CAIRN = '127.0.0.1';
const PEER = '127.0.0.2';
// Below the ephemeral range (32768+), so no outgoing connection of another process holds the port.
let nextPort = 20_000 + Math.floor(Math.random() * 12_000);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A speaker that connects to a scripted peer; resolves with the peer's side of that connection. */
async function connected(
  overrides: Partial<PeerConfig> = {},
  waitForOpen = true,
): Promise<{ speaker: BgpSpeaker; peer: ScriptedPeer }> {
  const peerPort = nextPort++;
  let accepted: (socket: Socket) => void;
  const socket = new Promise<Socket>((resolve) => (accepted = resolve));
  const server: Server = createServer((s) => accepted(s));
  await new Promise<void>((resolve) => server.listen(peerPort, PEER, resolve));
  const speaker = new BgpSpeaker({
    localAs: 65053,
    routerId: '10.0.0.100',
    transport: new TcpTransport({ listenAddresses: [] }),
  });
  speaker.addPeer({
    address: PEER,
    port: peerPort,
    localAddress: CAIRN,
    remoteAs: 65099,
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
    idleHoldTime: 60,
    ...overrides,
  });
  await speaker.start();
  cleanups.push(async () => {
    await speaker.stop();
    server.close();
  });
  const peer = new ScriptedPeer(await socket);
  if (waitForOpen) await waitFor(() => peer.has(1), { what: "the speaker's OPEN" });
  return { speaker, peer };
}

describe('OPEN handling (RFC 4271 §4.2, §6.2)', () => {
  it('sends an OPEN with its AS, identifier, hold time and capabilities', async () => {
    const { peer } = await connected({ holdTime: 30 });
    const open = peer.received.find((m) => m.type === 1)!;
    expect(open).toMatchObject({ version: 4, asn: 65053, holdTime: 30, routerId: '10.0.0.100' });
    const codes = (open as { capabilities: { code: number }[] }).capabilities.map((c) => c.code);
    // multiprotocol IPv4 + IPv6, route refresh, 4-octet AS, graceful restart (helper)
    expect(codes.sort((a, b) => a - b)).toEqual([1, 1, 2, 64, 65]);
  });

  it('takes the smaller of the two hold times', async () => {
    const { speaker, peer } = await connected({ holdTime: 90 });
    peer.sendOpen(65099, '10.0.0.1', 30);
    await waitFor(() => peer.has(4), { what: 'KEEPALIVE' });
    peer.sendMessage({ type: 4 });
    await waitFor(() => speaker.peerState(PEER) === 'Established', { what: 'Established' });
    expect(speaker.summary().ipv4Unicast!.peers[PEER]!.negotiatedHoldTime).toBe(30);
  });

  it('with DelayOpen, sends nothing until the peer’s OPEN, then OPEN and KEEPALIVE (RFC 4271 Event 20)', async () => {
    const { speaker, peer } = await connected({ delayOpenTime: 120 }, false);
    expect(speaker.peerState(PEER)).toBe('Connect');
    peer.sendOpen(65099, '10.0.0.1');
    await waitFor(() => peer.has(4), { what: 'OPEN and KEEPALIVE in answer' });
    expect(peer.received.map((m) => m.type)).toEqual([1, 4]);
    expect(speaker.peerState(PEER)).toBe('OpenConfirm');
    peer.sendMessage({ type: 4 });
    await waitFor(() => speaker.peerState(PEER) === 'Established', { what: 'Established' });
  });

  it('RFC 8212: an eBGP peer without policies exchanges nothing, and the summary says why', async () => {
    const { speaker, peer } = await connected({ importPolicy: undefined, exportPolicy: undefined });
    peer.sendOpen(65099, '10.0.0.1');
    await waitFor(() => peer.has(4), { what: 'KEEPALIVE' });
    peer.sendMessage({ type: 4 });
    await waitFor(() => speaker.peerState(PEER) === 'Established', { what: 'Established' });
    speaker.announce('192.0.2.0/24');
    peer.sendMessage({
      type: 2,
      withdrawn: [],
      nlri: [parsePrefix('198.51.100.0/24')],
      attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [65099] }], nextHop: PEER },
    });
    // The End-of-RIB comes, nothing else; the UPDATE received is kept out of the Loc-RIB.
    await waitFor(() => peer.received.some((m) => m.type === 2), { what: 'End-of-RIB' });
    await waitFor(() => speaker.summary().ipv4Unicast!.peers[PEER]!.msgRcvd >= 3, { what: 'the UPDATE processed' });
    expect(speaker.routes('198.51.100.0/24')).toEqual([]);
    const summary = speaker.summary().ipv4Unicast!.peers[PEER]!;
    expect(summary).toMatchObject({ peerState: 'Policy', pfxRcd: 0, pfxSnt: 0 });
    expect(summary.policyBlocks).toEqual({
      import: 'RFC 8212: no import policy',
      export: 'RFC 8212: no export policy',
    });
    const updates = peer.received.filter((m) => m.type === 2) as { nlri: unknown[]; withdrawn: unknown[] }[];
    expect(updates.every((u) => u.nlri.length === 0 && u.withdrawn.length === 0)).toBe(true);
  });

  it('answers the wrong AS with OPEN Message Error / Bad Peer AS', async () => {
    const { speaker, peer } = await connected();
    peer.sendOpen(65098, '10.0.0.1');
    await waitFor(() => peer.notification(), { what: 'a NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 2, subcode: 2 });
    await waitFor(() => peer.closed, { what: 'the connection closed' });
    expect(speaker.summary().ipv4Unicast?.peers[PEER]?.lastError).toMatch(/BGPOpenMsgErr 2\/2/);
  });

  it('answers an unsupported version with Unsupported Version Number, naming version 4', async () => {
    const { peer } = await connected();
    const open = encodeMessage(
      { type: 1, version: 4, asn: 65099, holdTime: 90, routerId: '10.0.0.1', capabilities: [] },
      DEFAULT_CODEC_CONTEXT,
    );
    open[19] = 3;
    peer.send(open);
    await waitFor(() => peer.notification(), { what: 'a NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 2, subcode: 1 });
    expect([...peer.notification()!.data]).toEqual([0, 4]);
  });

  it('answers a hold time of 2 s with Unacceptable Hold Time', async () => {
    const { peer } = await connected();
    const open = encodeMessage(
      { type: 1, version: 4, asn: 65099, holdTime: 90, routerId: '10.0.0.1', capabilities: [] },
      DEFAULT_CODEC_CONTEXT,
    );
    open[22] = 0;
    open[23] = 2;
    peer.send(open);
    await waitFor(() => peer.notification(), { what: 'a NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 2, subcode: 6 });
  });

  it('answers an UPDATE before the session is Established with an FSM error (RFC 6608)', async () => {
    const { peer } = await connected();
    peer.sendOpen(65099, '10.0.0.1');
    await waitFor(() => peer.has(4), { what: 'KEEPALIVE (OpenConfirm)' });
    peer.sendMessage({ type: 2, withdrawn: [], nlri: [], attributes: {} });
    await waitFor(() => peer.notification(), { what: 'a NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 5, subcode: 2 });
  });

  it('negotiates the smaller hold time (0: no hold or keepalive timers) and only the families both offer', async () => {
    const { speaker, peer } = await connected({ holdTime: 90 });
    peer.sendOpen(65099, '10.0.0.1', 0);
    await waitFor(() => peer.has(4), { what: 'KEEPALIVE' });
    peer.sendMessage({ type: 4 });
    await waitFor(() => speaker.peerState(PEER) === 'Established', { what: 'Established' });
    const summary = speaker.summary().ipv4Unicast!.peers[PEER]!;
    expect(summary).toMatchObject({ state: 'Established', negotiatedHoldTime: 0 });
    // Without the IPv6 capability from the peer, only IPv4 unicast is up (RFC 4760 negotiation).
    expect(speaker.summary().ipv6Unicast?.peers[PEER]?.pfxRcd).toBe(0);
  });
});
