import { describe, expect, it } from 'vitest';
import { type RouterAdvertisement, advertisementJson, decodeMessage, formatAdvertisement } from '@cairn/ra';
import { fromHex, radvdSolicitedRa } from './wire/vectors.js';

const seen = {
  interface: 'eth0',
  source: radvdSolicitedRa.source,
  destination: radvdSolicitedRa.destination,
  hopLimit: 255,
  message: decodeMessage(fromHex(radvdSolicitedRa.hex)) as RouterAdvertisement,
};
const at = new Date('2026-11-22T02:10:30.187Z');

describe('cairn-ra monitor output', () => {
  it('describes radvd’s RA for humans, like radvdump', () => {
    expect(formatAdvertisement(seen, at)).toBe(
      [
        '2026-11-22T02:10:30.187Z RA on eth0 from fe80::ff:fe00:1 to fe80::ff:fe00:2 (hop limit 255)',
        '  router lifetime 12 s  preference high  cur hop limit 64  flags other-config',
        '  reachable time 0 ms  retrans timer 0 ms',
        '  prefix 2a00:f10:114:1000::/64  on-link yes  autonomous yes',
        '    valid 2592000 s  preferred 604800 s',
        '  route 2001:db8:100::/48  preference low  lifetime 1800 s',
        '  rdnss 2a00:f10:ff04:153::53 2a00:f10:ff04:253::53  lifetime 600 s',
        '  dnssl oob.example.net example.org  lifetime 600 s',
        '  mtu 1500',
        '  source link-layer address 02:00:00:00:00:01',
      ].join('\n'),
    );
  });

  it('flags a hop limit other than 255', () => {
    expect(formatAdvertisement({ ...seen, hopLimit: 64 }, at).split('\n')[0]).toContain('INVALID: not 255');
  });

  it('prints one JSON object per RA, unknown option bodies in hex', () => {
    const withUnknown = {
      ...seen,
      message: {
        ...seen.message,
        options: [{ kind: 'unknown' as const, type: 200, body: Uint8Array.from([1, 2, 3, 4, 5, 6]) }],
      },
    };
    expect(JSON.parse(advertisementJson(withUnknown, at))).toMatchObject({
      time: '2026-11-22T02:10:30.187Z',
      interface: 'eth0',
      message: { routerLifetime: 12, options: [{ kind: 'unknown', type: 200, body: '010203040506' }] },
    });
  });
});
