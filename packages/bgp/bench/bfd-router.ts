// The Cairn side of the BFD benchmarks, as its own process (so it can be frozen with SIGSTOP and its
// CPU time read from /proc): a BgpSpeaker with or without BFD as liveness source, or BFD sessions
// alone. Started inside a network namespace; prints "ready" once configured.
//   node --import tsx bfd-router.ts '<json RouterSpec>'
import { pino } from 'pino';
import { BfdService } from '@cairn/bfd';
import { ACCEPT_ALL } from '../src/policy/index.js';
import { BgpSpeaker } from '../src/speaker/index.js';
import { LinuxTransport } from '../src/transport/index.js';

export interface RouterSpec {
  /** BGP: one eBGP peer announcing prefixes, with timers and optional BFD liveness. */
  bgp?: {
    peer: string;
    local: string;
    localAs: number;
    remoteAs: number;
    holdTime: number;
    keepaliveTime: number;
    bfd: boolean;
    announce: string[];
  };
  /** BFD only: sessions to these peers (300 ms × 3). */
  bfdPeers?: { peer: string; local: string }[];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as RouterSpec;
const logger = pino({ level: process.env.CAIRN_BENCH_LOG ?? 'warn' });
const bfd = new BfdService({ logger });

for (const peer of spec.bfdPeers ?? [])
  await bfd.addPeer({ ...peer, transmitIntervalMs: 300, receiveIntervalMs: 300, detectMultiplier: 3 });

if (spec.bgp) {
  const b = spec.bgp;
  const speaker = new BgpSpeaker({
    localAs: b.localAs,
    routerId: b.local,
    logger,
    transport: new LinuxTransport({ listenAddresses: [b.local], logger }),
  });
  speaker.addPeer({
    address: b.peer,
    localAddress: b.local,
    remoteAs: b.remoteAs,
    holdTime: b.holdTime,
    keepaliveTime: b.keepaliveTime,
    connectRetryTime: 1,
    idleHoldTime: 1,
    maxIdleHoldTime: 1,
    families: ['ipv4'],
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
    ...(b.bfd ? { liveness: bfd } : {}),
  });
  for (const prefix of b.announce) speaker.announce(prefix);
  await speaker.start();
}
console.log('ready');
