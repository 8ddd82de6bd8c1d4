// In-process RIB measurement, run as its own Node process (so its peak RSS is its own):
//   node --expose-gc --import tsx rib-ingest.ts <ipv4-count> <ipv6-count> [diverse|uniform]
// "diverse": one attribute set per GROUP prefixes (table.ts); "uniform": one attribute set for all,
// ~1,000 prefixes per UPDATE (what a plain BIRD static protocol sends).
// 1. RIB only: decoded UPDATEs (GROUP prefixes each, as BIRD packs them) into RibManager.
// 2. Codec + RIB: the same routes encoded with buildUpdates (outside the timing), then
//    decodeMessage + updateFromPeer timed.
// 3. Memory of a full-size table (IPv4 + IPv6) held in the RIB, input streamed.
// 4. That table exported to one eBGP downstream: time and the Adj-RIB-Out's heap.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import {
  ACCEPT_ALL,
  DEFAULT_CODEC_CONTEXT,
  RibManager,
  buildUpdates,
  decodeMessage,
  type CodecContext,
  type Prefix,
  type UpdateMessage,
} from '../../src/index.js';
import { asPathOf, ipv4Slash24, ipv6Slash48, routeGroups } from './table.js';

const [v4Count = 1_000_000, v6Count = 0] = process.argv.slice(2, 4).map(Number);
const uniform = process.argv[4] === 'uniform';
const UNIFORM_BATCH = 1000;
const FEEDER_AS = 65001;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function hwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
function rssMb(): number {
  gc();
  return process.memoryUsage().rss / 2 ** 20;
}

function freshRib(): RibManager {
  const rib = new RibManager({ localAs: 65002, routerId: '10.77.0.2' });
  rib.addPeer({
    id: 'feeder',
    address: '10.77.0.1',
    remoteAs: FEEDER_AS,
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
  });
  rib.peerUp('feeder', { routerId: '10.255.0.1', nextHopSelf: { ipv4: '10.77.0.2', ipv6: 'fc77::2' } });
  return rib;
}

function* updates(v4: number, v6: number): Generator<UpdateMessage> {
  if (uniform) {
    for (let first = 0; first < v4; first += UNIFORM_BATCH) {
      const nlri: Prefix[] = [];
      for (let i = first; i < Math.min(v4, first + UNIFORM_BATCH); i++)
        nlri.push({ afi: 1, length: 24, address: ipv4Slash24(i) });
      yield {
        type: 2,
        withdrawn: [],
        nlri,
        attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [FEEDER_AS] }], nextHop: '10.77.0.1' },
      };
    }
    for (let first = 0; first < v6; first += UNIFORM_BATCH) {
      const nlri: Prefix[] = [];
      for (let i = first; i < Math.min(v6, first + UNIFORM_BATCH); i++)
        nlri.push({ afi: 2, length: 48, address: ipv6Slash48(i) });
      yield {
        type: 2,
        withdrawn: [],
        nlri: [],
        attributes: {
          origin: 0,
          asPath: [{ type: 'sequence', asns: [FEEDER_AS] }],
          mpReach: { afi: 2, safi: 1, nextHop: 'fc77::1', nlri },
        },
      };
    }
    return;
  }
  for (const group of routeGroups(v4)) {
    const nlri: Prefix[] = [];
    for (let i = group.first; i < group.first + group.count; i++)
      nlri.push({ afi: 1, length: 24, address: ipv4Slash24(i) });
    const communities = group.community ? { communities: [group.community[0] * 65536 + group.community[1]] } : {};
    yield {
      type: 2,
      withdrawn: [],
      nlri,
      attributes: { origin: 0, asPath: asPathOf(group, FEEDER_AS), nextHop: '10.77.0.1', ...communities },
    };
  }
  for (const group of routeGroups(v6, 7)) {
    const nlri: Prefix[] = [];
    for (let i = group.first; i < group.first + group.count; i++)
      nlri.push({ afi: 2, length: 48, address: ipv6Slash48(i) });
    yield {
      type: 2,
      withdrawn: [],
      nlri: [],
      attributes: {
        origin: 0,
        asPath: asPathOf(group, FEEDER_AS),
        mpReach: { afi: 2, safi: 1, nextHop: 'fc77::1', nlri },
      },
    };
  }
}

const baseHeap = heapMb();

