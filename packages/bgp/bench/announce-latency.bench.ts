// Announce and withdraw latency (issue 4, benchmark 2): from the call that announces a prefix to the
// prefix being in FRR's BGP table (MRAI 0 on both sides), and the same for a withdrawal. Side by side:
// Cairn (BgpSpeaker.announce in-process) and FRR 8.4 bgpd in the same announcing role (a `network`
// statement through vtysh), both peering with the same upstream FRR in network namespaces.
//   npm run bench -- announce-latency
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { table, writeBenchSection } from '../../../test/bench/report.js';
import { FrrInstance, Lab, waitFor } from '../../../test/harness/index.js';
import { ACCEPT_ALL } from '../src/policy/index.js';
import { BgpSpeaker } from '../src/speaker/index.js';
import { LinuxTransport } from '../src/transport/index.js';

const TRIALS = Number(process.env.LATENCY_TRIALS ?? 20);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
}

function preciseLog(upstream: FrrInstance): string {
  const file = join(upstream.dir, 'precise.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

async function inTable(upstream: FrrInstance, prefix: string): Promise<boolean> {
  const json = await upstream.json<{ paths?: unknown[] }>(`show bgp ipv4 unicast ${prefix} json`);
  return (json.paths?.length ?? 0) > 0;
}

/**
 * The upstream's bgpd logs each prefix it takes in or out (`debug bgp updates in`, millisecond
 * timestamps): the epoch ms of the first line about `prefix` (withdrawn or not) after `since`.
 * Polling vtysh would be far coarser (one query costs tens of ms); the log line is written when
 * bgpd processes the UPDATE into its table.
 */
async function logged(
  upstream: FrrInstance,
  from: string,
  prefix: string,
  withdrawn: boolean,
  since: number,
): Promise<number> {
  for (;;) {
    for (const line of preciseLog(upstream).split('\n')) {
      if (!line.includes(` ${prefix} `) && !line.endsWith(` ${prefix}`)) continue;
      if (!line.includes(` ${from}(`) || line.includes('DENIED') || line.includes('withdrawn') !== withdrawn) continue;
      const stamp = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
      if (!stamp) continue;
      const at = new Date(`${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}`).getTime();
      if (at >= since - 1) return at;
    }
    if (Date.now() - since > 10_000)
      throw new Error(
        `${prefix} not ${withdrawn ? 'withdrawn' : 'announced'} in the upstream's log within 10 s: ${preciseLog(upstream).slice(-1500)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** ms from t0 (epoch ms) to the upstream taking the prefix in (or out), then a table check. */
async function until(
  upstream: FrrInstance,
  from: string,
  prefix: string,
  present: boolean,
  t0: number,
): Promise<number> {
  const at = await logged(upstream, from, prefix, !present, t0);
  await waitFor(async () => (await inTable(upstream, prefix)) === present, {
    what: `${prefix} ${present ? 'in' : 'out of'} the table`,
  });
  return at - t0;
}

async function main(): Promise<void> {
  const lab = Lab.create('bench-latency');
  let upstream: FrrInstance | undefined;
  let announcer: FrrInstance | undefined;
  let speaker: BgpSpeaker | undefined;
  try {
    const up = await lab.namespace('upstream');
    const vr = await lab.namespace('vr');
    const frrVr = await lab.namespace('frrvr');
    await lab.link(up, 'eth0', vr, 'eth0', { a: ['10.200.0.1/24'], b: ['10.200.0.101/24'] });
    await lab.link(up, 'eth1', frrVr, 'eth0', { a: ['10.201.0.1/24'], b: ['10.201.0.102/24'] });
    const neighbor = (address: string, as: number) => [
      ` neighbor ${address} remote-as ${as}`,
      ` neighbor ${address} advertisement-interval 0`,
      ` neighbor ${address} timers connect 1`,
    ];
    upstream = await FrrInstance.start(up, {
      config: [
        'log timestamp precision 3',
        'debug bgp updates in',
        'router bgp 64999',
        ' bgp router-id 10.200.0.1',
        ' no bgp ebgp-requires-policy',
        ...neighbor('10.200.0.101', 65053),
        ...neighbor('10.201.0.102', 65054),
        '',
      ].join('\n'),
    });
    // A log file with millisecond timestamps (the command-line log target keeps whole seconds).
    await upstream.vtysh(
      'configure terminal',
      'log timestamp precision 3',
      `log file ${join(upstream.dir, 'precise.log')} debugging`,
    );
    announcer = await FrrInstance.start(frrVr, {
      config: [
        'router bgp 65054',
        ' bgp router-id 10.201.0.102',
        ' no bgp ebgp-requires-policy',
        ' no bgp network import-check',
        ...neighbor('10.201.0.1', 64999),
        '',
      ].join('\n'),
    });
    speaker = new BgpSpeaker({
      localAs: 65053,
      routerId: '10.200.0.101',
      logger: pino({ level: 'silent' }),
      transport: new LinuxTransport({ netns: vr.name, listenAddresses: [] }),
    });
    speaker.addPeer({
      address: '10.200.0.1',
      remoteAs: 64999,
      families: ['ipv4'],
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
      idleHoldTime: 1,
    });
    await speaker.start();
    const sessions = async () => {
      const summary = await upstream!.json<{ ipv4Unicast?: { peers?: Record<string, { state?: string }> } }>(
        'show bgp summary json',
      );
      const peers = summary.ipv4Unicast?.peers ?? {};
      return peers['10.200.0.101']?.state === 'Established' && peers['10.201.0.102']?.state === 'Established';
    };
    await waitFor(sessions, { what: 'both announcers Established with the upstream', timeoutMs: 60_000 });

    // The observer's own cost: one vtysh query.
    const pollCosts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      await inTable(upstream, '192.0.2.0/24');
      pollCosts.push(Date.now() - t);
    }

    const results = {
      cairn: { announce: [] as number[], withdraw: [] as number[] },
      frr: {
        announce: [] as number[],
        withdraw: [] as number[],
        announceAfterCli: [] as number[],
        withdrawAfterCli: [] as number[],
      },
      vtyshCall: [] as number[],
    };
    for (let i = 0; i < TRIALS; i++) {
      const cairnPrefix = `198.18.${i}.0/24`;
      let t0 = Date.now();
      speaker.announce(cairnPrefix);
      results.cairn.announce.push(await until(upstream, '10.200.0.101', cairnPrefix, true, t0));
      t0 = Date.now();
      speaker.withdraw(cairnPrefix);
      results.cairn.withdraw.push(await until(upstream, '10.200.0.101', cairnPrefix, false, t0));

      const frrPrefix = `198.19.${i}.0/24`;
      t0 = Date.now();
      await announcer.vtysh(
        'configure terminal',
        'router bgp 65054',
        'address-family ipv4 unicast',
        `network ${frrPrefix}`,
      );
      let cli = Date.now() - t0;
      results.vtyshCall.push(cli);
      let total = await until(upstream, '10.201.0.102', frrPrefix, true, t0);
      results.frr.announce.push(total);
      results.frr.announceAfterCli.push(total - cli);
      t0 = Date.now();
      await announcer.vtysh(
        'configure terminal',
        'router bgp 65054',
        'address-family ipv4 unicast',
        `no network ${frrPrefix}`,
      );
      cli = Date.now() - t0;
      results.vtyshCall.push(cli);
      total = await until(upstream, '10.201.0.102', frrPrefix, false, t0);
      results.frr.withdraw.push(total);
      results.frr.withdrawAfterCli.push(total - cli);
    }
    const load = (await execa('cat', ['/proc/loadavg'])).stdout.split(' ').slice(0, 3).join(' ');
    const row = (name: string, values: number[]) => [
      name,
      median(values).toFixed(1),
      p90(values).toFixed(1),
      Math.max(...values).toFixed(1),
    ];
    const ratio = (a: number[], b: number[]) => (median(b) / median(a)).toFixed(1);
    const markdown = [
      '## Announce and withdraw latency to FRR (BgpSpeaker vs FRR bgpd)',
      '',
      `From the announce (or withdraw) call to the prefix being in (or gone from) the upstream FRR 8.4's BGP table,`,
      `MRAI 0 on every session, ${TRIALS} trials each, one /24 per trial. Cairn: \`BgpSpeaker.announce()\` in-process.`,
      'FRR: bgpd in the same announcing role, `network P` / `no network P` through vtysh (the time includes that vtysh call,',
      `median ${median(results.vtyshCall).toFixed(1)} ms, which is FRR's own way in). The arrival is the upstream bgpd's`,
      '`debug bgp updates in` log line for the prefix (millisecond timestamps, same clock); a table query then confirms it',
      `(such a vtysh query costs median ${median(pollCosts).toFixed(1)} ms here, too coarse to time with). Goal: under 50 ms.`,
      '',
      table(
        ['announcer / operation', 'median ms', 'p90 ms', 'max ms'],
        [
          row('Cairn announce', results.cairn.announce),
          row('Cairn withdraw', results.cairn.withdraw),
          row('FRR announce', results.frr.announce),
          row('FRR withdraw', results.frr.withdraw),
          row('FRR announce, after vtysh returned', results.frr.announceAfterCli),
          row('FRR withdraw, after vtysh returned', results.frr.withdrawAfterCli),
        ],
      ),
      '',
      `Ratio (FRR median / Cairn median): announce ${ratio(results.cairn.announce, results.frr.announce)}×, withdraw ${ratio(results.cairn.withdraw, results.frr.withdraw)}×;`,
      `counting FRR only from when vtysh returned: announce ${ratio(results.cairn.announce, results.frr.announceAfterCli)}×, withdraw ${ratio(results.cairn.withdraw, results.frr.withdrawAfterCli)}×.`,
      'Both paths end in the same place (the upstream bgpd processing the UPDATE); Cairn batches exports per event-loop turn (MRAI 0).',
      'The log timestamps have 1 ms resolution, so Cairn figures of 0-2 ms are at that resolution and the ratios are rough.',
      `Load average during the run: ${load} (the machine is shared with other work while this was measured).`,
    ].join('\n');
    writeBenchSection('announce-latency', markdown);
  } finally {
    await speaker?.stop();
    await announcer?.stop();
    await upstream?.stop();
    await lab.destroy();
  }
}

await main();
