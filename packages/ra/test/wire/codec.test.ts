import { describe, expect, it } from 'vitest';
import {
  NdDecodeError,
  NdEncodeError,
  decodeMessage,
  encodeMessage,
  encodeOption,
  icmpv6Checksum,
  type RouterAdvertisement,
} from '@cairn/ra';
import {
  captivePortalHex,
  fromHex,
  pref64WellKnownHex,
  radvdFinalRa,
  radvdSolicitedRa,
  rdisc6Rs,
  toHex,
} from './vectors.js';

const radvdOptions: RouterAdvertisement['options'] = [
  {
    kind: 'prefix-information',
    prefix: '2a00:f10:114:1000::',
    prefixLength: 64,
    onLink: true,
    autonomous: true,
    routerAddress: false,
    validLifetime: 2592000,
    preferredLifetime: 604800,
  },
  { kind: 'route-information', prefix: '2001:db8:100::', prefixLength: 48, preference: 'low', lifetime: 1800 },
  { kind: 'rdnss', lifetime: 600, servers: ['2a00:f10:ff04:153::53', '2a00:f10:ff04:253::53'] },
  { kind: 'dnssl', lifetime: 600, domains: ['oob.example.net', 'example.org'] },
  { kind: 'mtu', mtu: 1500 },
  { kind: 'source-link-layer-address', address: '02:00:00:00:00:01' },
];

const radvdRa: RouterAdvertisement = {
  type: 'router-advertisement',
  code: 0,
  curHopLimit: 64,
  managed: false,
  otherConfig: true,
  homeAgent: false,
  preference: 'high',
  proxy: false,
  routerLifetime: 12,
  reachableTime: 0,
  retransTimer: 0,
  options: radvdOptions,
};

/** radvd's 24-octet RIO for 2001:db8:100::/48 rewritten to the 16-octet form. */
function shortRio(hex: string): string {
  return hex.replace(/1803(3018[0-9a-f]{8}20010db801000000)0{16}/, '1802$1');
}

describe('golden vectors captured from radvd and rdisc6', () => {
  it('decodes radvd’s solicited RA field by field', () => {
    expect(decodeMessage(fromHex(radvdSolicitedRa.hex))).toEqual(radvdRa);
  });

  it('reproduces the checksums radvd’s kernel computed', () => {
    for (const vector of [radvdSolicitedRa, radvdFinalRa]) {
      const bytes = fromHex(vector.hex);
      expect(icmpv6Checksum(vector.source, vector.destination, bytes)).toBe((bytes[2]! << 8) | bytes[3]!);
    }
  });

  it('encodes the same RA to radvd’s octets, except a Route Information option of the shortest length', () => {
    // radvd always sends RIO length 3; RFC 4191 §2.3 allows length 2 for prefixes up to /64, which we send.
    const expected = shortRio(radvdSolicitedRa.hex);
    expect(toHex(encodeMessage(radvdRa).subarray(4))).toBe(expected.slice(8));
    expect(decodeMessage(fromHex(expected))).toEqual(radvdRa);
  });

  it('decodes radvd’s final RA: router, route, RDNSS, DNSSL lifetimes are 0 (RFC 4861 §6.2.5)', () => {
    const ra = decodeMessage(fromHex(radvdFinalRa.hex)) as RouterAdvertisement;
    expect(ra.routerLifetime).toBe(0);
    expect(ra.options.filter((o) => 'lifetime' in o).map((o) => (o as { lifetime: number }).lifetime)).toEqual([
      0, 0, 0,
    ]);
    expect(toHex(encodeMessage(ra).subarray(4))).toBe(shortRio(radvdFinalRa.hex).slice(8));
  });

  it('decodes rdisc6’s RS and reproduces its checksum', () => {
    expect(decodeMessage(fromHex(rdisc6Rs.hex))).toEqual({ type: 'router-solicitation', code: 0, options: [] });
    expect(icmpv6Checksum(rdisc6Rs.source, rdisc6Rs.destination, fromHex(rdisc6Rs.hex))).toBe(0x7e35);
  });
});

