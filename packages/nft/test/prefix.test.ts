import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Prefix, collapsePrefixes, formatPrefix, parsePrefix } from '../src/prefix.js';
import { formatAddress } from '../src/prefix.js';
import { SocketAddress } from 'node:net';

describe('prefix parsing and formatting', () => {
  it('parses IPv4 and IPv6 prefixes and bare addresses', () => {
    expect(formatPrefix(parsePrefix('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(formatPrefix(parsePrefix('2001:db8::/32'))).toBe('2001:db8::/32');
    expect(formatPrefix(parsePrefix('202.38.80.17'))).toBe('202.38.80.17/32');
    expect(formatPrefix(parsePrefix('2001:5ad0:0:2::1'))).toBe('2001:5ad0:0:2::1/128');
    expect(formatPrefix(parsePrefix('::ffff:192.0.2.1/128'))).toBe('::ffff:c000:201/128');
    expect(formatPrefix(parsePrefix('0.0.0.0/0'))).toBe('0.0.0.0/0');
    expect(formatPrefix(parsePrefix('::/0'))).toBe('::/0');
  });

  it('refuses a prefix with host bits set instead of masking it, naming the network it may have meant', () => {
    expect(() => parsePrefix('202.38.80.17/28')).toThrow(
      '"202.38.80.17/28" has host bits set: write the network 202.38.80.16/28, or the address alone for one host (/32)',
    );
    expect(() => parsePrefix('202.38.80.17/28', 4)).toThrow(/host bits set/);
    expect(() => parsePrefix('10.1.2.3/8')).toThrow(/write the network 10\.0\.0\.0\/8/);
    expect(() => parsePrefix('2001:db8::1/32')).toThrow(
      '"2001:db8::1/32" has host bits set: write the network 2001:db8::/32, or the address alone for one host (/128)',
    );
    expect(() => parsePrefix('::ffff:192.0.2.1/96', 6)).toThrow(/host bits set/);
  });

  it('rejects malformed input with a message naming it', () => {
    expect(() => parsePrefix('10.0.0.0/33')).toThrow(/10.0.0.0\/33.*invalid prefix length/);
    expect(() => parsePrefix('10.0.0/8')).toThrow(/not an IPv4 or IPv6/);
    expect(() => parsePrefix('2001:db8::/32', 4)).toThrow(/not an IPv4 prefix/);
    expect(() => parsePrefix('10.0.0.0/8x')).toThrow(/invalid prefix length/);
    for (const bad of [
      '010.0.0.1',
      '256.0.0.1',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '1.2.3.4/',
      '1.2.3.4/-1',
      ' 1.2.3.4',
    ]) {
      expect(() => parsePrefix(bad), bad).toThrow(/not an IPv4 or IPv6|invalid prefix length/);
    }
  });

  it('agrees with the generic path on IPv4 (the fast path is only an optimisation)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, length) => {
        const outcome = (text: string, version: 4 | 6) => {
          try {
            return parsePrefix(text, version);
          } catch (error) {
            return (error as Error).message.includes('host bits set') ? 'host bits' : (error as Error).message;
          }
        };
        const fast = outcome(`${address}/${length}`, 4);
        const generic = outcome(`::ffff:${address}/${96 + length}`, 6);
        if (typeof fast === 'string' || typeof generic === 'string') {
          expect(fast).toBe(generic);
          return;
        }
        expect(fast.network).toBe(generic.network - 0xffff00000000n);
        expect(parsePrefix(formatPrefix(fast))).toEqual(fast);
      }),
    );
  });

  it('formats IPv6 like RFC 5952, as Node and inet_ntop do', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const ours = formatAddress(parsePrefix(address).network, 6);
        const node = new SocketAddress({ address, family: 'ipv6' }).address;
        // inet_ntop prints IPv4-compatible/mapped addresses with a dotted tail; we never need that form.
        fc.pre(!node.includes('.'));
        expect(ours).toBe(node);
      }),
      { numRuns: 2000 },
    );
  });

  it('collapses nested and duplicate prefixes, keeping disjoint ones in address order', () => {
    const out = collapsePrefixes(
      ['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/24', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.128/25'].map((p) =>
        parsePrefix(p),
      ),
    );
    expect(out.map(formatPrefix)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/24']);
  });

  it('never leaves overlapping prefixes and never drops an address (property)', () => {
    const prefix = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 32 }))
      .map(([hi, len]): Prefix => {
        const value = BigInt(0x0a000000 + hi * 256);
        const hostBits = BigInt(32 - len);
        return { version: 4, network: (value >> hostBits) << hostBits, length: len };
      });
    fc.assert(
      fc.property(
        fc.array(prefix, { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 20 }),
        (prefixes, probes) => {
          const out = collapsePrefixes(prefixes);
          const last = (p: (typeof out)[number]) => p.network | ((1n << BigInt(32 - p.length)) - 1n);
          for (let i = 1; i < out.length; i++) expect(out[i]!.network > last(out[i - 1]!)).toBe(true);
          for (const probe of probes) {
            const address = (10n << 24n) | BigInt(probe);
            const inInput = prefixes.some((p) => address >= p.network && address <= last(p));
            const inOutput = out.some((p) => address >= p.network && address <= last(p));
            expect(inOutput).toBe(inInput);
          }
        },
      ),
    );
  });
});
