import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readDaemonConfig } from '@cairn/ra';

describe('readDaemonConfig (the cairn-ra run --config file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-ra-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOf = (text: string) => {
    const file = join(dir, 'ra.yaml');
    writeFileSync(file, text);
    try {
      readDaemonConfig(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('the file was accepted');
  };

  it('refuses a misspelt key with its line: `prefixs:` would start a router that announces no prefix', () => {
    const text = 'interfaces:\n  - name: eth0\n    prefixs:\n      - prefix: 2001:db8:1::/64\n';
    expect(problemsOf(text)).toEqual([{ path: ['interfaces', 0, 'prefixs'], line: 3, message: 'unknown key' }]);
  });

  it('refuses unknown keys at every level, each at its own line', () => {
    const text = [
      'interfaces:',
      '  - name: eth0',
      '    prefixes:',
      '      - prefix: 2001:db8:1::/64',
      '        autonomus: false',
      '    rdnss:',
      '      - servers: [2001:db8::53]',
      '        lifetme: 1800',
      'groupPerSocket: 10',
      '',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      { path: ['interfaces', 0, 'prefixes', 0, 'autonomus'], line: 5, message: 'unknown key' },
      { path: ['interfaces', 0, 'rdnss', 0, 'lifetme'], line: 8, message: 'unknown key' },
      { path: ['groupPerSocket'], line: 9, message: 'unknown key' },
    ]);
  });

  it('names the field and line of a bad value and of a relation between fields', () => {
    const text =
      'interfaces:\n  - name: eth0\n    maxInterval: 10\n    minInterval: 8\n    prefixes:\n      - prefix: 2001:db8::1/64\n';
    const problems = problemsOf(text);
    expect(problems).toContainEqual({
      path: ['interfaces', 0, 'prefixes', 0, 'prefix'],
      line: 6,
      message: 'host bits are set: did you mean 2001:db8::/64?',
    });
    // Relations are checked once every field is valid on its own.
    expect(problemsOf(text.replace('2001:db8::1/64', '2001:db8::/64'))).toEqual([
      {
        path: ['interfaces', 0, 'minInterval'],
        line: 4,
        message: '8 must be at most 0.75 × maxInterval (7.5) (RFC 4861 §6.2.1)',
      },
    ]);
  });

  it('requires the interfaces list and refuses an interface configured twice', () => {
    expect(problemsOf('groupsPerSocket: 10\n')).toEqual([
      { path: ['interfaces'], line: 1, message: 'missing: this key is required' },
    ]);
    expect(problemsOf('interfaces:\n  - name: eth0\n  - name: eth0\n')).toEqual([
      { path: ['interfaces', 1, 'name'], line: 3, message: 'eth0 is configured twice' },
    ]);
  });

  it('returns the configuration with the defaults filled in', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      'interfaces:\n  - name: eth0\n    prefixes:\n      - prefix: 2001:DB8:1::/64\ngroupsPerSocket: 50\n',
    );
    const config = readDaemonConfig(file);
    expect(config.groupsPerSocket).toBe(50);
    expect(config.interfaces[0]).toMatchObject({
      name: 'eth0',
      maxInterval: 600,
      prefixes: [{ prefix: '2001:db8:1::/64', preferredLifetime: 604800 }],
    });
  });
});
