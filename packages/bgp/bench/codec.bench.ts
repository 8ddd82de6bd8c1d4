// The BGP wire codec (issue 3): decode and encode of a 1,000,000-prefix IPv4 table, packed (a route
// server's shared attributes) and realistic (40,000 attribute sets, AS paths of 2–8 ASes, communities).
// Side by side in the same run, on the same bytes:
//   - Cairn in-process: buildUpdates (encode) and decodeMessage (decode), prefixes/s, MB/s, heap growth;
//   - FRR 8.4 bgpd (-Z): the same UPDATE stream sent over TCP from a raw peer, timed to all prefixes
//     in its RIB (FRR's decode + RIB insert), then FRR re-advertising the table to a second raw peer
//     (FRR's UPDATE generation), timed to the last prefix received;
//   - tshark 4.0 (Wireshark's C dissector): the same UPDATEs from a pcap, dissected to prefix fields.
//   npm run bench -- codec          (CODEC_PREFIXES=200000 for a quick run)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '../../../test/harness/index.js';
import { table, writeBenchSection } from '../../../test/bench/report.js';
import { rawPeer } from '../test/wire/raw-peer.js';
import { writeBgpPcap } from '../test/wire/tshark.js';
import { decodeMessage, endOfRib } from '../src/wire/index.js';
import type { CodecContext, OpenMessage, UpdateMessage } from '../src/wire/index.js';
import { encodeTable, packedTable, prefixes, realisticTable, type Table } from './codec-tables.js';

const PREFIXES = Number(process.env.CODEC_PREFIXES ?? 1_000_000);
const FRR_AS = 65100;
const FEEDER_AS = 64999;
const LISTENER_AS = 65200;
const CTX: CodecContext = { fourOctetAs: true, addPath: new Set(), extendedMessage: false, extendedNextHop: new Set() };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => bytes / 2 ** 20;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface CairnFigures {
  messages: number;
  bytes: number;
  encodeSeconds: number;
  decodeSeconds: number;
  /** CPU seconds (user + system) of the median decode round: what one core spends, whatever the load. */
  decodeCpuSeconds: number;
  encodeCpuSeconds: number;
  heapGrowthMb: number;
}

