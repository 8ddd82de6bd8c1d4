// The reference scenario (CloudStack routed mode): FRR upstream AS 64999 at 10.200.0.1 /
// fc00:2024:9:7::1, Cairn AS 65053 router-id 10.200.0.101, TCP-MD5 password "password3".
import { pino } from 'pino';
import { FrrInstance, type Lab, type Namespace } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { BgpSpeaker, type PeerConfig } from '../../src/speaker/index.js';
import { LinuxTransport } from '../../src/transport/index.js';

export const UPSTREAM_V4 = '10.200.0.1';
export const UPSTREAM_V6 = 'fc00:2024:9:7::1';
export const CAIRN_V4 = '10.200.0.101';
export const CAIRN_V6 = 'fc00:2024:9:7::101';

export interface ReferenceLab {
  upstream: Namespace;
  vr: Namespace;
}

export async function referenceLab(lab: Lab): Promise<ReferenceLab> {
  const upstream = await lab.namespace('upstream');
  const vr = await lab.namespace('vr');
  await lab.link(upstream, 'eth0', vr, 'eth0', {
    a: [`${UPSTREAM_V4}/24`, `${UPSTREAM_V6}/64`],
    b: [`${CAIRN_V4}/24`, `${CAIRN_V6}/64`],
  });
  return { upstream, vr };
}

/** FRR's side of the reference: both sessions, MD5, fast timers, MRAI 0, a default route per family. */
export function upstreamConfig(
  options: { extra?: string[]; password?: string; gracefulRestart?: boolean; extraNetworks?: string[] } = {},
): string {
  const password = options.password ?? 'password3';
  const neighbor = (address: string) => [
    ` neighbor ${address} remote-as 65053`,
    ` neighbor ${address} password ${password}`,
    ` neighbor ${address} timers 3 9`,
    ` neighbor ${address} timers connect 1`,
    ` neighbor ${address} advertisement-interval 0`,
  ];
  return [
    'router bgp 64999',
    ' bgp router-id 10.200.0.1',
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ...(options.gracefulRestart
      ? [
          ' bgp graceful-restart',
          ' bgp graceful-restart preserve-fw-state',
          ' bgp graceful-restart restart-time 60',
          ' bgp graceful-restart select-defer-time 1',
        ]
      : []),
    ...neighbor(CAIRN_V4),
    ...neighbor(CAIRN_V6),
    ...(options.extra ?? []),
    ' address-family ipv4 unicast',
    '  network 0.0.0.0/0',
    ...(options.extraNetworks ?? []).filter((p) => !p.includes(':')).map((p) => `  network ${p}`),
    `  no neighbor ${CAIRN_V6} activate`,
    ' exit-address-family',
    ' address-family ipv6 unicast',
    '  network ::/0',
    ...(options.extraNetworks ?? []).filter((p) => p.includes(':')).map((p) => `  network ${p}`),
    `  neighbor ${CAIRN_V4} activate`,
    `  neighbor ${CAIRN_V6} activate`,
    ' exit-address-family',
    '',
  ].join('\n');
}

export function startUpstream(ns: Namespace, config = upstreamConfig()): Promise<FrrInstance> {
  return FrrInstance.start(ns, { config });
}

/** Cairn's side: IPv4 session carrying IPv4 and IPv6 (global next hop), IPv6 session carrying IPv6. */
export function cairnPeers(overrides: Partial<PeerConfig> = {}): PeerConfig[] {
  const common: Partial<PeerConfig> = {
    remoteAs: 64999,
    password: 'password3',
    holdTime: 9,
    connectRetryTime: 2,
    idleHoldTime: 1,
    maxIdleHoldTime: 4,
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
    ...overrides,
  };
  return [
    { ...common, address: UPSTREAM_V4, families: ['ipv4', 'ipv6'], nextHopIpv6: CAIRN_V6 } as PeerConfig,
    { ...common, address: UPSTREAM_V6, families: ['ipv6'] } as PeerConfig,
  ];
}

export function cairnSpeaker(vr: Namespace, options: { listen?: string[]; level?: string } = {}): BgpSpeaker {
  const logger = pino({ level: process.env.CAIRN_TEST_LOG ?? options.level ?? 'silent' });
  return new BgpSpeaker({
    localAs: 65053,
    routerId: CAIRN_V4,
    logger,
    transport: new LinuxTransport({ netns: vr.name, listenAddresses: options.listen ?? ['0.0.0.0', '::'], logger }),
  });
}

interface FrrPath {
  aspath?: { string?: string };
  nexthops?: { ip?: string; afi?: string; scope?: string; used?: boolean }[];
  bestpath?: { overall?: boolean };
  valid?: boolean;
}

/** FRR's paths for one prefix (empty when FRR has none). */
export async function frrPaths(frr: FrrInstance, family: 'ipv4' | 'ipv6', prefix: string): Promise<FrrPath[]> {
  const json = await frr.json<{ paths?: FrrPath[] }>(`show bgp ${family} unicast ${prefix} json`);
  return json.paths ?? [];
}
