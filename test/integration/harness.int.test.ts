import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, listNamespaces, waitFor, isAlive } from '@cairn/harness';

// The harness proves itself with a real FRR: two namespaces on a veth pair, bgpd in one with a
// neighbour configured, and a raw TCP connect from the other that must receive FRR's OPEN.
describe('network-namespace harness with FRR', () => {
  const lab = Lab.create('harness');
  afterAll(() => lab.destroy());

  it('starts bgpd, which answers a TCP connect on port 179 with an OPEN, and cleans up everything', async () => {
    const upstream = await lab.namespace('upstream');
    const vr = await lab.namespace('vr');
    await lab.link(upstream, 'eth1', vr, 'eth2', { a: ['10.200.0.1/24'], b: ['10.200.0.101/24'] });

    const frr = await FrrInstance.start(upstream, {
      config: [
        'router bgp 64999',
        ' bgp router-id 10.200.0.1',
        ' no bgp ebgp-requires-policy',
        ' neighbor 10.200.0.101 remote-as 65053',
        ' neighbor 10.200.0.101 passive',
        '',
      ].join('\n'),
    });
    await waitFor(async () => (await frrNeighborState(frr, '10.200.0.101')) === 'Active', {
      what: 'FRR neighbour 10.200.0.101 in Active (passive, listening)',
    });

    const firstMessage = await vr.enter(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const socket = connect({ host: '10.200.0.1', port: 179 });
          const chunks: Buffer[] = [];
          socket.on('error', reject);
          socket.on('data', (chunk) => {
            chunks.push(chunk);
            const all = Buffer.concat(chunks);
            if (all.length >= 19 && all.length >= all.readUInt16BE(16)) {
              socket.destroy();
              resolve(all.subarray(0, all.readUInt16BE(16)));
            }
          });
          setTimeout(() => reject(new Error('no OPEN from FRR within 10 s')), 10_000).unref();
        }),
    );
    // RFC 4271 §4.1: 16 marker bytes of 0xff, length, type 1 = OPEN; §4.2: version 4, My AS 64999.
    expect(firstMessage.subarray(0, 16).every((byte) => byte === 0xff)).toBe(true);
    expect(firstMessage[18]).toBe(1);
    expect(firstMessage[19]).toBe(4);
    expect(firstMessage.readUInt16BE(20)).toBe(64999);
    expect(firstMessage.subarray(24, 28).join('.')).toBe('10.200.0.1');

    const bgpdPid = (frr as unknown as { processes: Map<string, { pid: number }> }).processes.get('bgpd')!.pid;
    await frr.stop();
    await lab.destroy();
    expect(listNamespaces().filter((name) => name.startsWith(lab.id))).toEqual([]);
    await waitFor(() => !isAlive(bgpdPid), { what: 'bgpd to be gone', timeoutMs: 5000 });
    const { execa } = await import('execa');
    const links = await execa('ip', ['-j', 'link', 'show']);
    expect(links.stdout).not.toContain(lab.id);
  });
});
