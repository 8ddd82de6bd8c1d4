// The OOB site-router preset with real traffic: an outside namespace (management, monitoring and
// untrusted sources), the router applying the preset with nft, and a rack namespace behind it.
// Blocked flows must come back as ICMPv6/ICMP admin-prohibited as the client's kernel reports it
// (EACCES for ICMPv6 type 1 code 1, EHOSTUNREACH for ICMP type 3 code 13), and logging must reach
// nfnetlink_log with the reference's prefixes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands, waitFor } from '@cairn/harness';
import { REFERENCE_OOB_INPUT, oobSiteRouterPolicy } from '../src/index.js';
import { firewallIn, nft, tcpProbe, tcpServer, udpEcho, udpProbe } from './support.js';

const LOG_GROUP = 5;
const OUT = {
  management6: '2a0c:8e90:400::10',
  monitoring6: '2001:db8:100::10',
  untrusted6: '2001:db8:ffff::10',
  management4: '192.0.2.10',
  monitoring4: '198.51.100.10',
  untrusted4: '198.18.0.10',
};
const RACK = { v6: '2001:5ad0:0:2::10', v4: '172.17.130.10' };
const ROUTER = { management6: '2a0c:8e90:400::1', untrusted6: '2001:db8:ffff::1', rack6: '2001:5ad0:0:2::1' };

