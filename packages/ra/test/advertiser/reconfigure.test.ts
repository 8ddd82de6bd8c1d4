import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, RaAdvertiser, type InterfaceConfig } from '@cairn/ra';

describe('RaAdvertiser.reconfigure with a bad configuration (what a SIGHUP with a bad file does)', () => {
  it('throws ConfigError naming every problem and keeps the running configuration', () => {
    const advertiser = new RaAdvertiser({
      logger: pino({ level: 'silent' }),
      interfaces: [{ name: 'eth0', prefixes: [{ prefix: '2001:db8:1::/64' }] }],
    });
    const before = advertiser.interfaceState('eth0');
    const bad = [
      { name: 'eth0', prefixs: [{ prefix: '2001:db8:2::/64' }] },
      { name: 'eth1', maxInterval: 2 },
    ] as unknown as InterfaceConfig[];
    expect(() => advertiser.reconfigure(bad)).toThrow(ConfigError);
    try {
      advertiser.reconfigure(bad);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => [p.path.join('.'), p.message])).toEqual([
        ['interfaces.0.prefixs', 'unknown key'],
        ['interfaces.1.maxInterval', 'must be 4..1800 s (RFC 4861 §6.2.1)'],
      ]);
    }
    expect(advertiser.interfaceState('eth0')).toBe(before);
    expect(advertiser.interfaceState('eth1')).toBeUndefined();
  });
});
