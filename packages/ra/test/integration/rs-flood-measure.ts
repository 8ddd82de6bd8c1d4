// Measures cairn-ra under a Router Solicitation flood (a measurement, not a test: it prints figures and asserts
// nothing): `node --import tsx rs-flood-measure.ts [RATE] [SECONDS]`. The daemon (cli.ts, unicast replies on)
// runs in one namespace; the flood (rs-flood.ts) comes from another over a veth pair. Prints the daemon's CPU
// share, its log lines, and how many solicitations the kernel received, how many its socket dropped unread, and
// how many RAs went out, from the namespace's SNMP counters and /proc/net/raw6.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type Namespace, waitFor } from '../../../../test/harness/index.js';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const flood = new URL('./rs-flood.ts', import.meta.url).pathname;
const rate = Number(process.argv[2] ?? 5000);
const seconds = Number(process.argv[3] ?? 5);

async function snmp(ns: Namespace): Promise<Record<string, number>> {
  const { stdout } = await ns.exec('cat', ['/proc/net/snmp6']);
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .map(([k, v]) => [k!, Number(v)]),
  );
}

/** The drops column of the raw ICMPv6 sockets with a receive queue (the advertiser's one). */
async function rawDrops(ns: Namespace): Promise<number> {
  const { stdout } = await ns.exec('cat', ['/proc/net/raw6']);
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.trim().split(/\s+/).at(-1)))
    .reduce((a, b) => a + b, 0);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 a second)
}

async function main(): Promise<void> {
  const lab = Lab.create('ra-flood-measure');
  try {
    const router = await lab.namespace('router');
    const client = await lab.namespace('client', { forwarding: false });
    await lab.link(router, 'eth0', client, 'eth0');
    const dir = mkdtempSync(join(tmpdir(), 'cairn-ra-flood-'));
    const file = join(dir, 'ra.yaml');
    writeFileSync(
      file,
      'interfaces:\n  - name: eth0\n    unicastSolicitedReplies: true\n    prefixes:\n      - prefix: 2001:db8:1::/64\n',
    );
    const daemon = router.node(cli, ['run', '--config', file]);
    let lines = 0;
    let stackLines = 0;
    daemon.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      lines += text.split('\n').length - 1;
      stackLines += text.split('\\n    at ').length - 1;
    });
    await waitFor(async () => (await snmp(router)).Icmp6OutRouterAdvertisements! > 0, {
      what: 'the first RA',
      timeoutMs: 30_000,
    });
    const before = await snmp(router);
    const dropsBefore = await rawDrops(router);
    const linesBefore = lines;
    const ticksBefore = cpuTicks(daemon.pid!);
    const started = performance.now();
    const { stdout } = await client.exec(process.execPath, [
      '--import',
      'tsx',
      flood,
      'eth0',
      String(rate),
      String(seconds),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = (cpuTicks(daemon.pid!) - ticksBefore) / 100 / elapsed;
    const after = await snmp(router);
    const delta = (key: string) => after[key]! - before[key]!;
    const received = delta('Icmp6InRouterSolicits');
    const dropped = (await rawDrops(router)) - dropsBefore;
    console.log(
      JSON.stringify({
        rate,
        seconds,
        flood: JSON.parse(stdout) as unknown,
        kernelReceivedRS: received,
        socketDroppedUnread: dropped,
        readFraction: Number(((received - dropped) / received).toFixed(3)),
        raSent: delta('Icmp6OutRouterAdvertisements'),
        ip6OutNoRoutes: delta('Ip6OutNoRoutes'),
        ip6OutDiscards: delta('Ip6OutDiscards'),
        cpu: Number(cpu.toFixed(2)),
        logLines: lines - linesBefore,
        stackTraceFrames: stackLines,
      }),
    );
  } finally {
    await lab.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
