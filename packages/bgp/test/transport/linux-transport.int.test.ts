import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, waitFor } from '@cairn/harness';
import {
  LinuxTransport,
  TcpTransport,
  TransportUnsupportedError,
  normalizeAddress,
} from '../../src/transport/index.js';

// The Linux transport against the real kernel: TCP-MD5 (RFC 2385) keys on listening and active
// sockets, GTSM (RFC 5082) through IP_MINTTL/IPV6_MINHOPCOUNT, refusal of unknown sources, sockets
// in a given namespace. The kernel's own TcpExt counters show why a connection did not happen.

async function counter(ns: Namespace, name: string): Promise<number> {
  const { stdout } = await ns.exec('nstat', ['-asz', name]);
  const match = new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(stdout);
  return match ? Number(match[1]) : 0;
}

/** Accepted connections by peer address, each echoing what it receives. */
function acceptor() {
  const accepted: string[] = [];
  const handler = (socket: Socket, peer: string) => {
    accepted.push(peer);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => undefined);
  };
  return { accepted, handler };
}

async function echo(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk) => resolve(chunk.toString()));
    socket.once('error', reject);
    socket.write(text);
  });
}

describe('LinuxTransport against the Linux kernel', () => {
  const lab = Lab.create('transport');
  let server: Namespace;
  let client: Namespace;
  let far: Namespace;
  const transports: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await lab.destroy();
  });

  beforeAll(async () => {
    server = await lab.namespace('server');
    client = await lab.namespace('client');
    const router = await lab.namespace('router');
    far = await lab.namespace('far');
    await lab.link(server, 'eth0', client, 'eth0', {
      a: ['10.9.0.1/24', 'fc00:9::1/64'],
      b: ['10.9.0.2/24', 'fc00:9::2/64'],
    });
    // far is two hops away: far — router — server
    await lab.link(server, 'eth1', router, 'eth0', {
      a: ['10.9.1.1/24', 'fc00:9:1::1/64'],
      b: ['10.9.1.254/24', 'fc00:9:1::fe/64'],
    });
    await lab.link(router, 'eth1', far, 'eth0', {
      a: ['10.9.2.254/24', 'fc00:9:2::fe/64'],
      b: ['10.9.2.3/24', 'fc00:9:2::3/64'],
    });
    await server.sh('ip route add 10.9.2.0/24 via 10.9.1.254 && ip -6 route add fc00:9:2::/64 via fc00:9:1::fe');
    await far.sh('ip route add default via 10.9.2.254 && ip -6 route add default via fc00:9:2::fe');
  });

  function transport(ns: Namespace, listenAddresses: string[] = []): LinuxTransport {
    const t = new LinuxTransport({ netns: ns.name, listenAddresses, port: 179 });
    transports.push(t);
    return t;
  }

  it('connects with the right TCP-MD5 password over IPv4 and IPv6; the listener lives in its namespace', async () => {
    const listening = transport(server, ['0.0.0.0', '::']);
    const { accepted, handler } = acceptor();
    listening.setPeer({ address: '10.9.0.2', password: 'password3' });
    listening.setPeer({ address: 'fc00:9:0::2', password: 'password3' });
    await listening.listen(handler);
    const { stdout } = await server.exec('ss', ['-Hltn', 'sport = :179']);
    expect(stdout).toContain('0.0.0.0:179');
    expect(stdout).toContain('[::]:179');

    const active = transport(client);
    active.setPeer({ address: '10.9.0.1', password: 'password3', localAddress: '10.9.0.2' });
    active.setPeer({ address: 'fc00:9::1', password: 'password3' });
    const v4 = await active.connect('10.9.0.1');
    const v6 = await active.connect('fc00:9::1');
    expect(await echo(v4, 'open-v4')).toBe('open-v4');
    expect(await echo(v6, 'open-v6')).toBe('open-v6');
    expect(accepted.sort()).toEqual(['10.9.0.2', 'fc00:9::2']);
    // The SYN carried the MD5 option: the kernel shows md5 on the established sockets.
    const sockets = await server.exec('ss', ['-Htni', 'sport = :179']);
    expect(sockets.stdout).toContain('md5');
    v4.destroy();
    v6.destroy();
    await listening.close();
  });

  it('never connects with a wrong or a missing password (the kernel drops the SYNs)', async () => {
    const listening = transport(server, ['0.0.0.0']);
    const { accepted, handler } = acceptor();
    listening.setPeer({ address: '10.9.0.2', password: 'password3' });
    await listening.listen(handler);

    const failuresBefore = await counter(server, 'TcpExtTCPMD5Failure');
    const wrong = transport(client);
    wrong.setPeer({ address: '10.9.0.1', password: 'not-the-password' });
    const attempt = wrong.connect('10.9.0.1');
    attempt.catch(() => undefined);
    await waitFor(async () => (await counter(server, 'TcpExtTCPMD5Failure')) > failuresBefore, {
      what: 'the kernel to drop a SYN with a wrong MD5 digest',
    });

    const notFoundBefore = await counter(server, 'TcpExtTCPMD5NotFound');
    const missing = transport(client);
    missing.setPeer({ address: '10.9.0.1' });
    const attempt2 = missing.connect('10.9.0.1');
    attempt2.catch(() => undefined);
    await waitFor(async () => (await counter(server, 'TcpExtTCPMD5NotFound')) > notFoundBefore, {
      what: 'the kernel to drop a SYN without MD5',
    });
    expect(accepted).toEqual([]);
    await listening.close();
  });

  it('changes a password at run time: the old one stops working, the new one works', async () => {
    const listening = transport(server, ['0.0.0.0']);
    const { accepted, handler } = acceptor();
    listening.setPeer({ address: '10.9.0.2', password: 'old' });
    await listening.listen(handler);
    listening.setPeer({ address: '10.9.0.2', password: 'new' });
    const active = transport(client);
    active.setPeer({ address: '10.9.0.1', password: 'new' });
    const socket = await active.connect('10.9.0.1');
    expect(await echo(socket, 'x')).toBe('x');
    socket.destroy();
    expect(accepted).toEqual(['10.9.0.2']);
    await listening.close();
  });

  it('refuses connections from addresses that are not configured peers', async () => {
    const listening = transport(server, ['0.0.0.0']);
    const { accepted, handler } = acceptor();
    listening.setPeer({ address: '10.9.0.99' });
    await listening.listen(handler);
    const stranger = transport(client);
    stranger.setPeer({ address: '10.9.0.1' });
    const socket = await stranger.connect('10.9.0.1');
    await new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect(accepted).toEqual([]);
    await listening.close();
  });

  it('GTSM: a peer two hops away is dropped by a 1-hop limit and accepted by a 2-hop limit', async () => {
    const strict = transport(server, ['10.9.1.1']);
    const { handler } = acceptor();
    strict.setPeer({ address: '10.9.2.3', ttlSecurityHops: 1 });
    await strict.listen(handler);
    // The minimum TTL is per peer, so it is set on the accepted socket: the handshake completes, and
    // then every segment from two hops away (TTL 254) is dropped by the kernel.
    const before = await counter(server, 'TcpExtTCPMinTTLDrop');
    const farSide = transport(far);
    farSide.setPeer({ address: '10.9.1.1', ttlSecurityHops: 2 });
    const socket = await farSide.connect('10.9.1.1');
    socket.on('error', () => undefined);
    socket.write('hello');
    await waitFor(async () => (await counter(server, 'TcpExtTCPMinTTLDrop')) > before, {
      what: 'the kernel to drop TTL-254 segments (IP_MINTTL 255)',
    });
    socket.destroy();
    await strict.close();

    const relaxed = transport(server, ['10.9.1.1']);
    const second = acceptor();
    relaxed.setPeer({ address: '10.9.2.3', ttlSecurityHops: 2 });
    await relaxed.listen(second.handler);
    const ok = await farSide.connect('10.9.1.1');
    expect(await echo(ok, 'gtsm')).toBe('gtsm');
    ok.destroy();
    await relaxed.close();
    expect(second.accepted).toEqual(['10.9.2.3']);
  });

  it('GTSM over IPv6 (IPV6_MINHOPCOUNT): two hops away is dropped by a 1-hop limit and accepted by a 2-hop limit', async () => {
    const strict = transport(server, ['fc00:9:1::1']);
    const first = acceptor();
    strict.setPeer({ address: 'fc00:9:2::3', ttlSecurityHops: 1 });
    await strict.listen(first.handler);
    const before = await counter(server, 'TcpExtTCPMinTTLDrop');
    const farSide = transport(far);
    farSide.setPeer({ address: 'fc00:9:1::1', ttlSecurityHops: 2 });
    const socket = await farSide.connect('fc00:9:1::1');
    socket.on('error', () => undefined);
    socket.write('hello');
    await waitFor(async () => (await counter(server, 'TcpExtTCPMinTTLDrop')) > before, {
      what: 'the kernel to drop hop-limit-254 segments',
    });
    socket.destroy();
    await strict.close();

    const relaxed = transport(server, ['fc00:9:1::1']);
    const second = acceptor();
    relaxed.setPeer({ address: 'fc00:9:2::3', ttlSecurityHops: 2 });
    await relaxed.listen(second.handler);
    const ok = await farSide.connect('fc00:9:1::1');
    expect(await echo(ok, 'gtsm6')).toBe('gtsm6');
    ok.destroy();
    await relaxed.close();
    expect(second.accepted).toEqual(['fc00:9:2::3']);
  });

  it('the plain TCP transport refuses settings it cannot honour', () => {
    const plain = new TcpTransport({ listenAddresses: [] });
    expect(() => plain.setPeer({ address: '10.0.0.1', password: 'x' })).toThrow(TransportUnsupportedError);
    expect(() => plain.setPeer({ address: '10.0.0.1', ttlSecurityHops: 1 })).toThrow(TransportUnsupportedError);
    expect(normalizeAddress('FC00:0009:0000::0002')).toBe('fc00:9::2');
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });
});
