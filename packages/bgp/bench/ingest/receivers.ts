// The receivers measured side by side: how to start each in its namespace, how to count the
// prefixes in its Loc-RIB, and which process to read the peak RSS of.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrrInstance, type LabProcess, type Namespace } from '../../../../test/harness/index.js';
import { FEEDER_AS, RECEIVER_AS } from './feeder.js';

export interface Receiver {
  name: string;
  /** How often to ask for the count (default 50 ms). */
  pollMs?: number;
  /** Prefixes in the Loc-RIB now (0 while the session is not up). */
  count(): Promise<number>;
  pid(): number;
  stop(): Promise<void>;
}

export interface ReceiverSite {
  ns: Namespace;
  dir: string;
  local: string;
  feeder: string;
}

/** Peak resident set size of a process (VmHWM), in MiB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const readPid = (file: string): number => Number(readFileSync(file, 'utf8').trim());

/** FRR bgpd without zebra and without kernel FIB (`-Z -n`). */
export async function startFrr(site: ReceiverSite): Promise<Receiver> {
  const config = [
    'frr defaults traditional',
    'hostname ingest-frr',
    'log file /dev/null',
    `router bgp ${RECEIVER_AS}`,
    ` bgp router-id ${site.local}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ` neighbor ${site.feeder} remote-as ${FEEDER_AS}`,
    ' address-family ipv4 unicast',
    `  neighbor ${site.feeder} activate`,
    ' exit-address-family',
    '',
  ].join('\n');
  const frr = await FrrInstance.start(site.ns, { config, daemons: ['bgpd'], extraArgs: { bgpd: ['-n'] } });
  return {
    name: 'FRR 8.4 bgpd (-Z -n)',
    async count() {
      const json = await frr
        .json<{ ipv4Unicast?: { ribCount?: number }; ribCount?: number }>('show bgp ipv4 unicast summary json')
        .catch(() => ({}) as { ribCount?: number });
      return (
        (json as { ribCount?: number }).ribCount ??
        (json as { ipv4Unicast?: { ribCount?: number } }).ipv4Unicast?.ribCount ??
        0
      );
    },
    pid: () => readPid(join(frr.dir, 'bgpd.pid')),
    stop: () => frr.stop(),
  };
}

/** BIRD 2 with a BGP protocol into its master4 table (no kernel protocol). */
export async function startBird(site: ReceiverSite): Promise<Receiver> {
  const config = join(site.dir, 'bird-receiver.conf');
  writeFileSync(
    config,
    [
      `router id ${site.local};`,
      'protocol device {}',
      'protocol bgp feeder {',
      `  local ${site.local} as ${RECEIVER_AS};`,
      `  neighbor ${site.feeder} as ${FEEDER_AS};`,
      '  ipv4 { import all; export none; };',
      '}',
      '',
    ].join('\n'),
  );
  const socket = join(site.dir, 'bird-receiver.ctl');
  const pidFile = join(site.dir, 'bird-receiver.pid');
  const child = site.ns.spawn('bird', ['-f', '-c', config, '-s', socket, '-P', pidFile]);
  return {
    name: 'BIRD 2.0.12',
    // The protocol's import counter (routes in master4 from it): cheap, unlike `show route count`, which walks the table.
    async count() {
      const out = await site.ns.exec('birdc', ['-s', socket, 'show', 'protocols', 'all', 'feeder'], {
        allowFailure: true,
      });
      return Number(/Routes:\s+(\d+) imported/.exec(out.stdout)?.[1] ?? 0);
    },
    pid: () => readPid(pidFile),
    stop: () => kill(child),
  };
}

/** GoBGP 3 (gobgpd), no FIB. */
export async function startGobgp(site: ReceiverSite): Promise<Receiver> {
  const config = join(site.dir, 'gobgpd.toml');
  writeFileSync(
    config,
    [
      '[global.config]',
      `  as = ${RECEIVER_AS}`,
      `  router-id = "${site.local}"`,
      `  local-address-list = ["${site.local}"]`,
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${site.feeder}"`,
      `    peer-as = ${FEEDER_AS}`,
      '',
    ].join('\n'),
  );
  const child = site.ns.spawn('gobgpd', ['-f', config, '-t', 'toml', '--api-hosts', '127.0.0.1:50051', '-l', 'warn']);
  return {
    name: 'GoBGP 3.10 (gobgpd)',
    // Destinations in the global RIB. GoBGP has no cheap counter that follows the table (the neighbour's
    // Accepted count did not reach the total within 180 s here), and the summary walks the table: polled once a second.
    pollMs: 1000,
    async count() {
      const out = await site.ns.exec(
        'gobgp',
        ['-u', '127.0.0.1', '-p', '50051', 'global', 'rib', 'summary', '-a', 'ipv4'],
        { allowFailure: true },
      );
      return Number(/Destination:\s*(\d+)/.exec(out.stdout)?.[1] ?? 0);
    },
    pid: () => child.pid!,
    stop: () => kill(child),
  };
}

async function kill(child: LabProcess): Promise<void> {
  child.kill('SIGTERM');
  await Promise.race([child, new Promise((resolve) => setTimeout(resolve, 3000))]);
  child.kill('SIGKILL');
  await child;
}
