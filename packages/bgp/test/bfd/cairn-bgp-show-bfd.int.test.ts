import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import type { BfdPeerSnapshot } from '@cairn/bfd';
import { CAIRN_V4, UPSTREAM_V4, referenceLab, type ReferenceLab, upstreamConfig } from '../speaker/lab.js';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));

// cairn-bgp with `bfd: true` on a peer, against FRR 8.4 bgpd + bfdd (`neighbor X bfd`): the session
// state shows in `cairn-bgp show bfd peers`, FRR-shaped with --json.
describe('cairn-bgp show bfd peers against FRR 8.4', () => {
  const lab = Lab.create('cairn-bgp-bfd-cli');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-bfd-cli-'));
  const socket = join(dir, 'control.sock');
  let net: ReferenceLab;
  let frr: FrrInstance;

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
    frr = await FrrInstance.start(net.upstream, {
      daemons: ['zebra', 'bfdd', 'bgpd'],
      config: upstreamConfig({ extra: [` neighbor ${CAIRN_V4} bfd`] }),
    });
    writeFileSync(
      join(dir, 'bgp.yaml'),
      [
        'localAs: 65053',
        `routerId: ${CAIRN_V4}`,
        'logLevel: warn',
        'bfd: { transmitIntervalMs: 300, receiveIntervalMs: 300, detectMultiplier: 3 }',
        'peers:',
        `  - { address: ${UPSTREAM_V4}, localAddress: ${CAIRN_V4}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, families: [ipv4], importPolicy: accept-all, exportPolicy: accept-all, bfd: true }`,
        'announce:',
        '  - prefix: 202.38.80.16/28',
        '',
      ].join('\n'),
    );
    void net.vr.node(CLI, ['run', '--config', join(dir, 'bgp.yaml'), '--socket', socket]);
  });
  afterAll(async () => {
    await frr?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings the BGP session and its BFD session up; `show bfd peers --json` matches what FRR sees', async () => {
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) === 'Established', {
      what: 'FRR session with cairn-bgp',
      timeoutMs: 60_000,
    });
    const peers = await waitFor(
      async () => {
        const rows = JSON.parse(await cli('show', 'bfd', 'peers', '--json')) as BfdPeerSnapshot[];
        return rows.find((r) => r.peer === UPSTREAM_V4)?.status === 'up' && rows;
      },
      { what: 'cairn-bgp BFD session Up', timeoutMs: 30_000 },
    );
    const frrSide = (
      await frr.json<{ peer: string; id: number; 'remote-id': number; status: string }[]>('show bfd peers json')
    ).find((p) => p.peer === CAIRN_V4)!;
    expect(frrSide.status).toBe('up');
    expect(peers[0]).toMatchObject({
      peer: UPSTREAM_V4,
      local: CAIRN_V4,
      id: frrSide['remote-id'],
      'remote-id': frrSide.id,
      'detect-multiplier': 3,
      'detection-time': 900,
    });
    const text = await cli('show', 'bfd', 'peers');
    expect(text).toContain(`peer ${UPSTREAM_V4} local-address ${CAIRN_V4} vrf default`);
    expect(text).toContain('Status: up');
  });
});