describe('OOB site-router preset with real traffic', () => {
  const lab = Lab.create('nft-oob');
  afterAll(() => lab.destroy());
  let outside: Namespace;
  let router: Namespace;
  let rack: Namespace;
  const servers: { close(): unknown }[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  beforeAll(async () => {
    requireCommands({ nft: 'nftables', tshark: 'tshark', tcpdump: 'tcpdump' });
    outside = await lab.namespace('outside');
    router = await lab.namespace('router');
    rack = await lab.namespace('rack');
    await lab.link(outside, 'eth0', router, 'up0', {
      a: [
        `${OUT.management6}/64`,
        `${OUT.monitoring6}/64`,
        `${OUT.untrusted6}/64`,
        `${OUT.management4}/24`,
        `${OUT.monitoring4}/24`,
        `${OUT.untrusted4}/24`,
      ],
      b: [
        `${ROUTER.management6}/64`,
        '2001:db8:100::1/64',
        `${ROUTER.untrusted6}/64`,
        '192.0.2.1/24',
        '198.51.100.1/24',
        '198.18.0.1/24',
      ],
    });
    await lab.link(router, 'rack3', rack, 'eth0', {
      a: [`${ROUTER.rack6}/64`, '172.17.130.1/24'],
      b: [`${RACK.v6}/64`, `${RACK.v4}/24`],
    });
    await outside.sh(
      'ip -6 route add 2001:5ad0::/48 via 2a0c:8e90:400::1 && ip route add 172.17.128.0/19 via 192.0.2.1',
    );
    await rack.sh('ip -6 route add default via 2001:5ad0:0:2::1 && ip route add default via 172.17.130.1');
    const result = await firewallIn(router).apply(oobSiteRouterPolicy({ ...REFERENCE_OOB_INPUT, logGroup: LOG_GROUP }));
    expect(result.replaced).toEqual(['ip6 oob_filter', 'ip oob_filter']);
    servers.push(
      await tcpServer(rack, '::', 22),
      await tcpServer(rack, '0.0.0.0', 22),
      await tcpServer(router, '::', 22),
      await tcpServer(outside, '::', 8080),
      await udpEcho(rack, '::', 161),
      await udpEcho(rack, '::', 123),
      await udpEcho(outside, '::', 53),
    );
  });

  it('forwards SSH from management and rejects it from elsewhere with admin-prohibited (IPv6 and IPv4)', async () => {
    expect(await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.management6 })).toBe('connected');
    expect(await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.monitoring6 })).toBe('connected'); // monitoring: port 22
    expect(await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.untrusted6 })).toBe('EACCES');
    expect(await tcpProbe(outside, RACK.v4, 22, { localAddress: OUT.management4 })).toBe('connected');
    // EHOSTUNREACH also stands for other ICMP codes: the capture shows type 3 code 13 (RFC 1812 §5.2.7.1).
    const capture = outside.spawn('tcpdump', ['-i', 'eth0', '-n', '-l', '-c', '1', 'icmp[0] = 3 and icmp[1] = 13']);
    let stderr = '';
    capture.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('listening on'), { what: 'tcpdump to listen', timeoutMs: 30_000 });
    expect(await tcpProbe(outside, RACK.v4, 22, { localAddress: OUT.untrusted4 })).toBe('EHOSTUNREACH');
    const captured = await capture;
    expect(captured.exitCode).toBe(0);
    expect(String(captured.stdout)).toMatch(
      /IP 198\.18\.0\.1 > 198\.18\.0\.10: ICMP host 172\.17\.130\.10 unreachable - admin prohibited filter/,
    );
  });

  it('guards the router itself on input: management reaches its SSH, untrusted sources are rejected', async () => {
    expect(await tcpProbe(outside, ROUTER.management6, 22, { localAddress: OUT.management6 })).toBe('connected');
    expect(await tcpProbe(outside, ROUTER.untrusted6, 22, { localAddress: OUT.untrusted6 })).toBe('EACCES');
  });

  it('lets return traffic of connections the rack opened back in, and nothing else from outside', async () => {
    expect(await tcpProbe(rack, OUT.untrusted6, 8080)).toBe('connected');
    expect(await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.untrusted6 })).toBe('EACCES');
  });

  it('UDP: DNS out and back, SNMP only from monitoring, NTP only up to 512 bytes', async () => {
    expect(await udpProbe(rack, OUT.untrusted6, 53)).toBe('reply');
    expect(await udpProbe(outside, RACK.v6, 161, { localAddress: OUT.monitoring6 })).toBe('reply');
    expect(await udpProbe(outside, RACK.v6, 161, { localAddress: OUT.untrusted6 })).toBe('EACCES');
    // packet-size=0-512: 600 bytes of payload make a 648-byte IPv6 packet, 100 bytes a 148-byte one.
    // The large one goes first: once a small one passed, the flow is established and passes anyway.
    expect(await udpProbe(outside, RACK.v6, 123, { localAddress: OUT.untrusted6, localPort: 123, size: 600 })).toBe(
      'EACCES',
    );
    expect(await udpProbe(outside, RACK.v6, 123, { localAddress: OUT.untrusted6, localPort: 123, size: 100 })).toBe(
      'reply',
    );
  });

  it('keeps neighbour discovery working under the drop policy', async () => {
    await router.sh('ip -6 neigh flush all');
    await outside.sh('ip -6 neigh flush all');
    await rack.sh('ip -6 neigh flush all');
    expect(await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.management6 })).toBe('connected');
    const neighbours = (await router.exec('ip', ['-6', 'neigh', 'show'])).stdout;
    expect(neighbours).toMatch(
      new RegExp(`${OUT.management6} dev up0 lladdr \\S+ (router )?(REACHABLE|STALE|DELAY|PROBE)`),
    );
    expect(neighbours).toMatch(new RegExp(`${RACK.v6} dev rack3 lladdr \\S+ (router )?(REACHABLE|STALE|DELAY|PROBE)`));
  });

  it('logs rejected packets with the reference prefixes (nfnetlink_log, read with tshark)', async () => {
    const capture = router.spawn('tshark', [
      '-i',
      `nflog:${LOG_GROUP}`,
      '-l',
      '-n',
      '-T',
      'fields',
      '-e',
      'nflog.prefix',
      '-a',
      'duration:90',
    ]);
    let stderr = '';
    let stdout = '';
    capture.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    capture.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => stderr.includes('Capturing on'), { what: 'tshark to capture on nflog', timeoutMs: 60_000 });
    await waitFor(
      async () => {
        await tcpProbe(outside, RACK.v6, 22, { localAddress: OUT.untrusted6, timeoutMs: 2000 });
        await tcpProbe(outside, ROUTER.untrusted6, 22, { localAddress: OUT.untrusted6, timeoutMs: 2000 });
        return stdout.includes('ipv6 forward drop: ') && stdout.includes('ipv6 input drop: ');
      },
      {
        what: `both log prefixes in tshark output (got ${JSON.stringify(stdout)})`,
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    capture.kill('SIGTERM');
    await capture;
    // And the reject rules counted them.
    expect(await nft(router, 'list', 'chain', 'ip6', 'oob_filter', 'forward')).toMatch(
      /counter packets [1-9]\d* bytes \d+ log prefix "ipv6 forward drop: " group 5 reject with icmpv6 admin-prohibited/,
    );
  });
});
