import { readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '@cairn/harness';
import { SyscallError, check, enterNetns, inNetns, loadLibc, sockaddr } from '../src/index.js';

describe('@cairn/sys against the kernel', () => {
  const lab = Lab.create('sys');
  afterAll(() => lab.destroy());

  it('inNetns runs a body in the namespace and moves the thread back', async () => {
    const ns = await lab.namespace('only');
    const before = readlinkSync('/proc/thread-self/ns/net');
    const inside = inNetns(ns.name, () => readlinkSync('/proc/thread-self/ns/net'));
    expect(inside).not.toBe(before);
    expect(readlinkSync('/proc/thread-self/ns/net')).toBe(before);
    // A socket created inside stays there: binding an address that exists only in the namespace works.
    await ns.sh('ip addr add 192.0.2.7/32 dev lo');
    const libc = loadLibc();
    const fd = inNetns(ns.name, () => check(libc.socket(2, 1, 0), 'socket()'));
    const address = sockaddr('192.0.2.7', 0);
    expect(libc.bind(fd, address, address.length)).toBe(0);
    libc.close(fd);
  });

  it('names the call, errno text and hint when a call fails', () => {
    expect(() => enterNetns('cairn-no-such-namespace')).toThrow(/ENOENT|no such file/i);
    const libc = loadLibc();
    const fd = check(libc.socket(2, 1, 0), 'socket()');
    const address = sockaddr('198.51.100.77', 0);
    try {
      check(libc.bind(fd, address, address.length), 'bind(198.51.100.77)', 'is the address configured?');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SyscallError);
      expect((error as SyscallError).message).toBe(
        'bind(198.51.100.77) failed: Cannot assign requested address (errno 99). is the address configured?',
      );
    } finally {
      libc.close(fd);
    }
  });
});