/** Wall and CPU seconds of `body`. */
function timed(body: () => void): { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  body();
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function measureCairn(t: Table): { figures: CairnFigures; messages: Uint8Array[] } {
  const encodeRounds: { wall: number; cpu: number }[] = [];
  let messages: Uint8Array[] = [];
  for (let round = 0; round < 3; round++) {
    gc();
    encodeRounds.push(timed(() => (messages = encodeTable(t, CTX))));
  }
  const bytes = messages.reduce((n, m) => n + m.length, 0);
  const decodeRounds: { wall: number; cpu: number }[] = [];
  for (let round = 0; round < 5; round++) {
    gc();
    let count = 0;
    decodeRounds.push(
      timed(() => {
        for (const m of messages) count += (decodeMessage(m, CTX) as UpdateMessage).nlri.length;
      }),
    );
    if (count !== t.prefixCount) throw new Error(`decoded ${count} prefixes, expected ${t.prefixCount}`);
  }
  // Heap growth: what the decoded table costs while it is held (Prefix objects, attributes).
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = messages.map((m) => decodeMessage(m, CTX));
  gc();
  const heapGrowthMb = mb(process.memoryUsage().heapUsed - before);
  if (held.length !== messages.length) throw new Error('unreachable');
  const byWall = (a: { wall: number }, b: { wall: number }) => a.wall - b.wall;
  const encode = [...encodeRounds].sort(byWall)[1]!;
  const decode = [...decodeRounds].sort(byWall)[2]!;
  return {
    figures: {
      messages: messages.length,
      bytes,
      encodeSeconds: encode.wall,
      decodeSeconds: decode.wall,
      encodeCpuSeconds: encode.cpu,
      decodeCpuSeconds: decode.cpu,
      heapGrowthMb,
    },
    messages,
  };
}

interface FrrFigures {
  ingestSeconds: number;
  /** Seconds to the last prefix, or undefined when FRR did not finish within the deadline. */
  advertiseSeconds?: number;
  advertised: number;
}

const open = (asn: number, routerId: string): OpenMessage => ({
  type: 1,
  version: 4,
  asn,
  holdTime: 0,
  routerId,
  capabilities: [{ code: 1, afi: 1, safi: 1 }, { code: 65, asn }, { code: 2 }],
});

async function measureFrr(lab: Lab, t: Table, messages: Uint8Array[]): Promise<FrrFigures> {
  const frrNs = await lab.namespace(`frr-${t.name}`);
  const peers = await lab.namespace(`peers-${t.name}`);
  await lab.link(frrNs, 'eth0', peers, 'eth0', { a: ['10.0.0.1/24'], b: ['10.0.0.2/24', '10.0.0.3/24'] });
  const frr = await FrrInstance.start(frrNs, {
    config: [
      'frr defaults traditional',
      'hostname codec-bench',
      'log file /dev/null',
      `router bgp ${FRR_AS}`,
      ' bgp router-id 10.0.0.1',
      ' no bgp ebgp-requires-policy',
      ` neighbor 10.0.0.2 remote-as ${FEEDER_AS}`,
      ` neighbor 10.0.0.3 remote-as ${LISTENER_AS}`,
      ' neighbor 10.0.0.3 shutdown',
      ' address-family ipv4 unicast',
      '  neighbor 10.0.0.3 advertisement-interval 0',
      ' exit-address-family',
      '',
    ].join('\n'),
  });
  try {
    const ribCount = async () =>
      (await frr.json<{ ipv4Unicast?: { ribCount?: number } }>('show bgp summary json')).ipv4Unicast?.ribCount ?? 0;
    // Connect only once bgpd listens for the neighbour (Active), or the connect may be refused.
    await waitFor(async () => (await frrNeighborState(frr, '10.0.0.2')) === 'Active', {
      what: 'FRR to wait for the feeder',
    });
    const feeder = await rawPeer(peers, '10.0.0.2', '10.0.0.1', open(FEEDER_AS, '10.0.0.2'));
    const start = performance.now();
    feeder.send(messages);
    feeder.send(endOfRib({ afi: 1, safi: 1 }, CTX));
    await waitFor(async () => (await ribCount()) >= t.prefixCount, {
      what: `FRR to hold ${t.prefixCount} prefixes`,
      timeoutMs: 240_000,
      intervalMs: 100,
    });
    const ingestSeconds = (performance.now() - start) / 1000;

    let received = 0;
    let last = 0;
    await frr.vtysh('configure terminal', `router bgp ${FRR_AS}`, 'no neighbor 10.0.0.3 shutdown');
    await waitFor(async () => (await frrNeighborState(frr, '10.0.0.3')) === 'Active', {
      what: 'FRR to wait for the listener',
    });
    const listenStart = performance.now();
    const listener = await rawPeer(peers, '10.0.0.3', '10.0.0.1', open(LISTENER_AS, '10.0.0.3'), (m) => {
      if (m.type !== 2) return;
      received += m.nlri.length;
      last = performance.now();
    });
    const finished = await waitFor(() => received >= t.prefixCount, {
      what: `FRR to advertise ${t.prefixCount} prefixes`,
      timeoutMs: 180_000,
      intervalMs: 50,
    }).then(
      () => true,
      () => false,
    );
    const advertiseSeconds = finished ? (last - listenStart) / 1000 : undefined;
    feeder.close();
    listener.close();
    return { ingestSeconds, advertiseSeconds, advertised: received };
  } finally {
    await frr.stop();
  }
}

async function measureTshark(dir: string, t: Table, messages: Uint8Array[]): Promise<number> {
  const pcap = join(dir, `${t.name}.pcap`);
  writeBgpPcap(pcap, messages);
  const start = performance.now();
  const { stdout } = await execa(
    'tshark',
    ['-r', pcap, '-n', '-o', 'tcp.analyze_sequence_numbers:FALSE', '-T', 'fields', '-e', 'bgp.nlri_prefix'],
    { maxBuffer: 1 << 30 },
  );
  const seconds = (performance.now() - start) / 1000;
  const count = stdout.split(/[\n,]/).filter(Boolean).length;
  if (count !== t.prefixCount) throw new Error(`tshark dissected ${count} prefixes, expected ${t.prefixCount}`);
  return seconds;
}

async function main(): Promise<void> {
  const all = prefixes(PREFIXES);
  const tables = [
    packedTable(all, '10.0.0.2', FEEDER_AS),
    realisticTable(all, '10.0.0.2', FEEDER_AS, new Set([FEEDER_AS, FRR_AS, LISTENER_AS])),
  ];
  const lab = Lab.create('codecbench');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-codec-bench-'));
  const load: number[] = [loadavg()[0]!];
  const rows: (string | number)[][] = [];
  const ratioRows: (string | number)[][] = [];
  try {
    for (const t of tables) {
      const { figures: c, messages } = measureCairn(t);
      load.push(loadavg()[0]!);
      const tshark = await measureTshark(dir, t, messages);
      const frr = await measureFrr(lab, t, messages);
      load.push(loadavg()[0]!);
      const perSecond = (seconds: number) => fmt(t.prefixCount / seconds);
      rows.push(
        [
          t.name,
          'Cairn decodeMessage',
          fmt(c.decodeSeconds, 3),
          `${perSecond(c.decodeSeconds)} (per CPU-second: ${perSecond(c.decodeCpuSeconds)})`,
          fmt(mb(c.bytes) / c.decodeSeconds, 1),
          `${fmt(c.heapGrowthMb)} MB held`,
        ],
        [
          t.name,
          'Cairn buildUpdates (encode)',
          fmt(c.encodeSeconds, 3),
          `${perSecond(c.encodeSeconds)} (per CPU-second: ${perSecond(c.encodeCpuSeconds)})`,
          fmt(mb(c.bytes) / c.encodeSeconds, 1),
          '',
        ],
        [
          t.name,
          'tshark 4.0 dissector (pcap → prefix fields)',
          fmt(tshark, 3),
          perSecond(tshark),
          fmt(mb(c.bytes) / tshark, 1),
          '',
        ],
        [
          t.name,
          'FRR 8.4 bgpd: TCP → RIB (decode + insert)',
          fmt(frr.ingestSeconds, 3),
          perSecond(frr.ingestSeconds),
          fmt(mb(c.bytes) / frr.ingestSeconds, 1),
          '',
        ],
        frr.advertiseSeconds === undefined
          ? [
              t.name,
              'FRR 8.4 bgpd: RIB → TCP (UPDATE generation)',
              '> 180',
              `only ${fmt(frr.advertised)} prefixes in 180 s`,
              '',
              '',
            ]
          : [
              t.name,
              'FRR 8.4 bgpd: RIB → TCP (UPDATE generation)',
              fmt(frr.advertiseSeconds, 3),
              perSecond(frr.advertiseSeconds),
              '',
              '',
            ],
      );
      ratioRows.push([
        t.name,
        `${fmt(c.messages)} UPDATEs, ${fmt(mb(c.bytes), 1)} MB`,
        `${fmt(tshark / c.decodeSeconds, 1)}×`,
        `${fmt(frr.ingestSeconds / c.decodeSeconds, 1)}×`,
        frr.advertiseSeconds === undefined
          ? `> ${fmt(180 / c.encodeSeconds, 0)}×`
          : `${fmt(frr.advertiseSeconds / c.encodeSeconds, 1)}×`,
      ]);
    }
  } finally {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const packed = rows[0]!;
  const markdown = [
    '## BGP wire codec: decode and encode of a 1,000,000-prefix IPv4 table',
    '',
    `${fmt(PREFIXES)} IPv4 prefixes (60 % /24, the rest /20–/23), 4-octet AS session, 4096-byte messages. ` +
      '**packed**: one attribute set, as a route server packs a table; **realistic**: 40,000 attribute sets with ' +
      'AS paths of 2–8 ASes, 0–4 communities, some large communities, skewed prefix counts per set. ' +
      'Cairn runs in-process on one core (median of 5 decode / 3 encode rounds); the same UPDATE bytes go to tshark ' +
      'from a pcap and to FRR bgpd (-Z, no zebra) over TCP from a raw peer; FRR then re-advertises the table to a ' +
      'second raw peer. FRR and tshark do more than the codec (RIB insert, best path; TCP reassembly, field output): ' +
      'they are the real alternatives a user would reach for, not codec-only figures.',
    '',
    table(['table', 'what', 'seconds', 'prefixes/s', 'MB/s', 'heap'], rows),
    '',
    'Ratios (how many times longer the alternative takes than Cairn for the same table):',
    '',
    table(
      ['table', 'stream', 'tshark / Cairn decode', 'FRR ingest / Cairn decode', 'FRR advertise / Cairn encode'],
      ratioRows,
    ),
    '',
    `Goal: decode ≥ 3,000,000 prefixes/s per core on the packed table — measured ${packed[3]}. ` +
      'Wall time suffers from the shared machine; CPU seconds (process.cpuUsage, which also counts the GC threads) are the per-core figure. ' +
      'Decoding allocates one Prefix object and one 4-byte Uint8Array per prefix, so at this scale the young-generation GC is a large share of the time.',
    '',
    `Load average during the run: ${load.map((l) => fmt(l, 1)).join(' → ')} on 2 cores (other helpers were running` +
      ' builds and tests at the same time, so absolute times are pessimistic; the ratios come from the same run).',
  ].join('\n');
  writeBenchSection('codec', markdown);
}

await main();
