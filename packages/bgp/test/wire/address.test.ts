import { describe, expect, it } from 'vitest';
import { AddressFormatError, formatAddress, formatPrefix, parseAddress, parsePrefix } from '../../src/wire/index.js';

describe('addresses and prefixes', () => {
  it('parses and formats IPv4 and IPv6 (RFC 5952 canonical text)', () => {
    expect([...parseAddress('202.38.80.16')]).toEqual([202, 38, 80, 16]);
    for (const [input, canonical] of [
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::', 'fe80::'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ]) {
      expect(formatAddress(parseAddress(input!))).toBe(canonical);
    }
  });

  it('refuses malformed addresses', () => {
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'x', '']) {
      expect(() => parseAddress(bad), bad).toThrow(AddressFormatError);
    }
  });

  it('parses prefixes and refuses host bits or lengths out of range', () => {
    expect(parsePrefix('202.38.80.16/28')).toEqual({ afi: 1, length: 28, address: Uint8Array.of(202, 38, 80, 16) });
    expect(formatPrefix(parsePrefix('2a02:1810:248b:3b0a::/64'))).toBe('2a02:1810:248b:3b0a::/64');
    expect(() => parsePrefix('202.38.80.17/28')).toThrow(/host bits/);
    expect(() => parsePrefix('10.0.0.0/33')).toThrow(AddressFormatError);
    expect(() => parsePrefix('::/129')).toThrow(AddressFormatError);
    expect(() => parsePrefix('10.0.0.0')).toThrow(AddressFormatError);
  });
});
