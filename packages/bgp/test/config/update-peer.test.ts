import { type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cairn/harness';
import { ConfigError } from '@cairn/sys';
import { PEER_SETTING_IMPACT } from '../../src/config/index.js';
import { ACCEPT_ALL, type Policy } from '../../src/policy/index.js';
import { BgpSpeaker, type PeerConfig } from '../../src/speaker/index.js';
import { TcpTransport } from '../../src/transport/index.js';
import { parsePrefix } from '../../src/wire/index.js';
import { ScriptedPeer } from '../support/scripted-peer.js';

// updatePeer acts on the change impact the peer schema gives each setting: an Established session with a scripted
// peer on loopback sockets, changed one setting at a time.
const CAIRN = '127.0.0.1';
const PEER = '127.0.0.3';
let nextPort = 20_000 + Math.floor(Math.random() * 12_000);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function established(overrides: Partial<PeerConfig> = {}) {
  const port = nextPort++;
  let accepted: (socket: Socket) => void;
  const socket = new Promise<Socket>((resolve) => (accepted = resolve));
  const server: Server = createServer((s) => accepted(s));
  await new Promise<void>((resolve) => server.listen(port, PEER, resolve));
  const speaker = new BgpSpeaker({
    localAs: 65053,
    routerId: '10.0.0.100',
    transport: new TcpTransport({ listenAddresses: [] }),
  });
  const config: PeerConfig = {
    address: PEER,
    port,
    localAddress: CAIRN,
    remoteAs: 65099,
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
    idleHoldTime: 60,
    families: ['ipv4'],
    ...overrides,
  };
  speaker.addPeer(config);
  await speaker.start();
  cleanups.push(async () => {
    await speaker.stop();
    server.close();
  });
  const peer = new ScriptedPeer(await socket);
  await waitFor(() => peer.has(1), { what: "the speaker's OPEN" });
  peer.sendOpen(65099, '10.0.0.3');
  await waitFor(() => peer.has(4), { what: 'KEEPALIVE' });
  peer.sendMessage({ type: 4 });
  await waitFor(() => speaker.peerState(PEER) === 'Established', { what: 'Established' });
  return { speaker, peer, config };
}

function routes(peer: ScriptedPeer, ...prefixes: string[]): void {
  peer.sendMessage({
    type: 2,
    withdrawn: [],
    nlri: prefixes.map((p) => parsePrefix(p)),
    attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [65099] }], nextHop: PEER },
  });
}

function advertised(peer: ScriptedPeer): string[] {
  return peer.received.flatMap((m) => (m.type === 2 ? m.nlri.map((p) => `${p.address.join('.')}/${p.length}`) : []));
}

describe('updatePeer by change impact', () => {
  it('every peer setting has a change impact, read from the schema', () => {
    expect(PEER_SETTING_IMPACT).toMatchObject({
      maxPrefixes: 'RIB limits',
      exportPolicy: 'policy re-evaluation',
      password: 'transport',
      holdTime: 'session reset',
      description: 'nothing',
    });
  });

  it('a new maxPrefixes reaches the RIB: more prefixes than it close with Cease/1 (RFC 4486)', async () => {
    const { speaker, peer, config } = await established();
    routes(peer, '198.51.100.0/24', '198.51.101.0/24');
    await waitFor(() => speaker.summary().ipv4Unicast?.peers[PEER]?.pfxRcd === 2, { what: 'two prefixes accepted' });
    speaker.updatePeer({ ...config, maxPrefixes: 2 });
    expect(speaker.peerState(PEER)).toBe('Established'); // a limit is not a reset
    routes(peer, '198.51.102.0/24');
    await waitFor(() => peer.notification() !== undefined, { what: 'the NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 6, subcode: 1 });
  });

  it('an export policy change re-evaluates the routes and keeps the session', async () => {
    const onlyFirst: Policy = {
      terms: [{ match: { prefixList: { entries: [{ action: 'permit', prefix: '192.0.2.0/24' }] } }, result: 'accept' }],
    };
    const { speaker, peer, config } = await established({ exportPolicy: onlyFirst });
    speaker.announce('192.0.2.0/24');
    speaker.announce('203.0.113.0/24');
    await waitFor(() => advertised(peer).includes('192.0.2.0/24'), { what: 'the permitted prefix' });
    expect(advertised(peer)).not.toContain('203.0.113.0/24');
    speaker.updatePeer({ ...config, exportPolicy: ACCEPT_ALL });
    await waitFor(() => advertised(peer).includes('203.0.113.0/24'), { what: 'the prefix the new policy permits' });
    expect(peer.notification()).toBeUndefined();
    expect(speaker.summary().ipv4Unicast?.peers[PEER]).toMatchObject({
      state: 'Established',
      connectionsEstablished: 1,
    });
  });

  it('a transport setting (TCP port) keeps the session; a hold time change resets it with Cease/6', async () => {
    const { speaker, peer, config } = await established();
    speaker.updatePeer({ ...config, port: config.port! + 1, description: 'upstream' });
    expect(speaker.peerState(PEER)).toBe('Established');
    speaker.updatePeer({ ...config, holdTime: 30 });
    await waitFor(() => peer.notification() !== undefined, { what: 'the NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 6, subcode: 6 });
  });

  it('a new remote AS starts the peer anew (the RIB knows it as eBGP or iBGP from its AS)', async () => {
    const { speaker, peer, config } = await established();
    speaker.updatePeer({ ...config, remoteAs: 65053 });
    await waitFor(() => peer.notification() !== undefined, { what: 'the NOTIFICATION' });
    expect(peer.notification()).toMatchObject({ code: 6, subcode: 6 });
    expect(speaker.peers()).toEqual([PEER]);
    expect(speaker.summary().ipv4Unicast?.peers[PEER]?.remoteAs).toBe(65053);
    expect(speaker.rib.policyBlocks(PEER)).toEqual({ import: undefined, export: undefined });
  });

  it('refuses settings the peer schema refuses, and changes nothing', async () => {
    const { speaker, config } = await established();
    expect(() => speaker.updatePeer({ ...config, maxPrefixes: -1 })).toThrow(ConfigError);
    expect(() => speaker.updatePeer({ ...config, password: 'x'.repeat(81) })).toThrow(/81 bytes; at most 80/);
    expect(() => speaker.addPeer({ address: '10.0.0.9', remoteAs: 65099, nextHopIpv6: 'zzz' })).toThrow(
      /nextHopIpv6: not an IPv6 address/,
    );
    expect(speaker.peers()).toEqual([PEER]);
    expect(speaker.peerState(PEER)).toBe('Established');
  });
});
