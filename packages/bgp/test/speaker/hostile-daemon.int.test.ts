// cairn-bgp (the daemon process) with a healthy FRR session and a hostile peer beside it. The hostile
// peer sends UPDATEs that cannot be re-exported, tens of thousands of mutated UPDATEs (reconnecting
// after every NOTIFICATION), random byte streams and a junk Tunnel Encapsulation attribute. The daemon
// never exits or prints an uncaught error, FRR's session never resets, and memory stays flat.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type LabProcess, type Namespace, frrNeighborState, waitFor } from '@cairn/harness';
import type { Summary } from '../../src/speaker/summary.js';
import { BgpDecodeError, decodeMessage, encodeMessage, parsePrefix } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT, type AsPathSegment, type CodecContext } from '../../src/wire/types.js';
import { FOUR_OCTET_CTX, ScriptedPeer } from '../support/scripted-peer.js';
import { baseUpdates, mutate, prng } from '../support/update-mutator.js';
import { CAIRN_V4, CAIRN_V6, UPSTREAM_V4, frrPaths, referenceLab, startUpstream } from './lab.js';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));
const HOSTILE = '10.202.0.66';
const CAIRN_H = '10.202.0.101';
const MUTANTS = 20_000;
const BATCH = 500;
const RANDOM_STREAMS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` for at most `ms`; true when it held. */
async function within(ms: number, probe: () => boolean): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (probe()) return true;
  return probe();
}

describe('cairn-bgp against a hostile peer, next to FRR 8.4', () => {
  const lab = Lab.create('hostile-daemon');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-hostile-'));
  const controlSocket = join(dir, 'control.sock');
  let frr: FrrInstance;
  let hostileNs: Namespace;
  let daemon: LabProcess;
  let output = '';
  let exited = false;
  const figures = {
    updatesSent: 0,
    mutants: 0,
    fatal: 0,
    drawnNotSent: 0,
    connections: 0,
    notifications: 0,
    randomStreams: 0,
  };

  const cli = async (...args: string[]) => {
    const result = await execa(process.execPath, ['--import', 'tsx', CLI, ...args, '--socket', controlSocket], {
      reject: false,
    });
    if (result.exitCode !== 0)
      throw new Error(`cairn-bgp ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  };
  const summary = async () => JSON.parse(await cli('show', 'summary', '--json')) as Summary;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${daemon.pid}/status`, 'utf8'))![1]) * 1024;
  const frrCounters = async () => {
    const json = await frr.json<Record<string, { connectionsEstablished: number; connectionsDropped: number }>>(
      `show bgp neighbors ${CAIRN_V4} json`,
    );
    return { established: json[CAIRN_V4]!.connectionsEstablished, dropped: json[CAIRN_V4]!.connectionsDropped };
  };

  const rawSocket = () =>
    hostileNs.enter(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ host: CAIRN_H, port: 179, localAddress: HOSTILE }, () => resolve(s));
          s.once('error', reject);
        }),
    );

  /** An Established session from the hostile peer (2-octet AS without capability 65); retries while Cairn is in IdleHold. */
  async function session(twoOctet = false): Promise<ScriptedPeer> {
    const ctx: CodecContext = twoOctet ? DEFAULT_CODEC_CONTEXT : FOUR_OCTET_CTX;
    for (let attempt = 0; attempt < 60; attempt++) {
      const socket = await rawSocket().catch(() => undefined);
      if (socket) {
        const peer = new ScriptedPeer(socket, ctx);
        peer.sendMessage({
          type: 1,
          version: 4,
          asn: 65066,
          holdTime: 90,
          routerId: HOSTILE,
          capabilities: [{ code: 1, afi: 1, safi: 1 }, ...(twoOctet ? [] : [{ code: 65 as const, asn: 65066 }])],
        });
        if ((await within(3000, () => peer.has(4) || peer.closed)) && !peer.closed) {
          peer.sendMessage({ type: 4 });
          figures.connections++;
          return peer;
        }
        socket.destroy();
      }
      await sleep(200);
    }
    throw new Error('the hostile peer could not establish a session with cairn-bgp');
  }

  beforeAll(async () => {
    const net = await referenceLab(lab);
    hostileNs = await lab.namespace('hostile');
    await lab.link(hostileNs, 'eth0', net.vr, 'eth1', { a: [`${HOSTILE}/24`], b: [`${CAIRN_H}/24`] });
    frr = await startUpstream(net.upstream);
    writeFileSync(
      join(dir, 'bgp.yaml'),
      [
        'localAs: 65053',
        `routerId: ${CAIRN_V4}`,
        'logLevel: error',
        'peers:',
        `  - { address: ${UPSTREAM_V4}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, importPolicy: accept-all, exportPolicy: accept-all, nextHopIpv6: ${CAIRN_V6} }`,
        `  - { address: ${HOSTILE}, remoteAs: 65066, passive: true, idleHoldTime: 1, maxIdleHoldTime: 1, families: [ipv4], importPolicy: accept-all, exportPolicy: accept-all }`,
        '',
      ].join('\n'),
    );
    daemon = net.vr.node(CLI, ['run', '--config', join(dir, 'bgp.yaml'), '--socket', controlSocket]);
    daemon.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void daemon.finally(() => (exited = true));
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) === 'Established', {
      what: 'the FRR session with cairn-bgp',
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    daemon?.kill('SIGTERM');
    await daemon;
    await frr?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'withholds routes that cannot be re-exported to FRR and drops a junk Tunnel Encapsulation attribute',
    { timeout: 120_000 },
    async () => {
      const before = await frrCounters();
      // (a) 1,000 one-AS segments: 4,042 bytes on a 2-octet session, over 6,000 as 4-octet ASNs towards FRR.
      const two = await session(true);
      const longPath: AsPathSegment[] = Array.from({ length: 1000 }, (_, i) => ({
        type: 'sequence',
        asns: [i === 0 ? 65066 : 1000 + i],
      }));
      const long = encodeMessage(
        {
          type: 2,
          withdrawn: [],
          nlri: [parsePrefix('198.18.100.0/24')],
          attributes: { origin: 0, asPath: longPath, nextHop: HOSTILE },
        },
        DEFAULT_CODEC_CONTEXT,
      );
      expect(long).toHaveLength(4042);
      two.send(long);
      figures.updatesSent++;
      await waitFor(async () => ((await summary()).ipv4Unicast?.peers[UPSTREAM_V4]?.unsendableRoutes ?? 0) >= 1, {
        what: 'the route counted unsendable towards FRR',
      });
      expect(await frrPaths(frr, 'ipv4', '198.18.100.0/24')).toEqual([]);
      two.socket.destroy();

      // 1,011 communities in a 4,095-byte UPDATE on a 4-octet session: our AS prepended makes 4,099.
      const four = await session();
      const communities = Array.from({ length: 1011 }, (_, i) => 0xfd2a0000 + i);
      const full = encodeMessage(
        {
          type: 2,
          withdrawn: [],
          nlri: [parsePrefix('198.18.101.0/24')],
          attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [65066] }], nextHop: HOSTILE, communities },
        },
        FOUR_OCTET_CTX,
      );
      expect(full).toHaveLength(4095);
      four.send(full);
      // (d) the junk Tunnel Encapsulation attribute (sent without Partial, as the original peer would).
      const junk = encodeMessage(
        {
          type: 2,
          withdrawn: [],
          nlri: [parsePrefix('198.18.102.0/24')],
          attributes: {
            origin: 0,
            asPath: [{ type: 'sequence', asns: [65066] }],
            nextHop: HOSTILE,
            unknown: [{ flags: 0xc0, typeCode: 23, value: Uint8Array.from(Buffer.from('0000fdeb0a630202', 'hex')) }],
          },
        },
        FOUR_OCTET_CTX,
      );
      junk[Buffer.from(junk).indexOf(Buffer.from('e01708', 'hex'))] = 0xc0;
      four.send(junk);
      four.send(
        encodeMessage(
          {
            type: 2,
            withdrawn: [],
            nlri: [parsePrefix('198.18.103.0/24')],
            attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [65066] }], nextHop: HOSTILE },
          },
          FOUR_OCTET_CTX,
        ),
      );
      figures.updatesSent += 3;
      await waitFor(async () => (await frrPaths(frr, 'ipv4', '198.18.103.0/24')).length > 0, {
        what: 'FRR to learn the clean route sent last',
      });
      expect(await frrPaths(frr, 'ipv4', '198.18.101.0/24')).toEqual([]);
      expect(await frrPaths(frr, 'ipv4', '198.18.102.0/24')).toEqual([]);
      expect((await summary()).ipv4Unicast?.peers[UPSTREAM_V4]?.unsendableRoutes ?? 0).toBeGreaterThanOrEqual(1);
      expect(four.notification()).toBeUndefined();
      four.socket.destroy();
      expect(await frrCounters()).toEqual(before);
      expect(exited).toBe(false);
    },
  );

  it(
    `survives ${MUTANTS} mutated UPDATEs and ${RANDOM_STREAMS} random byte streams`,
    { timeout: 240_000 },
    async () => {
      const random = prng(0xca1b);
      const bases = baseUpdates(65066, HOSTILE, FOUR_OCTET_CTX);
      const frrBefore = await frrCounters();

      /**
       * The next batch: up to BATCH mutants the codec handles without a session reset (RFC 7606
       * treat-as-withdraw, attribute-discard, or plain valid), then one that resets the session, so
       * that every mutant sent is read by the daemon. (Further session-reset mutants drawn meanwhile,
       * about half of all, are counted but not sent: each would cost a reconnection.)
       */
      const nextBatch = (room: number): Uint8Array[] => {
        const batch: Uint8Array[] = [];
        let reset: Uint8Array | undefined;
        while (batch.length < room - 1) {
          const mutant = mutate(bases[Math.floor(random() * bases.length)]!, random);
          let ends: boolean;
          try {
            // A flipped type byte can make a well-formed OPEN or NOTIFICATION: the session ends on those too.
            ends = ![2, 4, 5].includes(decodeMessage(mutant, FOUR_OCTET_CTX).type);
          } catch (error) {
            if (!(error instanceof BgpDecodeError)) throw error;
            ends = true;
          }
          if (!ends) batch.push(mutant);
          else if (reset) figures.drawnNotSent++;
          else reset = mutant;
        }
        if (reset) {
          batch.push(reset);
          figures.fatal++;
        }
        return batch;
      };
      /** Sends `count` mutants in batches, reconnecting after every NOTIFICATION (or close). */
      const run = async (count: number) => {
        let peer = await session();
        for (let sent = 0; sent < count;) {
          if (peer.closed) {
            if (peer.notification()) figures.notifications++;
            peer = await session();
          }
          const batch = nextBatch(Math.min(BATCH, count - sent));
          peer.send(Buffer.concat(batch));
          sent += batch.length;
          // A batch ends with its session-reset mutant: wait for the daemon to read it all and close.
          await within(10_000, () => peer.closed);
        }
        peer.socket.destroy();
      };

      await run(2_000); // warm-up: the daemon's heap and JIT settle before RSS is taken
      await sleep(2_000);
      const rssBefore = rss();
      await run(MUTANTS);
      figures.mutants = MUTANTS + 2_000;

      // (c) random byte streams, before the OPEN and inside an Established session.
      for (let i = 0; i < RANDOM_STREAMS; i++) {
        const bytes = Uint8Array.from({ length: 64 + Math.floor(random() * 2048) }, () => Math.floor(random() * 256));
        if (i % 2 === 0) {
          const socket = await rawSocket().catch(() => undefined);
          socket?.on('error', () => undefined);
          socket?.write(bytes);
          await sleep(100);
          socket?.destroy();
        } else {
          const peer = await session();
          if (i % 4 === 1) bytes.fill(0xff, 0, 16); // a valid marker, so the header fields are read
          peer.send(bytes);
          await within(1000, () => peer.closed);
          peer.socket.destroy();
        }
        figures.randomStreams++;
      }
      await sleep(3_000);
      const rssAfter = rss();

      const hostile = (await summary()).ipv4Unicast!.peers[HOSTILE]!;
      const frrAfter = await frrCounters();
      const report = {
        ...figures,
        updatesSent: figures.updatesSent + figures.mutants,
        processedByCairn: hostile.msgRcvd,
        rssBefore,
        rssAfter,
        frrBefore,
        frrAfter,
      };
      console.log(`hostile-peer figures: ${JSON.stringify(report)}`);
      expect(exited).toBe(false);
      expect(output).not.toMatch(/Uncaught|TypeError|RangeError|ReferenceError|SyntaxError|\n\s+at .+:\d+:\d+/);
      expect(frrAfter).toEqual(frrBefore);
      expect(await frrNeighborState(frr, CAIRN_V4)).toBe('Established');
      // Growth is what a leak would show; the heap shrinking after the warm-up is no fault.
      expect(rssAfter).toBeLessThanOrEqual(rssBefore * 1.2);
      expect(hostile.msgRcvd).toBeGreaterThan(MUTANTS);
    },
  );
});
