import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import { controlRequest } from '../../src/daemon/control.js';
import type { Summary } from '../../src/speaker/summary.js';
import { CAIRN_V4, UPSTREAM_V4, referenceLab, upstreamConfig, type ReferenceLab } from '../speaker/lab.js';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));
const DROP_ALL =
  'nft add table inet cut; nft add chain inet cut in "{ type filter hook input priority 0; policy drop; }"';

// cairn-bgp with `bfd: true` on a peer, against FRR 8.4 bgpd + bfdd (`neighbor X bfd`): when the
// link stops passing packets, BFD takes the BGP session down long before the 90 s hold time.
describe('cairn-bgp with BFD against FRR bgpd + bfdd', () => {
  const lab = Lab.create('cairn-bgp-bfd');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-bfd-'));
  const socket = join(dir, 'control.sock');
  let net: ReferenceLab;
  let frr: FrrInstance;
  const peer = async () =>
    ((await controlRequest(socket, { command: 'summary' })) as Summary).ipv4Unicast?.peers[UPSTREAM_V4];

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
        `  - { address: ${UPSTREAM_V4}, remoteAs: 64999, password: password3, holdTime: 90, idleHoldTime: 1, families: [ipv4], bfd: true, importPolicy: accept-all, exportPolicy: accept-all }`,
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

  it('runs BFD with FRR for the peer configured with bfd: true', async () => {
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V4)) === 'Established', {
      what: 'the BGP session',
      timeoutMs: 60_000,
    });
    await waitFor(
      async () =>
        (await frr.json<{ peer: string; status: string }[]>('show bfd peers json')).find((p) => p.peer === CAIRN_V4)
          ?.status === 'up',
      {
        what: "FRR's BFD session with cairn-bgp up",
        timeoutMs: 30_000,
      },
    );
    expect((await peer())?.state).toBe('Established');
  });

  it('takes the session down through BFD when the upstream stops answering, not after the 90 s hold time', async () => {
    await net.upstream.sh(DROP_ALL);
    const down = await waitFor(
      async () => {
        const p = await peer();
        return p?.state !== 'Established' && p;
      },
      { what: 'cairn-bgp to drop the session', timeoutMs: 30_000 },
    );
    expect(down.lastError).toMatch(/^liveness source down/);
    await net.upstream.sh('nft delete table inet cut');
    await waitFor(async () => (await peer())?.state === 'Established', {
      what: 'the session back once packets flow',
      timeoutMs: 60_000,
    });
  });
});
