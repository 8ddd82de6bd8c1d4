// Many peers (issue 4, benchmark 3): 200 eBGP peers with 1,000 prefixes each into one hub. The hub is
// Cairn (the cairn-bgp daemon) and then FRR 8.4 bgpd (-Z), one after the other in the same network
// namespace, fed by the same scripted feeder (one process, 200 sessions from 200 addresses).
// Measured: seconds from the feeder's start to all 200 sessions Established and all 200,000
// prefixes in the hub's table, and the hub's peak RSS (VmHWM). The hub exports nothing (an export
// policy that rejects all), so this is session handling plus ingestion, not 40 M re-advertisements.
//   npm run bench -- many-peers            (MANY_PEERS=50 MANY_PREFIXES=200 for a quick run)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlRequest } from '../src/daemon/control.js';
import { table, writeBenchSection } from '../../../test/bench/report.js';
import { FrrInstance, Lab, type LabProcess, type Namespace, waitFor } from '../../../test/harness/index.js';

const PEERS = Number(process.env.MANY_PEERS ?? 200);
const PER_PEER = Number(process.env.MANY_PREFIXES ?? 1000);
const HUB = '10.4.0.1';
const FIRST_FEEDER = '10.4.1.1';
const HUB_AS = 64512;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const CLI = here('../src/daemon/cli.ts');
const FEEDER = here('./many-peers/feeder.ts');

function feederAddress(i: number): string {
  const n = 1 * 256 + 1 + i; // 10.4.1.1 upwards
  return `10.4.${Math.floor(n / 256)}.${n % 256}`;
}

function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

interface Result {
  hub: string;
  establishedS: number;
  convergedS: number;
  idleMb: number;
  peakMb: number;
  rssMb: number;
}

async function runFeeder(feeders: Namespace): Promise<{ process: LabProcess; started: number }> {
  const started = Date.now();
  const process = feeders.node(FEEDER, [HUB, FIRST_FEEDER, String(PEERS), String(PER_PEER), String(HUB_AS)]);
  return { process, started };
}

async function cairnHub(
  hub: Namespace,
  feeders: Namespace,
  dir: string,
  exportPolicy: 'reject-all' | 'none',
): Promise<Result> {
  const socket = join(dir, 'hub.sock');
  const peers = Array.from(
    { length: PEERS },
    (_, i) =>
      `  - { address: ${feederAddress(i)}, remoteAs: ${65000 + i}, passive: true, families: [ipv4], importPolicy: accept-all${exportPolicy === 'none' ? '' : `, exportPolicy: ${exportPolicy}`} }`,
  );
  writeFileSync(
    join(dir, 'hub.yaml'),
    [`localAs: ${HUB_AS}`, `routerId: ${HUB}`, 'logLevel: warn', `listen: [${HUB}]`, 'peers:', ...peers, ''].join('\n'),
  );
  const daemon = hub.node(CLI, ['run', '--config', join(dir, 'hub.yaml'), '--socket', socket]);
  const summary = async () => {
    const family = (
      (await controlRequest(socket, { command: 'summary' })) as {
        ipv4Unicast?: { ribCount: number; peers: Record<string, { state: string; pfxRcd?: number }> };
      }
    ).ipv4Unicast;
    return {
      rib: Object.values(family?.peers ?? {}).reduce((sum, p) => sum + (p.pfxRcd ?? 0), 0),
      up: Object.values(family?.peers ?? {}).filter((p) => p.state === 'Established').length,
    };
  };
  await waitFor(async () => (await summary()).up === 0, { what: 'cairn-bgp hub answering', timeoutMs: 60_000 });
  const idle = memory(daemon.pid!);
  const feeder = await runFeeder(feeders);
  let establishedAt = 0;
  await waitFor(
    async () => {
      const s = await summary();
      if (!establishedAt && s.up === PEERS) establishedAt = Date.now();
      return s.up === PEERS && s.rib === PEERS * PER_PEER;
    },
    {
      what: `Cairn hub: ${PEERS} sessions and ${PEERS * PER_PEER} prefixes`,
      timeoutMs: Number(process.env.MANY_TIMEOUT_MS ?? 240_000),
      intervalMs: 250,
    },
  );
  const convergedAt = Date.now();
  const mem = memory(daemon.pid!);
  feeder.process.kill('SIGKILL');
  daemon.kill('SIGTERM');
  await Promise.allSettled([daemon, feeder.process]);
  return {
    hub:
      exportPolicy === 'none'
        ? 'Cairn, no export policy (RFC 8212: export blocked)'
        : 'Cairn, export policy reject-all',
    establishedS: (establishedAt - feeder.started) / 1000,
    convergedS: (convergedAt - feeder.started) / 1000,
    idleMb: idle.rssMb,
    peakMb: mem.peakMb,
    rssMb: mem.rssMb,
  };
}

