// A speaker on 127.0.0.1 with scripted peers on other loopback addresses, each on its own port:
// real sockets, no namespaces, for unit tests of what a session does with what a peer sends.
import { type Server, type Socket, createServer } from 'node:net';
import { waitFor } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { BgpSpeaker, type BgpSpeakerOptions, type PeerConfig } from '../../src/speaker/index.js';
import { TcpTransport } from '../../src/transport/index.js';
import { DEFAULT_CODEC_CONTEXT, type Capability } from '../../src/wire/types.js';
import { FOUR_OCTET_CTX, ScriptedPeer } from './scripted-peer.js';

export const SPEAKER_ADDRESS = '127.0.0.1';
// Below the ephemeral range (32768+), so no outgoing connection of another process holds the port.
let nextPort = 20_000 + Math.floor(Math.random() * 12_000);

export interface LoopbackPeer {
  address: string;
  remoteAs: number;
  /** Without the 4-octet AS capability (RFC 6793): a 2-octet AS session. */
  twoOctet?: boolean;
  config?: Partial<PeerConfig>;
}

export interface LoopbackLab {
  speaker: BgpSpeaker;
  /** The scripted side of each peer's current connection, by address. */
  peers: Map<string, ScriptedPeer>;
  /** Waits for the speaker's next connection to `address` (after a reset) and returns its scripted side. */
  nextConnection(address: string): Promise<ScriptedPeer>;
  /** The PeerConfig the peer was added with (to pass changed copies to updatePeer). */
  configOf(address: string): PeerConfig;
  /** Answers the OPEN and KEEPALIVE of the peer's current connection and waits for Established. */
  establish(address: string, capabilities?: Capability[]): Promise<ScriptedPeer>;
  stop(): Promise<void>;
}

export async function loopbackLab(
  peers: LoopbackPeer[],
  options: Partial<BgpSpeakerOptions> = {},
): Promise<LoopbackLab> {
  const speaker = new BgpSpeaker({
    localAs: 65053,
    routerId: '10.0.0.100',
    transport: new TcpTransport({ listenAddresses: [] }),
    ...options,
  });
  const servers: Server[] = [];
  const waiting = new Map<string, ((socket: Socket) => void)[]>();
  const pending = new Map<string, Socket[]>();
  const scripted = new Map<string, ScriptedPeer>();
  const spec = new Map(peers.map((p) => [p.address, p]));
  const configs = new Map<string, PeerConfig>();
  for (const peer of peers) {
    const port = nextPort++;
    const server = createServer((socket) => {
      const resolve = waiting.get(peer.address)?.shift();
      if (resolve) resolve(socket);
      else pending.set(peer.address, [...(pending.get(peer.address) ?? []), socket]);
    });
    await new Promise<void>((resolve) => server.listen(port, peer.address, resolve));
    servers.push(server);
    const config: PeerConfig = {
      address: peer.address,
      port,
      localAddress: SPEAKER_ADDRESS,
      remoteAs: peer.remoteAs,
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
      idleHoldTime: 1,
      ...peer.config,
    };
    configs.set(peer.address, config);
    speaker.addPeer(config);
  }
  const nextConnection = async (address: string): Promise<ScriptedPeer> => {
    const queued = pending.get(address)?.shift();
    const socket =
      queued ??
      (await new Promise<Socket>((resolve) => waiting.set(address, [...(waiting.get(address) ?? []), resolve])));
    const peer = new ScriptedPeer(socket, spec.get(address)!.twoOctet ? DEFAULT_CODEC_CONTEXT : FOUR_OCTET_CTX);
    scripted.set(address, peer);
    return peer;
  };
  await speaker.start();
  for (const peer of peers) await nextConnection(peer.address);
  return {
    speaker,
    peers: scripted,
    nextConnection,
    configOf: (address) => configs.get(address)!,
    async establish(address, capabilities) {
      const peer = scripted.get(address)!;
      const { remoteAs, twoOctet } = spec.get(address)!;
      await waitFor(() => peer.has(1), { what: `the speaker's OPEN to ${address}` });
      const caps: Capability[] = capabilities ?? [
        { code: 1, afi: 1, safi: 1 },
        ...(twoOctet ? [] : [{ code: 65 as const, asn: remoteAs }]),
      ];
      peer.sendMessage({
        type: 1,
        version: 4,
        asn: twoOctet || remoteAs <= 0xffff ? remoteAs : 23456,
        holdTime: 90,
        routerId: address.replace(/^127\./, '10.'),
        capabilities: caps,
      });
      await waitFor(() => peer.has(4), { what: `KEEPALIVE from the speaker to ${address}` });
      peer.sendMessage({ type: 4 });
      await waitFor(() => speaker.peerState(address) === 'Established', { what: `${address} Established` });
      return peer;
    },
    async stop() {
      await speaker.stop();
      for (const peer of scripted.values()) peer.socket.destroy();
      for (const server of servers) server.close();
    },
  };
}
