// Golden vectors for each capability (RFC 5492 §4 framing) and what two OPENs negotiate.
import { describe, expect, it } from 'vitest';
import { decodeCapabilities, encodeCapabilities, negotiatedContext } from '../../src/wire/index.js';
import type { Capability, OpenMessage } from '../../src/wire/index.js';
import { fromHex, toHex } from './helpers.js';

const golden: [string, string, Capability][] = [
  ['multiprotocol IPv6 unicast (RFC 4760 §8)', '01 04 0002 00 01', { code: 1, afi: 2, safi: 1 }],
  ['route refresh (RFC 2918 §2)', '02 00', { code: 2 }],
  [
    'extended next hop IPv4 over IPv6 (RFC 8950 §3)',
    '05 06 0001 0001 0002',
    { code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
  ],
  ['extended message (RFC 8654 §3)', '06 00', { code: 6 }],
  ['BGP role customer (RFC 9234 §4.1)', '09 01 03', { code: 9, role: 3 }],
  [
    'graceful restart R+N, 120 s, IPv4 F, IPv6 (RFC 4724 §3, RFC 8538 §2)',
    '40 0a c078 0001 01 80 0002 01 00',
    {
      code: 64,
      restarting: true,
      notification: true,
      restartTime: 120,
      families: [
        { afi: 1, safi: 1, forwardingPreserved: true },
        { afi: 2, safi: 1, forwardingPreserved: false },
      ],
    },
  ],
  ['4-octet AS 4200000000 (RFC 6793 §3)', '41 04 fa56ea00', { code: 65, asn: 4200000000 }],
  [
    'ADD-PATH IPv4 both, IPv6 receive (RFC 7911 §4)',
    '45 08 0001 01 03 0002 01 01',
    {
      code: 69,
      families: [
        { afi: 1, safi: 1, direction: 'both' },
        { afi: 2, safi: 1, direction: 'receive' },
      ],
    },
  ],
  ['enhanced route refresh (RFC 7313 §3.1)', '46 00', { code: 70 }],
  [
    'long-lived GR IPv4 F 3600 s (RFC 9494 §3)',
    '47 07 0001 01 80 000e10',
    { code: 71, families: [{ afi: 1, safi: 1, forwardingPreserved: true, staleTime: 3600 }] },
  ],
  [
    'FQDN frr-a, empty domain (draft-walton-bgp-hostname)',
    '49 07 05 6672722d61 00',
    { code: 73, hostname: 'frr-a', domain: '' },
  ],
  [
    'software version (draft-abraitis-bgp-version-capability)',
    '4b 0e 0d 4652526f7574696e672f392e31',
    { code: 75, version: 'FRRouting/9.1' },
  ],
  ['unknown code 128 kept raw (RFC 5492 §3)', '80 00', { code: 128, raw: new Uint8Array(0) }],
  ['unknown code 200 with a value kept raw', 'c8 02 abcd', { code: 200, raw: fromHex('abcd') }],
];

describe('capabilities', () => {
  it.each(golden)('%s', (_name, hex, capability) => {
    expect(decodeCapabilities(fromHex(hex))).toEqual([capability]);
    expect(toHex(encodeCapabilities([capability]))).toBe(hex.replace(/ /g, ''));
  });

  it('keeps a known capability with a malformed value as raw bytes instead of refusing the OPEN', () => {
    expect(decodeCapabilities(fromHex('41 02 fde9'))).toEqual([{ code: 65, raw: fromHex('fde9') }]);
    expect(decodeCapabilities(fromHex('49 03 05 6672'))).toEqual([{ code: 73, raw: fromHex('056672') }]);
  });

  it('reports a capability length that overruns the parameter', () => {
    expect(decodeCapabilities(fromHex('41 05 fa56ea00'))).toBeUndefined();
  });

  it('negotiates 4-octet AS, ADD-PATH per direction, Extended Message and extended next hop', () => {
    const open = (capabilities: Capability[]): OpenMessage => ({
      type: 1,
      version: 4,
      asn: 65001,
      holdTime: 90,
      routerId: '10.0.0.1',
      capabilities,
    });
    const a = open([
      { code: 65, asn: 65001 },
      { code: 6 },
      {
        code: 69,
        families: [
          { afi: 1, safi: 1, direction: 'both' },
          { afi: 2, safi: 1, direction: 'send' },
        ],
      },
      { code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
    ]);
    const b = open([
      { code: 65, asn: 65002 },
      {
        code: 69,
        families: [
          { afi: 1, safi: 1, direction: 'receive' },
          { afi: 2, safi: 1, direction: 'receive' },
        ],
      },
      { code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
    ]);
    const aToB = negotiatedContext(a, b);
    expect(aToB).toEqual({
      fourOctetAs: true,
      addPath: new Set(['1/1', '2/1']),
      extendedMessage: false,
      extendedNextHop: new Set(['1/1']),
    });
    expect(negotiatedContext(b, a).addPath).toEqual(new Set()); // b never sends
  });
});