async function frrHub(hub: Namespace, feeders: Namespace): Promise<Result> {
  const neighbors = Array.from({ length: PEERS }, (_, i) => [
    ` neighbor ${feederAddress(i)} remote-as ${65000 + i}`,
    ` neighbor ${feederAddress(i)} peer-group FEED`,
  ]).flat();
  const config = [
    `router bgp ${HUB_AS}`,
    ` bgp router-id ${HUB}`,
    ' no bgp ebgp-requires-policy',
    ' neighbor FEED peer-group',
    ' neighbor FEED passive',
    ...neighbors,
    ' address-family ipv4 unicast',
    '  neighbor FEED route-map REJECT-ALL out',
    ' exit-address-family',
    'route-map REJECT-ALL deny 10',
    '',
  ].join('\n');
  const frr = await FrrInstance.start(hub, { config, listen: [HUB] });
  try {
    const pid = Number(readFileSync(join(frr.dir, 'bgpd.pid'), 'utf8').trim());
    const summary = async () => {
      const json = await frr.json<{
        ipv4Unicast?: { ribCount: number; peers: Record<string, { state: string; pfxRcd?: number }> };
      }>('show bgp summary json');
      const family = json.ipv4Unicast;
      return {
        rib: Object.values(family?.peers ?? {}).reduce((sum, p) => sum + (p.pfxRcd ?? 0), 0),
        up: Object.values(family?.peers ?? {}).filter((p) => p.state === 'Established').length,
      };
    };
    const idle = memory(pid);
    const feeder = await runFeeder(feeders);
    let establishedAt = 0;
    await waitFor(
      async () => {
        const s = await summary();
        if (!establishedAt && s.up === PEERS) establishedAt = Date.now();
        if (s.up === PEERS && s.rib === PEERS * PER_PEER) return true;
        throw new Error(`${s.up} Established, ${s.rib} prefixes; ${frr.exited('bgpd') || 'bgpd running'}`);
      },
      {
        what: `FRR hub: ${PEERS} sessions and ${PEERS * PER_PEER} prefixes`,
        timeoutMs: Number(process.env.MANY_TIMEOUT_MS ?? 240_000),
        intervalMs: 250,
      },
    );
    const convergedAt = Date.now();
    const mem = memory(pid);
    feeder.process.kill('SIGKILL');
    await Promise.allSettled([feeder.process]);
    return {
      hub: 'FRR 8.4 bgpd',
      establishedS: (establishedAt - feeder.started) / 1000,
      convergedS: (convergedAt - feeder.started) / 1000,
      idleMb: idle.rssMb,
      peakMb: mem.peakMb,
      rssMb: mem.rssMb,
    };
  } finally {
    await frr.stop();
  }
}

async function main(): Promise<void> {
  const lab = Lab.create('bench-peers');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-many-peers-'));
  try {
    const hub = await lab.namespace('hub');
    const feeders = await lab.namespace('feeders');
    await lab.link(hub, 'eth0', feeders, 'eth0', { a: [`${HUB}/16`] });
    const script = Array.from({ length: PEERS }, (_, i) => `address add ${feederAddress(i)}/16 dev eth0`).join('\n');
    await feeders.exec('ip', ['-batch', '-'], { input: script });
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    const results = [
      await cairnHub(hub, feeders, dir, 'reject-all'),
      await cairnHub(hub, feeders, dir, 'none'),
      await frrHub(hub, feeders),
    ];
    const [cairn, cairnBlocked, frr] = results as [Result, Result, Result];
    const markdown = [
      `## ${PEERS} peers × ${PER_PEER} prefixes into one hub (Cairn vs FRR bgpd)`,
      '',
      `One feeder process opens ${PEERS} eBGP sessions from ${PEERS} addresses to the hub (configured passive, one`,
      `neighbour per address) and announces ${PER_PEER} distinct IPv4 /24s per session once Established (${PEERS * PER_PEER} in all).`,
      'The hub accepts everything and exports nothing. Times from the feeder start; memory from /proc (VmRSS idle with',
      'the peers configured, VmHWM peak). Cairn runs as the `cairn-bgp` daemon under the tsx loader (part of its idle RSS).',
      '',
      table(
        [
          'hub',
          `all ${PEERS} Established (s)`,
          'all prefixes in table (s)',
          'idle RSS (MB)',
          'peak RSS (MB)',
          'RSS after (MB)',
        ],
        results.map((r) => [
          r.hub,
          r.establishedS.toFixed(1),
          r.convergedS.toFixed(1),
          r.idleMb.toFixed(0),
          r.peakMb.toFixed(0),
          r.rssMb.toFixed(0),
        ]),
      ),
      '',
      `Ratios (FRR / Cairn with the reject-all export policy): convergence ${(frr.convergedS / cairn.convergedS).toFixed(2)}×, peak RSS ${(frr.peakMb / cairn.peakMb).toFixed(2)}×;`,
      `against Cairn with export blocked by RFC 8212: convergence ${(frr.convergedS / cairnBlocked.convergedS).toFixed(2)}×, peak RSS ${(frr.peakMb / cairnBlocked.peakMb).toFixed(2)}×.`,
      'FRR uses a deny-all route-map out. With an export policy, each session that comes up has the RIB evaluate the whole',
      'Loc-RIB for it (a full export), and every batch of changes marks prefixes for export to every peer: that is where',
      'Cairn loses time against FRR, which evaluates exports per update group, not per peer.',
      `The table is polled every 250 ms through each hub's own query path (the cairn-bgp control socket, FRR's vtysh), which bounds the resolution.`,
      `Load average at the start: ${load} (the machine was shared with other work during this run).`,
    ].join('\n');
    writeBenchSection('many-peers', markdown);
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
