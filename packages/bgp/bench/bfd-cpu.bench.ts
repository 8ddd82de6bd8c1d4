// CPU cost of 100 concurrent BFD sessions at 300 ms × 3 (issue 5). Two runs on the same lab shape
// (two namespaces, one veth pair, one address pair per session):
//   1. Cairn's BfdService (its own Node process) against FRR 8.4 bfdd;
//   2. FRR bfdd against FRR bfdd, as the reference for what bfdd costs with a peer of its own kind.
// CPU time (user + system, /proc/<pid>/stat) over a fixed wall-clock window once every session is Up.
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
const INDEX = Array.from({ length: SESSIONS }, (_, i) => i + 1);

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

/** FRR bfd configuration for SESSIONS peers `${peerNet}.i` from local `${localNet}.i`. */
function frrBfdConfig(localNet: string, peerNet: string): string {
  return [
    'bfd',
    ...INDEX.flatMap((i) => [
      ` peer ${peerNet}.${i} local-address ${localNet}.${i}`,
      '  receive-interval 300',
      '  transmit-interval 300',
      '  detect-multiplier 3',
      ' !',
    ]),
    '!',
    '',
  ].join('\n');
}

interface Measurement {
  /** CPU % of one core of the side under test (Cairn, or the second bfdd) and of the FRR bfdd it runs against. */
  subject: { pct: number; rssMiB: number };
  frr: { pct: number; rssMiB: number };
  wall: number;
  up: number;
  flaps: number;
}

async function measure(lab: Lab, subject: 'cairn' | 'frr'): Promise<Measurement> {
  const frrNs = await lab.namespace(`frr-${subject}`);
  const otherNs = await lab.namespace(`${subject}-side`);
  await lab.link(frrNs, 'eth0', otherNs, 'eth0');
  await frrNs.sh(INDEX.map((i) => `ip addr add 10.80.2.${i}/16 dev eth0`).join(' && '));
  await otherNs.sh(INDEX.map((i) => `ip addr add 10.80.1.${i}/16 dev eth0`).join(' && '));
  const frr = await FrrInstance.start(frrNs, {
    daemons: ['zebra', 'bfdd'],
    config: frrBfdConfig('10.80.2', '10.80.1'),
  });
  let stopSubject: () => Promise<void>;
  let subjectPid: number;
  let subjectComm: string;
  if (subject === 'cairn') {
    const spec: RouterSpec = { bfdPeers: INDEX.map((i) => ({ peer: `10.80.2.${i}`, local: `10.80.1.${i}` })) };
    const cairn = otherNs.node(join(import.meta.dirname, 'bfd-router.ts'), [JSON.stringify(spec)]);
    subjectPid = cairn.pid!;
    subjectComm = 'node';
    stopSubject = async () => {
      cairn.kill('SIGKILL');
    };
  } else {
    const second = await FrrInstance.start(otherNs, {
      daemons: ['zebra', 'bfdd'],
      config: frrBfdConfig('10.80.1', '10.80.2'),
    });
    subjectPid = Number(readFileSync(join(second.dir, 'bfdd.pid'), 'utf8').trim());
    subjectComm = 'bfdd';
    stopSubject = () => second.stop();
  }
  try {
    const upCount = async () =>
      (await frr.json<{ status: string }[]>('show bfd peers json')).filter((p) => p.status === 'up').length;
    await waitFor(async () => (await upCount()) === SESSIONS, {
      what: `${SESSIONS} BFD sessions Up at FRR (${subject})`,
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    await sleep(3000); // past the Poll Sequences that follow Up
    const frrPid = Number(readFileSync(join(frr.dir, 'bfdd.pid'), 'utf8').trim());
    const downs = async () =>
      (await frr.json<{ 'session-down': number }[]>('show bfd peers counters json')).reduce(
        (sum, p) => sum + p['session-down'],
        0,
      );
    const downsBefore = await downs();
    const before = { subject: usage(subjectPid, subjectComm), frr: usage(frrPid, 'bfdd'), at: performance.now() };
    await sleep(WINDOW_S * 1000);
    const after = { subject: usage(subjectPid, subjectComm), frr: usage(frrPid, 'bfdd'), at: performance.now() };
    const wall = (after.at - before.at) / 1000;
    const pct = (a: number, b: number) => ((b - a) / wall) * 100;
    return {
      subject: { pct: pct(before.subject.cpu, after.subject.cpu), rssMiB: after.subject.rssMiB },
      frr: { pct: pct(before.frr.cpu, after.frr.cpu), rssMiB: after.frr.rssMiB },
      wall,
      up: await upCount(),
      flaps: (await downs()) - downsBefore,
    };
  } finally {
    await stopSubject();
    await frr.stop();
  }
}

const load = loadavg()[0]!.toFixed(2);
const lab = Lab.create('bfd-cpu');
try {
  const cairnRun = await measure(lab, 'cairn');
  const frrRun = await measure(lab, 'frr');
  const pct = (v: number) => `${v.toFixed(2)} %`;
  const row = (name: string, m: { pct: number; rssMiB: number }) => [
    name,
    pct(m.pct),
    pct(m.pct / SESSIONS),
    m.rssMiB.toFixed(0),
  ];
  writeBenchSection(
    'bfd-cpu',
    [
      `## BFD: CPU cost of ${SESSIONS} concurrent sessions at 300 ms × 3`,
      '',
      `${SESSIONS} single-hop IPv4 sessions between two namespaces (one address pair per session on one veth`,
      `pair), each side sending about ${Math.round((SESSIONS * 1000) / 262)} control packets/s and receiving as many. CPU time is user +`,
      `system from /proc/<pid>/stat over ${WINDOW_S} s of wall time once all sessions are Up. Run 1: Cairn's`,
      "BfdService (one Node process) against FRR 8.4 bfdd. Run 2: FRR bfdd against FRR bfdd, for bfdd's own cost.",
      '',
      table(
        ['run', 'process', 'CPU (% of one core)', 'CPU per session', 'RSS MiB'],
        [
          ['1', ...row('Cairn BfdService (Node 20)', cairnRun.subject)],
          ['1', ...row('FRR 8.4 bfdd (its peer)', cairnRun.frr)],
          ['2', ...row('FRR 8.4 bfdd', frrRun.subject)],
          ['2', ...row('FRR 8.4 bfdd (its peer)', frrRun.frr)],
        ],
      ),
      '',
      `Ratio Cairn / FRR bfdd for the same ${SESSIONS} sessions: ${(cairnRun.subject.pct / frrRun.subject.pct).toFixed(2)}× the CPU of bfdd with an FRR peer (run 2),`,
      `${(cairnRun.subject.pct / cairnRun.frr.pct).toFixed(2)}× the CPU of the bfdd it ran against (run 1).`,
      `Sessions Up at the end: ${cairnRun.up}/${SESSIONS} (run 1), ${frrRun.up}/${SESSIONS} (run 2); session-down events during the windows: ${cairnRun.flaps}, ${frrRun.flaps}.`,
      `1-minute load average at the start: ${load} (the machine is shared with other work; numbers under load).`,
    ].join('\n'),
  );
} finally {
  await lab.destroy();
}
