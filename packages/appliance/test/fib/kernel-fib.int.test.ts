import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace } from '@cairn/harness';
import { KernelFib } from '../../src/fib/index.js';

interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  metric?: number;
  nexthops?: { gateway: string; dev: string }[];
}

// The CloudStack routed-mode slides: VR1 (10.200.0.101) learns VR2's guest /28 over BGP and the kernel
// shows `202.38.80.32/28 via 10.200.0.102 dev eth2 proto bgp metric 20`. KernelFib must produce exactly that.
describe('KernelFib against the Linux kernel', () => {
  const lab = Lab.create('fib');
  let vr: Namespace;
  let fib: KernelFib;

  beforeAll(async () => {
    vr = await lab.namespace('vr1');
    const upstream = await lab.namespace('upstream');
    await lab.link(vr, 'eth2', upstream, 'eth1', {
      a: ['10.200.0.101/24', 'fc00:2024:9:7::101/64'],
      b: ['10.200.0.1/24', 'fc00:2024:9:7::1/64'],
    });
    await upstream.sh('ip addr add 10.200.0.102/24 dev eth1 && ip addr add 10.200.0.103/24 dev eth1');
    fib = await vr.enter(() => new KernelFib());
  });
  afterAll(async () => {
    fib?.close();
    await lab.destroy();
  });

  // `ip route show proto bgp` filters on the protocol, so the JSON it prints omits the field.
  const routes = async (family: '-4' | '-6'): Promise<IpRoute[]> =>
    JSON.parse((await vr.exec('ip', ['-j', family, 'route', 'show', 'proto', 'bgp'])).stdout) as IpRoute[];

  it('installs, lists, replaces and removes proto bgp routes as the slides show them', async () => {
    await fib.upsert({ prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102' }] });
    expect(await routes('-4')).toEqual([
      expect.objectContaining({ dst: '202.38.80.32/28', gateway: '10.200.0.102', dev: 'eth2', metric: 20 }),
    ]);
    expect(await fib.list()).toEqual([
      { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102', ifindex: expect.any(Number) }] },
    ]);

    await fib.upsert({ prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.103' }] });
    expect((await routes('-4')).map((r) => r.gateway)).toEqual(['10.200.0.103']);

    await fib.remove({ prefix: '202.38.80.32/28', nextHops: [] });
    expect(await routes('-4')).toEqual([]);
    await fib.remove({ prefix: '202.38.80.32/28', nextHops: [] }); // already gone: not an error
  });

  it('installs ECMP and IPv6 routes with a global next hop', async () => {
    await fib.upsert({ prefix: '0.0.0.0/0', nextHops: [{ gateway: '10.200.0.1' }, { gateway: '10.200.0.102' }] });
    const [ecmp] = await routes('-4');
    expect(ecmp?.nexthops?.map((hop) => hop.gateway).sort()).toEqual(['10.200.0.1', '10.200.0.102']);
    const listed = (await fib.list()).find((route) => route.prefix === '0.0.0.0/0');
    expect(listed?.nextHops.map((hop) => hop.gateway).sort()).toEqual(['10.200.0.1', '10.200.0.102']);

    await fib.upsert({ prefix: '2a02:1810:248b:3b0b::/64', nextHops: [{ gateway: 'fc00:2024:9:7::1' }] });
    expect(await routes('-6')).toEqual([
      expect.objectContaining({ dst: '2a02:1810:248b:3b0b::/64', gateway: 'fc00:2024:9:7::1', metric: 20 }),
    ]);
  });

  it('sync reconciles with what a previous run left and leaves other protocols alone', async () => {
    await vr.sh(
      'ip route add 198.51.100.0/24 via 10.200.0.1 proto bgp metric 20 && ip route add 192.0.2.0/24 via 10.200.0.1 proto static',
    );
    const changes = await fib.sync([
      { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102' }] },
      { prefix: '2a02:1810:248b:3b0b::/64', nextHops: [{ gateway: 'fc00:2024:9:7::1' }] },
    ]);
    expect(changes.upsert.map((r) => r.prefix)).toEqual(['202.38.80.32/28']);
    expect(changes.remove.map((r) => r.prefix).sort()).toEqual(['0.0.0.0/0', '198.51.100.0/24']);
    expect((await routes('-4')).map((r) => r.dst)).toEqual(['202.38.80.32/28']);
    const statics = (await vr.exec('ip', ['-4', 'route', 'show', 'proto', 'static'])).stdout;
    expect(statics).toContain('192.0.2.0/24 via 10.200.0.1');
    expect(
      await fib.sync([
        { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102' }] },
        { prefix: '2a02:1810:248b:3b0b::/64', nextHops: [{ gateway: 'fc00:2024:9:7::1' }] },
      ]),
    ).toEqual({ upsert: [], remove: [] });
  });

  it('names the route when the kernel refuses it', async () => {
    await expect(fib.upsert({ prefix: '203.0.113.0/24', nextHops: [{ gateway: '172.31.255.1' }] })).rejects.toThrow(
      /203\.0\.113\.0\/24 via 172\.31\.255\.1/,
    );
  });
});
