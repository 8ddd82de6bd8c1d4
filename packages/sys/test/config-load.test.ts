import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  asNumber,
  ipAddress,
  loadConfigFile,
  parseConfig,
  prefix,
  prefixProblem,
  routerId,
} from '@cairn/sys';

const schema = z.strictObject({
  routerId,
  localAs: asNumber,
  peers: z.array(z.strictObject({ address: ipAddress, remoteAs: asNumber })),
  announce: z.array(prefix).optional(),
});

function problems(text: string): string[] {
  try {
    parseConfig(schema, text, 'bgp.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected a ConfigError');
}

describe('configuration loading', () => {
  it('returns the typed value of a valid file', () => {
    const value = parseConfig(
      schema,
      'routerId: 10.0.0.1\nlocalAs: 65053\npeers:\n  - { address: 10.0.0.2, remoteAs: 64999 }\n',
      'x',
    );
    expect(value.peers[0]!.remoteAs).toBe(64999);
  });

  it('names the path and the line of every problem', () => {
    const text = [
      'routerId: 0.0.0.0',
      'localAs: 65053',
      'peers:',
      '  - address: 10.0.0.2',
      '    remoteAs: 0',
      '  - address: zzz',
      '    remoteAs: 1',
      '    remoteAS: 2',
    ].join('\n');
    expect(new Set(problems(text))).toEqual(
      new Set([
        'routerId (line 1): the router id must not be 0.0.0.0 (RFC 6286 §2.1)',
        'peers[0].remoteAs (line 5): AS 0 is reserved (RFC 7607)',
        'peers[1].remoteAS (line 8): unknown key',
        'peers[1].address (line 6): not an IP address (like 192.0.2.1 or 2001:db8::1)',
      ]),
    );
  });

  it('reports a missing key at the object that lacks it', () => {
    expect(problems('routerId: 10.0.0.1\npeers: []\n')).toEqual(['localAs (line 1): missing: this key is required']);
  });

  it('reports YAML syntax errors and duplicate keys with their lines', () => {
    expect(problems('routerId: 10.0.0.1\nlocalAs: 1\nlocalAs: 2\npeers: []\n')[0]).toMatch(/line 3/);
    expect(problems('peers: [\n')[0]).toMatch(/\(line \d\)/);
  });

  it('refuses prefixes with host bits set and says which network was meant', () => {
    expect(prefixProblem('202.38.80.17/28')).toBe('host bits are set: did you mean 202.38.80.16/28?');
    expect(prefixProblem('2a02:1810:248b:3b0a::1/64')).toBe(
      'host bits are set: did you mean 2a02:1810:248b:3b0a::/64?',
    );
    expect(prefixProblem('2001:5ad0::/48')).toBeUndefined();
    expect(prefixProblem('10.0.0.0/33')).toMatch(/0–32/);
    expect(prefixProblem('10.0.0.0')).toMatch(/ADDRESS\/LENGTH/);
    expect(prefixProblem('0.0.0.0/0')).toBeUndefined();
  });

  it('turns an unreadable file into a one-line ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-config-'));
    expect(() => loadConfigFile(schema, join(dir, 'missing.yaml'))).toThrow(
      /missing.yaml is not valid:\n {2}\(top level\): cannot read the file: no such file/,
    );
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ routerId: '10.0.0.1', localAs: 1, peers: [] }));
    expect(loadConfigFile(schema, join(dir, 'ok.json')).localAs).toBe(1);
  });
});
