import { describe, expect, it } from 'vitest';
import { diffFib, formatAddress, addressBytes, parsePrefix } from '../../src/fib/index.js';

describe('diffFib', () => {
  const viaVr2 = { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102' }] };
  const viaVr1 = { prefix: '202.38.80.16/28', nextHops: [{ gateway: '10.200.0.101' }] };

  it('adds what is missing, removes what is no longer wanted, leaves equal routes alone', () => {
    const stale = { prefix: '198.51.100.0/24', nextHops: [{ gateway: '10.200.0.9' }] };
    const changes = diffFib([viaVr2, stale], [viaVr2, viaVr1]);
    expect(changes.upsert).toEqual([viaVr1]);
    expect(changes.remove).toEqual([stale]);
  });

  it('replaces a route whose next hops changed, whatever their order', () => {
    const ecmp = { prefix: '0.0.0.0/0', nextHops: [{ gateway: '10.200.0.1' }, { gateway: '10.200.0.2' }] };
    const reordered = { prefix: '0.0.0.0/0', nextHops: [{ gateway: '10.200.0.2' }, { gateway: '10.200.0.1' }] };
    expect(diffFib([ecmp], [reordered])).toEqual({ upsert: [], remove: [] });
    const moved = { prefix: '0.0.0.0/0', nextHops: [{ gateway: '10.200.0.1' }] };
    expect(diffFib([ecmp], [moved]).upsert).toEqual([moved]);
  });

  it('matches an unnamed interface with the one the kernel resolved, but not a different named one', () => {
    const resolved = { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102', ifindex: 3 }] };
    expect(diffFib([resolved], [viaVr2]).upsert).toEqual([]);
    const otherLink = { prefix: '202.38.80.32/28', nextHops: [{ gateway: '10.200.0.102', ifindex: 4 }] };
    expect(diffFib([resolved], [otherLink]).upsert).toEqual([otherLink]);
  });

  it('treats differently spelled IPv6 prefixes as the same route', () => {
    const spelled = { prefix: '2a02:1810:248b:3b0b:0:0:0:0/64', nextHops: [{ gateway: 'fc00:2024:9:7:0:0:0:1' }] };
    const compressed = { prefix: '2a02:1810:248b:3b0b::/64', nextHops: [{ gateway: 'fc00:2024:9:7::1' }] };
    expect(diffFib([spelled], [compressed])).toEqual({ upsert: [], remove: [] });
  });
});

describe('prefix parsing', () => {
  it('rejects host bits with a hint', () => {
    expect(() => parsePrefix('202.38.80.17/28')).toThrow(/host bits.*202\.38\.80\.16\/28/);
  });

  it('formats IPv6 addresses like iproute2 (RFC 5952)', () => {
    expect(formatAddress(addressBytes('fe80:0:0:0:1c00:6cff:fe00:29'))).toBe('fe80::1c00:6cff:fe00:29');
    expect(formatAddress(addressBytes('2a02:1810:248b:3b0a::'))).toBe('2a02:1810:248b:3b0a::');
    expect(formatAddress(addressBytes('10.200.0.1'))).toBe('10.200.0.1');
  });
});