describe('options built from the RFC layouts', () => {
  it('PREF64 64:ff9b::/96 for 600 s (RFC 8781 §4)', () => {
    const option = { kind: 'pref64', prefix: '64:ff9b::', prefixLength: 96, lifetime: 600 } as const;
    expect(toHex(encodeOption(option))).toBe(pref64WellKnownHex);
    expect(decodeMessage(fromHex('8600000000000000' + '0000000000000000' + pref64WellKnownHex))).toMatchObject({
      options: [option],
    });
  });

  it('PREF64 rounds a lifetime up to 8 s units and encodes /48 as code 3', () => {
    const bytes = encodeOption({ kind: 'pref64', prefix: '2001:db8:1::', prefixLength: 48, lifetime: 601 });
    expect(toHex(bytes)).toBe('2602' + ((76 << 3) | 3).toString(16).padStart(4, '0') + '20010db80001000000000000');
  });

  it('Captive Portal URI, NUL-padded (RFC 8910 §2.3)', () => {
    const option = { kind: 'captive-portal', uri: 'https://portal.example/api' } as const;
    expect(toHex(encodeOption(option))).toBe(captivePortalHex);
  });

  it('Route Information uses the shortest length for the prefix (RFC 4191 §2.3)', () => {
    expect(
      toHex(
        encodeOption({ kind: 'route-information', prefix: '::', prefixLength: 0, preference: 'high', lifetime: 60 }),
      ),
    ).toBe('180100080000003c');
    expect(
      encodeOption({
        kind: 'route-information',
        prefix: '2001:db8::',
        prefixLength: 32,
        preference: 'medium',
        lifetime: 1,
      }).length,
    ).toBe(16);
    expect(
      encodeOption({
        kind: 'route-information',
        prefix: '2001:db8::1:0:0:0',
        prefixLength: 80,
        preference: 'medium',
        lifetime: 1,
      }).length,
    ).toBe(24);
  });

  it('unknown options are kept and skipped by their length (RFC 4861 §4.6)', () => {
    const ra = decodeMessage(
      fromHex('8600000000000000' + '0000000000000000' + 'fe01aabbccddeeff' + '05010000000005dc'),
    ) as RouterAdvertisement;
    expect(ra.options).toEqual([
      { kind: 'unknown', type: 0xfe, body: fromHex('aabbccddeeff') },
      { kind: 'mtu', mtu: 1500 },
    ]);
  });
});

describe('invalid input gives typed errors', () => {
  const ra = (options: string) => fromHex('8600000000000000' + '0000000000000000' + options);
  it.each([
    ['a truncated RA header', fromHex('86000000000000000000'), 'truncated'],
    ['an RS shorter than 8 octets', fromHex('8500000000'), 'truncated'],
    ['an option of length 0 (RFC 4861 §6.1.2)', ra('0500000000000000'), 'zero-length-option'],
    ['an option longer than the packet', ra('0302'), 'truncated'],
    ['a half option header', ra('05'), 'truncated'],
    ['an MTU option of length 2', ra('05020000000005dc0000000000000000'), 'bad-option-length'],
    ['an even RDNSS length', ra('1902' + '00'.repeat(14)), 'bad-option-length'],
    ['a Route Information /64 in length 1', ra('1801400000000001'), 'bad-option-length'],
    ['a prefix length of 129', ra('0304810000000000' + '00'.repeat(24)), 'bad-option-value'],
    ['a DNSSL compression pointer', ra('1f02000000000001c00c000000000000'), 'bad-option-value'],
    ['a DNSSL with no name', ra('1f02000000000001' + '00'.repeat(8)), 'bad-option-value'],
    ['a PREF64 with code 6', ra('2602000600000000' + '00'.repeat(8)), 'bad-option-value'],
    ['an ICMPv6 echo request', fromHex('8000000000000000'), 'unsupported-message'],
  ])('%s', (_what, bytes, reason) => {
    let error: unknown;
    try {
      decodeMessage(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NdDecodeError);
    expect((error as NdDecodeError).reason).toBe(reason);
  });

  it('encoding names the field that is out of range', () => {
    expect(() => encodeMessage({ ...radvdRa, routerLifetime: 70000 })).toThrow(NdEncodeError);
    expect(() => encodeMessage({ ...radvdRa, routerLifetime: 70000 })).toThrow(/^routerLifetime/);
    expect(() => encodeOption({ kind: 'rdnss', lifetime: 1, servers: ['nope'] })).toThrow(/rdnss\.servers\[0\]/);
    expect(() => encodeOption({ kind: 'pref64', prefix: '64:ff9b::', prefixLength: 50 as 48, lifetime: 1 })).toThrow(
      /pref64\.prefixLength/,
    );
  });
});