// 1. RIB only (the input is built before the clock starts).
let messages: UpdateMessage[] | undefined = [...updates(v4Count, 0)];
let rib: RibManager | undefined = freshRib();
let start = performance.now();
for (const update of messages) rib.updateFromPeer('feeder', update);
const ribSeconds = (performance.now() - start) / 1000;
const ribLoc = rib.locRibSize();
// eslint-disable-next-line no-useless-assignment -- dropped so the heap figure below excludes it
messages = undefined;
const ribHeapMb = heapMb() - baseHeap;
const ribAttributeSets = rib.attributeSetCount;
// eslint-disable-next-line no-useless-assignment -- dropped so the next heap figure excludes it
rib = undefined;

// 2. Codec + RIB: bytes as they come off a 4-octet-AS session, encoded in chunks outside the timing.
const ctx: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };
rib = freshRib();
let wireSeconds = 0;
let wireMessages = 0;
const source = updates(v4Count, 0);
for (;;) {
  const chunk: Uint8Array[] = [];
  for (let n = 0; n < (uniform ? 20 : 5000); n++) {
    const next = source.next();
    if (next.done) break;
    chunk.push(...buildUpdates({ attributes: next.value.attributes, nlri: next.value.nlri }, ctx));
  }
  if (chunk.length === 0) break;
  wireMessages += chunk.length;
  start = performance.now();
  for (const bytes of chunk) {
    const message = decodeMessage(bytes, ctx);
    if (message.type === 2) rib.updateFromPeer('feeder', message);
  }
  wireSeconds += (performance.now() - start) / 1000;
}
const wireLoc = rib.locRibSize();
// eslint-disable-next-line no-useless-assignment -- dropped so the next heap figure excludes it
rib = undefined;

// 3. Full-size table (IPv4 + IPv6), streamed.
const heapBefore = heapMb();
const rssBefore = rssMb();
rib = freshRib();
for (const update of updates(v4Count, v6Count)) rib.updateFromPeer('feeder', update);
const fullHeapMb = heapMb() - heapBefore;
const fullRssDeltaMb = rssMb() - rssBefore;

// 4. The full table exported to one eBGP downstream (session up): time and the Adj-RIB-Out's heap.
rib.addPeer({
  id: 'downstream',
  address: '10.78.0.1',
  remoteAs: 65003,
  importPolicy: ACCEPT_ALL,
  exportPolicy: ACCEPT_ALL,
});
rib.peerUp('downstream', { routerId: '10.78.0.1', nextHopSelf: { ipv4: '10.78.0.2', ipv6: 'fc78::2' } });
/** Times fullExport; only numbers leave this function, so the batch itself is garbage afterwards. */
function timeFullExport(table: RibManager): { exportSeconds: number; exportGroups: number } {
  const begin = performance.now();
  const batch = table.fullExport('downstream');
  return { exportSeconds: (performance.now() - begin) / 1000, exportGroups: batch.announce.length };
}
/**
 * The export, and the heap of the Adj-RIB-Out it leaves: measured as what dropping it frees (peer
 * down), which is robust to garbage a full GC right after the export sometimes still counts.
 */
function measureExport(table: RibManager): {
  exportSeconds: number;
  exportGroups: number;
  advertised: number;
  adjRibOutHeapMb: number;
} {
  const timing = timeFullExport(table);
  const advertised = table.counts('downstream').advertised;
  const withAdjRibOut = heapMb();
  table.peerDown('downstream');
  return { ...timing, advertised, adjRibOutHeapMb: withAdjRibOut - heapMb() };
}
const { exportSeconds, exportGroups, advertised, adjRibOutHeapMb } = measureExport(rib);

console.log(
  JSON.stringify({
    v4Count,
    v6Count,
    mode: uniform ? 'uniform' : 'diverse',
    ribSeconds,
    ribPrefixesPerSecond: v4Count / ribSeconds,
    ribLoc,
    ribHeapMb,
    ribAttributeSets,
    wireSeconds,
    wirePrefixesPerSecond: v4Count / wireSeconds,
    wireLoc,
    wireMessages,
    fullLoc: rib.locRibSize(),
    fullAttributeSets: rib.attributeSetCount,
    fullHeapMb,
    fullRssDeltaMb,
    fullRssMb: rssMb(),
    bytesPerRoute: (fullHeapMb * 2 ** 20) / rib.locRibSize(),
    exportSeconds,
    exportGroups,
    advertised,
    adjRibOutHeapMb,
    peakRssMb: hwmMb(),
  }),
);
