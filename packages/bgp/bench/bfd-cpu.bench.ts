// CPU cost of 100 concurrent BFD sessions at 300 ms × 3 (issue 5): Cairn's BfdService in its own
// process against FRR 8.4 bfdd with the same 100 sessions (one address pair per session on a veth
// pair), both sides running at once. CPU time (user + system, /proc/<pid>/stat) over a fixed wall-clock
// window once every session is Up, for the Cairn process and for FRR's bfdd.
//   npm run bench -- bfd-cpu                (BFD_CPU_SECONDS=10 for a quick run)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { table, writeBenchSection } from '../../../test/bench/report.js';
import { FrrInstance, Lab, waitFor } from '../../../test/harness/index.js';
import type { RouterSpec } from './bfd-router.js';

const SESSIONS = 100;
const WINDOW_S = Number(process.env.BFD_CPU_SECONDS ?? 30);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, and its resident set size in MiB. */
function usage(pid: number, comm: string): { cpu: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const actual = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  if (actual !== comm) throw new Error(`pid ${pid} is ${actual}, expected ${comm}`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm)": state is index 0, so utime (field 14) is index 11, stime index 12, rss index 21.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpu: ticks / TICKS_PER_SECOND, rssMiB: (Number(fields[21]) * 4096) / 2 ** 20 };
}

interface FrrBfdPeer {
  peer: string;
  status: string;
}

const load = loadavg()[0]!.toFixed(2);
const lab = Lab.create('bfd-cpu');
try {
  const frrNs = await lab.namespace('frr');
  const cairnNs = await lab.namespace('cairn');
  await lab.link(frrNs, 'eth0', cairnNs, 'eth0');
  const index = Array.from({ length: SESSIONS }, (_, i) => i + 1);
  await frrNs.sh(index.map((i) => `ip addr add 10.80.2.${i}/16 dev eth0`).join(' && '));
  await cairnNs.sh(index.map((i) => `ip addr add 10.80.1.${i}/16 dev eth0`).join(' && '));
  const frr = await FrrInstance.start(frrNs, {
    daemons: ['zebra', 'bfdd'],
    config: ['bfd', ...index.flatMap((i) => [` peer 10.80.1.${i} local-address 10.80.2.${i}`, '  receive-interval 300', '  transmit-interval 300', '  detect-multiplier 3', ' !']), '!', ''].join('\n'),
  });
  const spec: RouterSpec = { bfdPeers: index.map((i) => ({ peer: `10.80.2.${i}`, local: `10.80.1.${i}` })) };
  const cairn = cairnNs.node(join(import.meta.dirname, 'bfd-router.ts'), [JSON.stringify(spec)]);
  try {
    const upCount = async () => (await frr.json<FrrBfdPeer[]>('show bfd peers json')).filter((p) => p.status === 'up').length;
    await waitFor(async () => (await upCount()) === SESSIONS, { what: `${SESSIONS} BFD sessions Up at FRR`, timeoutMs: 90_000, intervalMs: 500 });
    await sleep(3000); // past the Poll Sequences that follow Up
    const bfddPid = Number(readFileSync(join(frr.dir, 'bfdd.pid'), 'utf8').trim());
    const cairnPid = cairn.pid!;
    const before = { cairn: usage(cairnPid, 'node'), bfdd: usage(bfddPid, 'bfdd'), at: performance.now() };
    const downBefore = await frr.vtysh('show bfd peers counters json');
    await sleep(WINDOW_S * 1000);
    const after = { cairn: usage(cairnPid, 'node'), bfdd: usage(bfddPid, 'bfdd'), at: performance.now() };
    const stillUp = await upCount();
    const downAfter = await frr.vtysh('show bfd peers counters json');
    const downs = (json: string) => (JSON.parse(json) as { 'session-down': number }[]).reduce((sum, p) => sum + p['session-down'], 0);
    const flaps = downs(downAfter) - downs(downBefore);
    const wall = (after.at - before.at) / 1000;
    const cairnPct = ((after.cairn.cpu - before.cairn.cpu) / wall) * 100;
    const bfddPct = ((after.bfdd.cpu - before.bfdd.cpu) / wall) * 100;
    const pct = (v: number) => `${v.toFixed(2)} %`;
    writeBenchSection(
      'bfd-cpu',
      [
        `## BFD: CPU cost of ${SESSIONS} concurrent sessions at 300 ms × 3`,
        '',
        `Cairn's BfdService (one Node process, its own namespace) and FRR 8.4 bfdd run the same ${SESSIONS}`,
        'single-hop IPv4 sessions against each other (one address pair per session on one veth pair), each',
        `sending about ${Math.round((SESSIONS * 1000) / 262)} packets/s and receiving as many. CPU time is user + system from`,
        `/proc/<pid>/stat over ${wall.toFixed(0)} s of wall time once all sessions are Up.`,
        '',
        table(
          ['implementation', 'CPU (% of one core)', 'CPU per session', 'RSS MiB'],
          [
            ['Cairn BfdService (Node 20)', pct(cairnPct), pct(cairnPct / SESSIONS), after.cairn.rssMiB.toFixed(0)],
            ['FRR 8.4 bfdd (C)', pct(bfddPct), pct(bfddPct / SESSIONS), after.bfdd.rssMiB.toFixed(0)],
          ],
        ),
        '',
        `Ratio Cairn / FRR bfdd: ${(cairnPct / bfddPct).toFixed(1)}× the CPU.`,
        `Sessions Up at the end: ${stillUp}/${SESSIONS}; session-down events during the window at FRR: ${flaps}.`,
        `1-minute load average at the start: ${load} (the machine is shared with other work; numbers under load).`,
      ].join('\n'),
    );
  } finally {
    cairn.kill('SIGKILL');
    await frr.stop();
  }
} finally {
  await lab.destroy();
}
