import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type LabProcess, frrNeighborState, waitFor } from '@cairn/harness';
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

// SIGHUP reload of cairn-bgp against FRR 8.4: the daemon runs in the VR namespace from a file that the test
// rewrites; FRR, the upstream, shows what each reload did to the sessions and to its table.
const V4_PEER = `  - { address: ${UPSTREAM_V4}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, importPolicy: accept-all, nextHopIpv6: ${CAIRN_V6}, exportPolicy: EXPORT }`;
const V6_PEER = `  - { address: ${UPSTREAM_V6}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, families: [ipv6], importPolicy: accept-all, exportPolicy: accept-all }`;
const ONLY_16 =
  '{ terms: [{ match: { prefixList: { entries: [{ action: permit, prefix: 202.38.80.16/28 }] } }, result: accept }] }';

function configFile(options: { exportPolicy: string; v6Peer?: boolean; announce: string[] }): string {
  return [
    'localAs: 65053',
    `routerId: ${CAIRN_V4}`,
    'logLevel: info',
    'peers:',
    V4_PEER.replace('EXPORT', options.exportPolicy),
    ...(options.v6Peer ? [V6_PEER] : []),
    'announce:',
    ...options.announce.map((prefix) => `  - prefix: ${prefix}`),
    '',
  ].join('\n');
}

/** FRR computes the epoch as now minus the uptime in whole seconds: the same instant may read one apart. */
function sameEstablishment(a: FrrSummaryPeer | undefined, b: FrrSummaryPeer | undefined): void {
  expect(Math.abs((a?.peerUptimeEstablishedEpoch ?? 0) - (b?.peerUptimeEstablishedEpoch ?? -9))).toBeLessThanOrEqual(1);
  expect(a?.connectionsEstablished).toBe(b?.connectionsEstablished);
  expect(a?.connectionsDropped).toBe(b?.connectionsDropped);
}

interface FrrSummaryPeer {
  state?: string;
  peerUptimeEstablishedEpoch?: number;
  connectionsEstablished?: number;
  connectionsDropped?: number;
}

describe('cairn-bgp reload (SIGHUP) against FRR 8.4', () => {
  const lab = Lab.create('cairn-bgp-reload');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-reload-'));
  const file = join(dir, 'bgp.yaml');
  const socket = join(dir, 'control.sock');
  let net: ReferenceLab;
  let frr: FrrInstance;
  let daemon: LabProcess;
  let log = '';

  const v4Session = async (): Promise<FrrSummaryPeer | undefined> =>
    (await frr.json<{ ipv4Unicast?: { peers?: Record<string, FrrSummaryPeer> } }>('show bgp summary json')).ipv4Unicast
      ?.peers?.[CAIRN_V4];
  const has = async (prefix: string) =>
    (await frrPaths(frr, prefix.includes(':') ? 'ipv6' : 'ipv4', prefix)).length > 0;
  /** Rewrites the file, sends SIGHUP and waits for the daemon to log the outcome. */
  const reload = async (text: string, outcome = 'configuration reloaded') => {
    writeFileSync(file, text);
    const before = log.split(outcome).length;
    daemon.kill('SIGHUP');
    await waitFor(() => log.split(outcome).length > before, { what: `cairn-bgp to log "${outcome}"` });
  };

  beforeAll(async () => {
    net = await referenceLab(lab);
    frr = await startUpstream(net.upstream);
    writeFileSync(file, configFile({ exportPolicy: ONLY_16, announce: ['202.38.80.16/28', '202.38.80.32/28'] }));
    daemon = net.vr.node(CLI, ['run', '--config', file, '--socket', socket]);
    daemon.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    daemon.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) === 'Established', {
      what: 'the IPv4 session',
      timeoutMs: 60_000,
    });
    await waitFor(() => has('202.38.80.16/28'), { what: 'FRR to learn the /28 the export policy permits' });
  });
  afterAll(async () => {
    daemon?.kill('SIGTERM');
    await daemon;
    await frr?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an export-policy-only change re-evaluates the routes and keeps FRR’s session up', async () => {
    expect(await has('202.38.80.32/28')).toBe(false);
    const before = await v4Session();
    expect(before).toMatchObject({ state: 'Established' });
    await reload(configFile({ exportPolicy: 'accept-all', announce: ['202.38.80.16/28', '202.38.80.32/28'] }));
    await waitFor(() => has('202.38.80.32/28'), { what: 'FRR to learn the /28 the new policy permits' });
    sameEstablishment(await v4Session(), before);
  });

  it('adds a peer and an announcement, then removes both', async () => {
    const before = await v4Session();
    await reload(
      configFile({
        exportPolicy: 'accept-all',
        v6Peer: true,
        announce: ['202.38.80.16/28', '202.38.80.32/28', '202.38.80.48/28'],
      }),
    );
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V6)) === 'Established', {
      what: 'the added IPv6 session',
      timeoutMs: 60_000,
    });
    await waitFor(() => has('202.38.80.48/28'), { what: 'FRR to learn the added announcement' });
    await reload(configFile({ exportPolicy: 'accept-all', announce: ['202.38.80.16/28', '202.38.80.32/28'] }));
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V6)) !== 'Established', {
      what: 'the removed IPv6 session to close',
    });
    expect(JSON.stringify(await frr.json(`show bgp neighbors ${CAIRN_V6} json`))).toMatch(
      /Peer De-configured|Peer Unconfigured/i,
    );
    await waitFor(async () => !(await has('202.38.80.48/28')), { what: 'FRR to drop the withdrawn announcement' });
    expect(await has('202.38.80.32/28')).toBe(true);
    sameEstablishment(await v4Session(), before);
  });

  it('a broken file is logged one problem a line and the running configuration kept', async () => {
    const before = await v4Session();
    const broken = configFile({ exportPolicy: 'accept-all', announce: ['202.38.80.17/28'] }).replace(
      `routerId: ${CAIRN_V4}`,
      'routerId: 999.1.1.1',
    );
    await reload(broken, 'not reloaded');
    await waitFor(() => log.includes('announce[0].prefix (line 7): host bits are set'), {
      what: 'the second problem logged',
    });
    expect(log).toContain('routerId (line 2): not an IPv4 address');
    expect(daemon.exitCode).toBeNull(); // SIGHUP did not end it
    const summary = await execa(
      process.execPath,
      ['--import', 'tsx', CLI, 'show', 'summary', '--json', '--socket', socket],
      { reject: false },
    );
    expect(summary.exitCode).toBe(0);
    expect(await has('202.38.80.32/28')).toBe(true);
    sameEstablishment(await v4Session(), before);
  });

  it('`cairn-bgp run --config bad.yaml` exits 1 with the problems and no stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'localAs: 65053',
        'routerId: 0.0.0.0',
        'peers:',
        '  - { address: zzz, remoteAs: 1, password: ' + 'p'.repeat(81) + ' }',
        '',
      ].join('\n'),
    );
    const result = await execa(
      process.execPath,
      ['--import', 'tsx', CLI, 'run', '--config', bad, '--socket', join(dir, 'bad.sock')],
      { reject: false },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `cairn-bgp: ${bad} is not valid:`,
      '  routerId (line 2): the router id must not be 0.0.0.0 (RFC 6286 §2.1)',
      '  peers[0].address (line 4): not an IP address (like 192.0.2.1 or 2001:db8::1)',
      '  peers[0].password (line 4): the TCP-MD5 key has 81 bytes; at most 80 (RFC 2385)',
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
