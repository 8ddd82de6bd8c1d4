import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, waitFor } from '@cairn/harness';
import { BfdService } from '../src/index.js';

// The passive role (RFC 5880 §6.1) against FRR 8.4 bfdd `passive-mode`: one side passive comes Up
// because the other speaks first; both passive never do.
describe('BFD passive role with FRR bfdd (RFC 5880 §6.1)', () => {
  const lab = Lab.create('bfd-passive');
  let frr: FrrInstance;
  let bfd: BfdService;

  const frrStatus = async (peer: string) =>
    (await frr.json<{ peer: string; status: string }[]>('show bfd peers json')).find((p) => p.peer === peer)?.status;

  beforeAll(async () => {
    const frrNs = await lab.namespace('frr');
    const cairnNs = await lab.namespace('cairn');
    await lab.link(frrNs, 'eth0', cairnNs, 'eth0', {
      a: ['10.58.0.1/24', '10.58.0.11/24', '10.58.0.21/24'],
      b: ['10.58.0.2/24', '10.58.0.12/24', '10.58.0.22/24'],
    });
    frr = await FrrInstance.start(frrNs, {
      daemons: ['zebra', 'bfdd'],
      config: [
        'bfd',
        ' peer 10.58.0.2 local-address 10.58.0.1',
        '  passive-mode',
        ' !',
        ' peer 10.58.0.12 local-address 10.58.0.11',
        ' !',
        ' peer 10.58.0.22 local-address 10.58.0.21',
        '  passive-mode',
        ' !',
        '!',
        '',
      ].join('\n'),
    });
    bfd = new BfdService({ logger: pino({ level: process.env.CAIRN_LOG ?? 'silent' }), netns: cairnNs.name });
    await bfd.addPeer({ peer: '10.58.0.1', local: '10.58.0.2' }); // FRR passive, Cairn active
    await bfd.addPeer({ peer: '10.58.0.11', local: '10.58.0.12', passive: true }); // Cairn passive, FRR active
    await bfd.addPeer({ peer: '10.58.0.21', local: '10.58.0.22', passive: true }); // both passive
  });

  afterAll(async () => {
    await bfd?.close();
    await frr?.stop();
    await lab.destroy();
  });

  it('comes Up when either side is active, and stays silent and Down when both are passive', async () => {
    await waitFor(
      async () =>
        bfd.state({ peer: '10.58.0.1' }) === 'up' &&
        bfd.state({ peer: '10.58.0.11' }) === 'up' &&
        (await frrStatus('10.58.0.2')) === 'up' &&
        (await frrStatus('10.58.0.12')) === 'up',
      { what: 'the two sessions with an active side Up on both sides', timeoutMs: 30_000 },
    );
    // Three slow (1 s) intervals later the all-passive pair has still exchanged nothing, either way.
    await sleep(3_000);
    const rows = bfd.bfdPeersSnapshot();
    expect(rows.find((r) => r.peer === '10.58.0.11')).toMatchObject({ 'passive-mode': true, status: 'up' });
    const silent = rows.find((r) => r.peer === '10.58.0.21')!;
    expect(silent).toMatchObject({
      'passive-mode': true,
      status: 'down',
      'control-packet-output': 0,
      'control-packet-input': 0,
    });
    expect(await frrStatus('10.58.0.22')).toBe('down');
    const counters =
      await frr.json<{ peer: string; 'control-packet-input': number; 'control-packet-output': number }[]>(
        'show bfd peers counters json',
      );
    expect(counters.find((c) => c.peer === '10.58.0.22')).toMatchObject({
      'control-packet-input': 0,
      'control-packet-output': 0,
    });
  });
});
