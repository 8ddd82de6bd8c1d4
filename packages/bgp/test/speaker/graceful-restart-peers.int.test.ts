// Graceful restart helper (RFC 4724 §4.2) against the two peers that send F=0 on a normal start:
// BIRD 2 (`graceful restart on`, restarted without -R) and GoBGP 3 (graceful-restart enabled). When
// the peer dies without a NOTIFICATION, Cairn keeps its routes, marked stale; when it is back, the
// routes are refreshed and nothing is left stale.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabProcess, type Namespace, waitFor } from '@cairn/harness';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { BgpSpeaker } from '../../src/speaker/index.js';
import { LinuxTransport } from '../../src/transport/index.js';

const BIRD = '10.0.1.1';
const CAIRN_TO_BIRD = '10.0.1.2';
const GOBGP = '10.0.2.1';
const CAIRN_TO_GOBGP = '10.0.2.2';

const birdConfig = `
router id ${BIRD};
protocol device {}
protocol static static4 {
  ipv4;
  route 198.51.100.0/24 unreachable;
  route 203.0.113.0/25 unreachable;
}
protocol bgp cairn {
  local ${BIRD} as 65001;
  neighbor ${CAIRN_TO_BIRD} as 65053;
  graceful restart on;
  graceful restart time 60;
  connect retry time 1;
  ipv4 { import all; export all; };
}
`;

const gobgpConfig = `
[global.config]
  as = 65002
  router-id = "${GOBGP}"
  port = 179
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${CAIRN_TO_GOBGP}"
    peer-as = 65053
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 60
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
`;

describe('graceful restart helper with BIRD 2 and GoBGP 3 restarting (F=0)', () => {
  const lab = Lab.create('bgpgrpeers');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gr-'));
  let speaker: BgpSpeaker;
  let birdNs: Namespace;
  let gobgpNs: Namespace;

  beforeAll(async () => {
    const cairnNs = await lab.namespace('cairn');
    birdNs = await lab.namespace('bird');
    gobgpNs = await lab.namespace('gobgp');
    await lab.link(birdNs, 'eth0', cairnNs, 'eth0', { a: [`${BIRD}/24`], b: [`${CAIRN_TO_BIRD}/24`] });
    await lab.link(gobgpNs, 'eth0', cairnNs, 'eth1', { a: [`${GOBGP}/24`], b: [`${CAIRN_TO_GOBGP}/24`] });
    writeFileSync(join(dir, 'bird.conf'), birdConfig);
    writeFileSync(join(dir, 'gobgpd.toml'), gobgpConfig);
    const logger = pino({ level: process.env.CAIRN_TEST_LOG ?? 'silent' });
    speaker = new BgpSpeaker({
      localAs: 65053,
      routerId: '10.0.0.100',
      logger,
      transport: new LinuxTransport({ netns: cairnNs.name, listenAddresses: ['0.0.0.0'], logger }),
    });
    const common = {
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
      families: ['ipv4' as const],
      holdTime: 9,
      connectRetryTime: 1,
      idleHoldTime: 1,
      maxIdleHoldTime: 2,
    };
    speaker.addPeer({ address: BIRD, remoteAs: 65001, localAddress: CAIRN_TO_BIRD, ...common });
    speaker.addPeer({ address: GOBGP, remoteAs: 65002, localAddress: CAIRN_TO_GOBGP, ...common });
    await speaker.start();
  });
  afterAll(async () => {
    await speaker?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const routesFrom = (peer: string) =>
    speaker
      .routes()
      .filter((r) => r.from === peer)
      .map((r) => r.prefix)
      .sort();

  /**
   * Kill -9 (no NOTIFICATION): the routes stay, all stale, for several hold times; then restart.
   * (`start` wraps the process: a LabProcess is a promise of its exit, so it cannot be awaited on.)
   */
  async function survivesRestart(
    peer: string,
    prefixes: string[],
    start: () => Promise<{ process: LabProcess }>,
  ): Promise<void> {
    const { process } = await start();
    await waitFor(() => speaker.peerState(peer) === 'Established' && routesFrom(peer).length === prefixes.length, {
      what: `routes from ${peer}`,
      timeoutMs: 60_000,
    });
    expect(speaker.rib.staleCount(peer)).toBe(0);
    process.kill('SIGKILL');
    await process;
    await waitFor(() => speaker.peerState(peer) !== 'Established', {
      what: `Cairn to see ${peer} gone`,
      timeoutMs: 30_000,
    });
    expect(routesFrom(peer)).toEqual(prefixes);
    expect(speaker.rib.staleCount(peer)).toBe(prefixes.length);
    // Longer than the hold time (9 s) and several connect retries: still there, still stale.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(routesFrom(peer)).toEqual(prefixes);
    expect(speaker.rib.staleCount(peer)).toBe(prefixes.length);

    await start();
    await waitFor(() => speaker.peerState(peer) === 'Established', { what: `${peer} back`, timeoutMs: 60_000 });
    await waitFor(() => speaker.rib.staleCount(peer) === 0 && routesFrom(peer).length === prefixes.length, {
      what: `routes from ${peer} refreshed`,
      timeoutMs: 30_000,
    });
    expect(routesFrom(peer)).toEqual(prefixes);
  }

  it('BIRD 2: routes kept stale while it is down, refreshed when it is back', { timeout: 180_000 }, async () => {
    const socket = join(dir, 'bird.ctl');
    const start = async () => ({
      process: birdNs.spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', socket, '-P', join(dir, 'bird.pid')]),
    });
    await survivesRestart(BIRD, ['198.51.100.0/24', '203.0.113.0/25'], start);
  });

  it('GoBGP 3: routes kept stale while it is down, refreshed when it is back', { timeout: 180_000 }, async () => {
    const start = async () => {
      const process = gobgpNs.spawn('gobgpd', [
        '-f',
        join(dir, 'gobgpd.toml'),
        '-t',
        'toml',
        '--api-hosts',
        '127.0.0.1:50051',
        '-l',
        'warn',
      ]);
      const gobgp = (...args: string[]) =>
        gobgpNs.exec('gobgp', ['-u', '127.0.0.1', '-p', '50051', ...args], { allowFailure: true });
      await waitFor(async () => (await gobgp('neighbor')).exitCode === 0, { what: 'gobgpd to answer its API' });
      await gobgp('global', 'rib', 'add', '192.0.2.0/24', 'origin', 'igp', '-a', 'ipv4');
      return { process };
    };
    await survivesRestart(GOBGP, ['192.0.2.0/24'], start);
  });
});
