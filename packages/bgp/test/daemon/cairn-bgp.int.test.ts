import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type LabProcess, frrNeighborState, waitFor } from '@cairn/harness';
import type { Summary } from '../../src/speaker/summary.js';
import {
  CAIRN_V4,
  CAIRN_V6,
  UPSTREAM_V4,
  UPSTREAM_V6,
  frrPaths,
  referenceLab,
  startUpstream,
  type ReferenceLab,
} from '../speaker/lab.js';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));

// cairn-bgp end to end: the daemon runs in the VR namespace from a YAML file with the reference
// configuration; the CLI talks to it over the control socket; FRR is the upstream.
describe('cairn-bgp daemon and CLI against FRR 8.4', () => {
  const lab = Lab.create('cairn-bgp');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-'));
  const socket = join(dir, 'control.sock');
  let net: ReferenceLab;
  let frr: FrrInstance;
  let daemon: LabProcess;

  const cli = async (...args: string[]) => {
    const result = await execa(process.execPath, ['--import', 'tsx', CLI, ...args, '--socket', socket], {
      reject: false,
    });
    if (result.exitCode !== 0)
      throw new Error(`cairn-bgp ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    net = await referenceLab(lab);
    frr = await startUpstream(net.upstream);
    writeFileSync(
      join(dir, 'bgp.yaml'),
      [
        'localAs: 65053',
        `routerId: ${CAIRN_V4}`,
        'logLevel: warn',
        'peers:',
        `  - { address: ${UPSTREAM_V4}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, importPolicy: accept-all, exportPolicy: accept-all, nextHopIpv6: ${CAIRN_V6} }`,
        // DelayOpen on this one: FRR's OPEN comes first and is answered with OPEN + KEEPALIVE (RFC 4271 Event 20).
        `  - { address: ${UPSTREAM_V6}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, delayOpenTime: 3, families: [ipv6], importPolicy: accept-all, exportPolicy: accept-all }`,
        'announce:',
        '  - prefix: 202.38.80.16/28',
        '  - prefix: 2a02:1810:248b:3b0a::/64',
        '  - { prefix: "2a02:1810:248b::/48", aggregate: true }',
        '',
      ].join('\n'),
    );
    daemon = net.vr.node(CLI, ['run', '--config', join(dir, 'bgp.yaml'), '--socket', socket]);
  });
  afterAll(async () => {
    await frr?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('establishes both sessions from the configuration file; `show summary --json` is FRR-shaped', async () => {
    await waitFor(
      async () =>
        (await frrNeighborState(frr, CAIRN_V4)) === 'Established' &&
        (await frrNeighborState(frr, CAIRN_V6)) === 'Established',
      { what: 'FRR sessions with cairn-bgp', timeoutMs: 60_000 },
    );
    const summary = JSON.parse(await cli('show', 'summary', '--json')) as Summary;
    expect(summary.ipv4Unicast?.peers[UPSTREAM_V4]).toMatchObject({ remoteAs: 64999, state: 'Established' });
    expect(summary.ipv6Unicast?.peers[UPSTREAM_V6]).toMatchObject({ remoteAs: 64999, state: 'Established' });
    const text = await cli('show', 'summary');
    expect(text).toContain('BGP router identifier 10.200.0.101, local AS number 65053');
    expect(text).toMatch(new RegExp(`${UPSTREAM_V4.replace(/\./g, '\\.')}\\s+4\\s+64999`));
  });

  it('announces the configured prefixes to FRR and shows the routes learned from it', async () => {
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to learn the /28',
    });
    await waitFor(async () => (await frrPaths(frr, 'ipv6', '2a02:1810:248b::/48')).length > 0, {
      what: 'FRR to learn the /48',
    });
    await waitFor(async () => (await cli('show', 'routes')).includes('0.0.0.0/0'), {
      what: "FRR's default in `show routes`",
    });
    const routes = JSON.parse(await cli('show', 'routes', '0.0.0.0/0', '--json')) as {
      from: string;
      best: boolean;
      asPath: number[];
    }[];
    expect(routes).toEqual([expect.objectContaining({ from: UPSTREAM_V4, best: true, asPath: [64999] })]);
  });

  it('`announce` and `withdraw` change what FRR has at run time', async () => {
    expect(await cli('announce', '202.38.80.32/28', '--community', '65053:100', '--med', '10')).toContain('announced');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.32/28')).length > 0, {
      what: 'FRR to learn 202.38.80.32/28',
    });
    const detail = await frr.json<{ paths: { community?: { string?: string }; metric?: number }[] }>(
      'show bgp ipv4 unicast 202.38.80.32/28 json',
    );
    expect(detail.paths[0]?.community?.string).toBe('65053:100');
    expect(detail.paths[0]?.metric).toBe(10);
    await cli('withdraw', '202.38.80.32/28');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.32/28')).length === 0, {
      what: 'FRR to drop 202.38.80.32/28',
    });
    await cli('withdraw', '202.38.80.16/28');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length === 0, {
      what: 'FRR to drop 202.38.80.16/28',
    });
  });

  it('on SIGTERM, closes its sessions with Cease/Administrative Shutdown and the message "cairn-bgp stopping"', async () => {
    daemon.kill('SIGTERM');
    const result = await daemon;
    expect(result.exitCode).toBe(0);
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) !== 'Established', {
      what: 'FRR to see the session closed',
    });
    expect(JSON.stringify(await frr.json(`show bgp neighbors ${CAIRN_V4} json`))).toContain('cairn-bgp stopping');
  });

  it('reports a clear error when the daemon is not there', async () => {
    const result = await execa(
      process.execPath,
      ['--import', 'tsx', CLI, 'show', 'summary', '--socket', join(dir, 'nobody.sock')],
      { reject: false },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Is the daemon running?');
  });
});
