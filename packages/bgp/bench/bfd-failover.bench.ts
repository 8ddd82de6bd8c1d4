// BFD failover (issue 5): time from freezing the Cairn process (SIGSTOP) until FRR has removed Cairn's
// route from its kernel table, over many trials, with BFD 300 ms × 3 as the BGP liveness source versus
// BGP alone at the smallest hold time FRR allows (keepalive 1 s, hold 3 s). Same BGP timers in both
// modes, so the difference is BFD. FRR 8.4 (zebra + bfdd + bgpd, `neighbor X bfd`) is the upstream;
// the removal is seen by `ip monitor route` in FRR's namespace.
//   npm run bench -- bfd-failover           (BFD_TRIALS=5 for a quick run)
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { table, writeBenchSection } from '../../../test/bench/report.js';
import { FrrInstance, Lab, type Namespace, waitFor } from '../../../test/harness/index.js';
import type { RouterSpec } from './bfd-router.js';

const TRIALS = Number(process.env.BFD_TRIALS ?? 20);
const PREFIX = '202.38.80.16/28';
const FRR_ADDRESS = '10.70.0.1';
const CAIRN_ADDRESS = '10.70.0.2';

interface ModeResult {
  mode: string;
  samples: number[];
}

function frrConfig(bfd: boolean): string {
  return [
    'router bgp 64999',
    ` bgp router-id ${FRR_ADDRESS}`,
    ' no bgp ebgp-requires-policy',
    ` neighbor ${CAIRN_ADDRESS} remote-as 65053`,
    ` neighbor ${CAIRN_ADDRESS} timers 1 3`,
    ` neighbor ${CAIRN_ADDRESS} timers connect 1`,
    ` neighbor ${CAIRN_ADDRESS} advertisement-interval 0`,
    ...(bfd ? [` neighbor ${CAIRN_ADDRESS} bfd`] : []),
    '',
  ].join('\n');
}

/** Streams `ip monitor route` in a namespace; resolves waiters on lines about PREFIX. */
class RouteMonitor {
  private waiters: { kind: 'add' | 'del'; resolve: (at: number) => void }[] = [];

  constructor(ns: Namespace) {
    const child = ns.spawn('ip', ['-o', 'monitor', 'route']);
    child.stdout?.on('data', (chunk: Buffer) => {
      const at = performance.now();
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes(PREFIX)) continue;
        const kind = line.startsWith('Deleted') ? 'del' : 'add';
        this.waiters = this.waiters.filter((w) => (w.kind === kind ? (w.resolve(at), false) : true));
      }
    });
  }

  next(kind: 'add' | 'del', timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no route ${kind} for ${PREFIX} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ kind, resolve: (at) => (clearTimeout(timer), resolve(at)) });
    });
  }
}

async function runMode(lab: Lab, withBfd: boolean): Promise<ModeResult> {
  const label = withBfd ? 'bfd' : 'hold';
  const upstream = await lab.namespace(`up-${label}`);
  const vr = await lab.namespace(`vr-${label}`);
  await lab.link(upstream, 'eth0', vr, 'eth0', { a: [`${FRR_ADDRESS}/24`], b: [`${CAIRN_ADDRESS}/24`] });
  const frr = await FrrInstance.start(upstream, { daemons: ['zebra', 'bfdd', 'bgpd'], config: frrConfig(withBfd) });
  const monitor = new RouteMonitor(upstream);
  const spec: RouterSpec = {
    bgp: {
      peer: FRR_ADDRESS,
      local: CAIRN_ADDRESS,
      localAs: 65053,
      remoteAs: 64999,
      holdTime: 3,
      keepaliveTime: 1,
      bfd: withBfd,
      announce: [PREFIX],
    },
  };
  const cairn = vr.node(join(import.meta.dirname, 'bfd-router.ts'), [JSON.stringify(spec)]);
  const routePresent = async () => (await upstream.exec('ip', ['route', 'show', PREFIX])).stdout.includes('proto bgp');
  const bfdUp = async () =>
    !withBfd ||
    (await frr.json<{ peer: string; status: string }[]>('show bfd peers json')).some(
      (p) => p.peer === CAIRN_ADDRESS && p.status === 'up',
    );
  const samples: number[] = [];
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      await waitFor(async () => (await routePresent()) && (await bfdUp()), {
        what: `${label}: route at FRR and BFD up before trial ${trial}`,
        timeoutMs: 60_000,
      });
      // Freeze at a random phase of the keepalive / BFD transmit cycle.
      await sleep(500 + Math.random() * 1000);
      const removed = monitor.next('del', 30_000);
      const frozenAt = performance.now();
      process.kill(cairn.pid!, 'SIGSTOP');
      try {
        samples.push((await removed) - frozenAt);
      } finally {
        process.kill(cairn.pid!, 'SIGCONT');
      }
      console.log(`${label} trial ${trial + 1}/${TRIALS}: ${samples.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    cairn.kill('SIGKILL');
    await frr.stop();
  }
  return { mode: withBfd ? 'BGP + BFD 300 ms × 3' : 'BGP alone, hold 3 s / keepalive 1 s', samples };
}

function stats(samples: number[]): { min: number; median: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { min: sorted[0]!, median: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

const load = loadavg()[0]!.toFixed(2);
const lab = Lab.create('bfd-failover');
try {
  const withBfd = await runMode(lab, true);
  const without = await runMode(lab, false);
  const a = stats(withBfd.samples);
  const b = stats(without.samples);
  const ms = (v: number) => v.toFixed(0);
  const allUnder1s = withBfd.samples.every((s) => s < 1000);
  writeBenchSection(
    'bfd-failover',
    [
      '## BFD failover: Cairn frozen (SIGSTOP) until FRR removed its route',
      '',
      `Cairn's BgpSpeaker runs as its own process in a network namespace and announces ${PREFIX} to FRR 8.4`,
      '(zebra + bfdd + bgpd) over eBGP with keepalive 1 s / hold 3 s, the smallest FRR allows. Each trial',
      'freezes the Cairn process with SIGSTOP at a random moment and times until `ip monitor route` in',
      "FRR's namespace reports the route deleted from the kernel; SIGCONT then lets the sessions recover.",
      `With BFD, FRR runs \`neighbor … bfd\` (300 ms × 3) against Cairn's BfdService. ${TRIALS} trials per mode.`,
      '',
      table(
        ['mode', 'trials', 'min ms', 'median ms', 'p95 ms', 'max ms'],
        [
          [withBfd.mode, withBfd.samples.length, ms(a.min), ms(a.median), ms(a.p95), ms(a.max)],
          [without.mode, without.samples.length, ms(b.min), ms(b.median), ms(b.p95), ms(b.max)],
        ],
      ),
      '',
      `Ratio (BGP alone / with BFD): median ${(b.median / a.median).toFixed(1)}×, worst case ${(b.max / a.max).toFixed(1)}×.`,
      `Goal "every trial under 1 s with BFD": ${allUnder1s ? 'met' : 'NOT met'} (worst ${ms(a.max)} ms). FRR declares Cairn down 900 ms after the last packet it got, which is 600–900 ms after the freeze (Cairn sends every 225–300 ms), plus bgpd → zebra → kernel.`,
      '',
      `All samples with BFD (ms): ${withBfd.samples.map(ms).join(', ')}.`,
      '',
      `1-minute load average at the start: ${load} (the machine is shared with other work; numbers under load).`,
    ].join('\n'),
  );
} finally {
  await lab.destroy();
}
