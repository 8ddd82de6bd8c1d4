import { describe, expect, it } from 'vitest';
import { formatIpv6Groups } from '../src/index.js';

// RFC 5952 §4 cases, and the addresses of the reference documents.
describe('formatIpv6Groups', () => {
  it.each([
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
    [[0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], '2001:db8:0:1::1'], // §4.2.3: the longest run
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'], // §4.2.3: the first of equal runs
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'], // §4.2.2: one zero group is not compressed
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0xfc00, 0x2024, 9, 7, 0, 0, 0, 1], 'fc00:2024:9:7::1'],
    [[0x2a02, 0x1810, 0x248b, 0x3b0a, 0, 0, 0, 0], '2a02:1810:248b:3b0a::'],
  ])('%j → %s', (groups, text) => {
    expect(formatIpv6Groups(groups)).toBe(text);
  });
});
