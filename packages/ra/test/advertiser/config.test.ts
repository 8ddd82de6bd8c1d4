import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, resolveConfig, resolveInterfaceConfig } from '@cairn/ra';

describe('interface configuration', () => {
  it('fills the RFC 4861 §6.2.1 and RFC 8106 defaults', () => {
    const config = resolveInterfaceConfig({
      name: 'eth0',
      prefixes: [{ prefix: '2001:db8:1::/64' }],
      rdnss: [{ servers: ['2001:DB8::53'] }],
    });
    expect(config).toMatchObject({
      maxInterval: 600,
      minInterval: 200,
      defaultLifetime: 1800,
      curHopLimit: 64,
      linkMtu: 0,
      reachableTime: 0,
      retransTimer: 0,
      managed: false,
      otherConfig: false,
      defaultPreference: 'medium',
      maxReplyDelay: 500,
      prefixes: [
        {
          prefix: '2001:db8:1::/64',
          onLink: true,
          autonomous: true,
          validLifetime: 2592000,
          preferredLifetime: 604800,
        },
      ],
      rdnss: [{ servers: ['2001:db8::53'], lifetime: 1800 }],
    });
  });

  it('takes MinRtrAdvInterval = MaxRtrAdvInterval below 9 s and caps PREF64 lifetimes', () => {
    expect(resolveInterfaceConfig({ name: 'eth0', maxInterval: 6 }).minInterval).toBe(6);
    expect(
      resolveInterfaceConfig({ name: 'eth0', maxInterval: 1800, pref64: { prefix: '64:ff9b::/96' } }).pref64,
    ).toEqual({ prefix: '64:ff9b::/96', lifetime: 5400 });
  });

  it('accepts the VyOS router-advert of the reference (vxlan1000)', () => {
    const config = resolveInterfaceConfig({
      name: 'vxlan1000',
      curHopLimit: 64,
      linkMtu: 1500,
      managed: false,
      maxInterval: 600,
      rdnss: [{ servers: ['2a00:f10:ff04:153::53', '2a00:f10:ff04:253::53'] }],
      otherConfig: false,
      prefixes: [{ prefix: '2a00:f10:114:1000::/64', autonomous: true, onLink: true, validLifetime: 2592000 }],
      reachableTime: 0,
      retransTimer: 0,
    });
    expect(config.prefixes[0]?.preferredLifetime).toBe(604800);
  });

  it.each([
    [{ name: 'eth0', maxInterval: 3 }, 'maxInterval'],
    [{ name: 'eth0', maxInterval: 10, minInterval: 8 }, 'minInterval'],
    [{ name: 'eth0', maxInterval: 600, defaultLifetime: 300 }, 'defaultLifetime'],
    [{ name: 'eth0', defaultLifetime: 9001 }, 'defaultLifetime'],
    [{ name: 'eth0', linkMtu: 1000 }, 'linkMtu'],
    [{ name: 'eth0', reachableTime: 3_600_001 }, 'reachableTime'],
    [{ name: 'eth0', prefixes: [{ prefix: '2001:db8::1/64' }] }, 'prefixes[0].prefix'],
    [{ name: 'eth0', prefixes: [{ prefix: '10.0.0.0/24' }] }, 'prefixes[0].prefix'],
    [
      { name: 'eth0', prefixes: [{ prefix: '2001:db8::/64', validLifetime: 10, preferredLifetime: 20 }] },
      'prefixes[0].preferredLifetime',
    ],
    [{ name: 'eth0', routes: [{ prefix: '2001:db8::/48', preference: 'urgent' as 'high' }] }, 'routes[0].preference'],
    [{ name: 'eth0', rdnss: [{ servers: [] }] }, 'rdnss[0].servers'],
    [{ name: 'eth0', rdnss: [{ servers: ['2001:db8::53', 'dns.example'] }] }, 'rdnss[0].servers[1]'],
    [{ name: 'eth0', dnssl: [{ domains: ['bad domain'] }] }, 'dnssl[0].domains[0]'],
    [{ name: 'eth0', pref64: { prefix: '64:ff9b::/80' } }, 'pref64.prefix'],
    [{ name: 'eth0', pref64: { prefix: '64:ff9b::/96', lifetime: 70000 } }, 'pref64.lifetime'],
    [{ name: 'eth0', captivePortal: 'not a uri' }, 'captivePortal'],
    [{ name: 'eth0', managed: 'yes' as unknown as boolean }, 'managed'],
    [{ name: 'eth0 with spaces' }, 'name'],
    [{ name: 'eth0', prefixs: [{ prefix: '2001:db8::/64' }] }, 'prefixs'],
    [{ name: 'eth0', prefixes: [{ prefix: '2001:db8::/64', autonomus: false }] }, 'prefixes[0].autonomus'],
  ])('rejects %j naming field %s', (config, field) => {
    let error: unknown;
    try {
      resolveInterfaceConfig(config as Parameters<typeof resolveInterfaceConfig>[0]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) =>
      p.path
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
        .join('')
        .slice(1),
    );
    expect(problems).toEqual([field.replace(/\.\[/g, '[')]);
    expect((error as ConfigError).message).toMatch(new RegExp(`^interface ${config.name}`));
  });

  it('accepts its own output again unchanged (what readDaemonConfig hands to the advertiser)', () => {
    const once = resolveInterfaceConfig({
      name: 'eth0',
      prefixes: [{ prefix: '2001:DB8:1:0::/64' }],
      routes: [{ prefix: '2001:db8::/48' }],
      pref64: { prefix: '64:ff9b::/96' },
    });
    expect(once.prefixes[0]?.prefix).toBe('2001:db8:1::/64');
    expect(resolveInterfaceConfig(once)).toEqual(once);
  });

  it('rejects an interface configured twice', () => {
    expect(() => resolveConfig([{ name: 'eth0' }, { name: 'eth0' }])).toThrow(
      /interfaces\[1\]\.name: eth0 is configured twice/,
    );
  });
});

describe('interface configuration warnings (what radvd 2.19 loads with a complaint)', () => {
  it('warns of an autonomous prefix that is not a /64 (RFC 4862 §5.5.3 d), not of an on-link-only one', () => {
    const config = resolveInterfaceConfig({
      name: 'eth0',
      prefixes: [
        { prefix: '2001:db8::/48' },
        { prefix: '2001:db9::/48', autonomous: false },
        { prefix: '2001:db8:1::/64' },
      ],
    });
    expect(configWarnings(config)).toEqual([
      { path: ['prefixes', 0, 'autonomous'], message: expect.stringMatching(/\/48 .*RFC 4862 §5\.5\.3/) },
    ]);
  });

  it('warns of RDNSS and DNSSL lifetimes shorter than maxInterval (RFC 8106 §5.1), not of 0 (withdrawn) or longer', () => {
    const config = resolveInterfaceConfig({
      name: 'eth0',
      maxInterval: 600,
      rdnss: [
        { servers: ['2001:db8::53'], lifetime: 1800 },
        { servers: ['2001:db8::54'], lifetime: 300 },
        { servers: ['2001:db8::55'], lifetime: 0 },
      ],
      dnssl: [{ domains: ['example.net'], lifetime: 599 }],
    });
    expect(configWarnings(config).map((w) => w.path)).toEqual([
      ['rdnss', 1, 'lifetime'],
      ['dnssl', 0, 'lifetime'],
    ]);
    expect(configWarnings(config)[0]?.message).toMatch(/300 s is shorter than maxInterval \(600 s\)/);
  });

  it('has nothing to say about the defaults', () => {
    expect(
      configWarnings(
        resolveInterfaceConfig({
          name: 'eth0',
          prefixes: [{ prefix: '2001:db8::/64' }],
          rdnss: [{ servers: ['2001:db8::53'] }],
        }),
      ),
    ).toEqual([]);
  });
});
