import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, peerConfigOf, validateConfig } from '../../src/daemon/config.js';
import { runDaemon } from '../../src/daemon/daemon.js';
import { formatSummary } from '../../src/daemon/format.js';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { formatUptime } from '../../src/speaker/summary.js';

const REFERENCE_YAML = `
localAs: 65053
routerId: 10.200.0.101
bfd: { transmitIntervalMs: 300, detectMultiplier: 3 }
peers:
  - address: 10.200.0.1
    remoteAs: 64999
    password: password3
    importPolicy: accept-all
    exportPolicy: accept-all
    nextHopIpv6: fc00:2024:9:7::101
    bfd: true
  - address: fc00:2024:9:7::1
    remoteAs: 64999
    password: password3
    families: [ipv6]
    importPolicy: accept-all
    exportPolicy: { terms: [{ match: { family: ipv6 }, result: accept }] }
announce:
  - prefix: 202.38.80.16/28
  - prefix: 2a02:1810:248b:3b0a::/64
    communities: ["65053:100"]
  - prefix: 2a02:1810:248b::/48
    aggregate: true
`;

describe('cairn-bgp configuration', () => {
  it('reads the reference configuration from YAML and maps it to peers and policies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-config-'));
    writeFileSync(join(dir, 'bgp.yaml'), REFERENCE_YAML);
    const config = loadConfig(join(dir, 'bgp.yaml'));
    expect(config.peers).toHaveLength(2);
    expect(config.announce?.[2]).toEqual({ prefix: '2a02:1810:248b::/48', aggregate: true });
    const v4 = peerConfigOf(config.peers[0]!);
    expect(v4).toMatchObject({
      address: '10.200.0.1',
      remoteAs: 64999,
      password: 'password3',
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
    });
    expect(v4.importPolicy).not.toBe(ACCEPT_ALL); // a validated copy, equal in content
    expect(config.peers[0]!.bfd).toBe(true);
    expect(v4).not.toHaveProperty('bfd'); // the daemon binds it to its BFD service as the peer's liveness source
    expect(peerConfigOf(config.peers[1]!).exportPolicy).toEqual({
      terms: [{ match: { family: 'ipv6' }, result: 'accept' }],
    });
    // JSON is YAML too
    writeFileSync(join(dir, 'bgp.json'), JSON.stringify(config));
    expect(loadConfig(join(dir, 'bgp.json'))).toEqual(config);
  });

  it('names every problem of an invalid configuration', () => {
    const attempt = () =>
      validateConfig({
        localAs: 0,
        routerId: 'router-1',
        peers: [{ address: '10.0.0.1', remoteAs: 'x', password: 'p'.repeat(81), importPolicy: 'maybe' }],
        extra: 1,
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(
      message
        .split('\n')
        .slice(1)
        .map((line) => line.trim()),
    ).toEqual([
      'localAs: AS 0 is reserved (RFC 7607)',
      'routerId: not an IPv4 address (like 192.0.2.1)',
      'peers[0].remoteAs: Invalid input: expected number, received string',
      'peers[0].password: the TCP-MD5 key has 81 bytes; at most 80 (RFC 2385)',
      'peers[0].importPolicy: expected accept-all, reject-all or a policy { terms: [...] }',
      'extra: unknown key',
    ]);
  });

  it('formats uptime like FRR and the summary like `show bgp summary`', () => {
    expect(formatUptime(138_000)).toBe('00:02:18');
    expect(formatUptime(3 * 86_400_000 + 5 * 3_600_000 + 7 * 60_000)).toBe('3d05h07m');
    expect(formatUptime(15 * 86_400_000 + 3_600_000)).toBe('02w1d01h');
    const text = formatSummary({
      ipv4Unicast: {
        routerId: '10.200.0.101',
        as: 65053,
        vrfId: 0,
        vrfName: 'default',
        tableVersion: 2,
        ribCount: 3,
        peerCount: 1,
        peers: {
          '10.200.0.1': {
            remoteAs: 64999,
            localAs: 65053,
            version: 4,
            msgRcvd: 11,
            msgSent: 11,
            tableVersion: 0,
            outq: 0,
            inq: 0,
            peerUptime: '00:02:18',
            peerUptimeMsec: 138_000,
            pfxRcd: 1,
            pfxSnt: 2,
            state: 'Established',
            peerState: 'OK',
            connectionsEstablished: 1,
            connectionsDropped: 0,
            idType: 'ipv4',
          },
        },
        failedPeers: 0,
        displayedPeers: 1,
        totalPeers: 1,
        dynamicPeers: 0,
      },
    });
    expect(text).toContain('BGP router identifier 10.200.0.101, local AS number 65053');
    expect(text).toMatch(/10\.200\.0\.1\s+4\s+64999\s+11\s+11\s+00:02:18\s+1\s+2\s+N\/A/);
    expect(text).toContain('Total number of neighbors 1');
  });
});

describe('cairn-bgp reload', () => {
  const base = (dir: string) =>
    validateConfig({
      localAs: 65053,
      routerId: '10.0.0.1',
      listen: [],
      control: join(dir, 'control.sock'),
      logLevel: 'silent',
      peers: [{ address: '192.0.2.1', remoteAs: 64999, passive: true }],
      announce: [{ prefix: '198.51.100.0/24' }],
    });

  it('applies the difference, refuses what needs a restart and keeps the running configuration on a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-reload-'));
    const config = base(dir);
    const daemon = await runDaemon(config, pino({ level: 'silent' }));
    try {
      const next = validateConfig({
        ...config,
        peers: [...config.peers, { address: '192.0.2.2', remoteAs: 64998, passive: true }],
        announce: [{ prefix: '203.0.113.0/24', med: 5 }],
      });
      expect(daemon.reload(next)).toMatchObject({
        applied: true,
        peersAdded: ['192.0.2.2'],
        peersRemoved: [],
        announced: ['203.0.113.0/24'],
        withdrawn: ['198.51.100.0/24'],
      });
      expect(daemon.speaker.peers()).toEqual(['192.0.2.1', '192.0.2.2']);
      expect(daemon.speaker.announcements()).toEqual(['203.0.113.0/24']);
      // the same file again changes nothing
      expect(daemon.reload(validateConfig(JSON.parse(JSON.stringify(next))))).toMatchObject({
        applied: true,
        peersAdded: [],
        peersChanged: [],
        announced: [],
        withdrawn: [],
      });
      const restart = daemon.reload({ ...next, routerId: '10.0.0.2', peers: [] });
      expect(restart).toMatchObject({
        applied: false,
        problems: ['routerId: changing it needs a restart of cairn-bgp (running: "10.0.0.1")'],
      });
      expect(daemon.speaker.peers()).toEqual(['192.0.2.1', '192.0.2.2']);
      writeFileSync(
        join(dir, 'bad.yaml'),
        'localAs: 65053\nrouterId: 10.0.0.1\npeers: []\nannounce: [{ prefix: 10.0.0.1/8 }]\n',
      );
      expect(daemon.reloadFile(join(dir, 'bad.yaml'))).toMatchObject({
        applied: false,
        problems: ['announce[0].prefix (line 4): host bits are set: did you mean 10.0.0.0/8?'],
      });
      expect(daemon.reloadFile(join(dir, 'missing.yaml')).problems).toEqual([
        '(top level): cannot read the file: no such file',
      ]);
      expect(daemon.config).toEqual(next);
      expect(daemon.speaker.peers()).toEqual(['192.0.2.1', '192.0.2.2']);
    } finally {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
