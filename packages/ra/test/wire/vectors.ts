// Golden vectors. The radvd ones were captured with tcpdump from radvd 2.19 (Debian 12) in a network
// namespace (config: VyOS-style options of router-config-field-notes.txt plus a route, RDNSS and DNSSL);
// the hex is the ICMPv6 message without the IPv6 header. The others are built from the RFC field layouts.

/** radvd's solicited (unicast) RA to fe80::ff:fe00:2 from fe80::ff:fe00:1. */
export const radvdSolicitedRa = {
  source: 'fe80::ff:fe00:1',
  destination: 'fe80::ff:fe00:2',
  hex:
    '8600031f4048000c0000000000000000' +
    '030440c000278d0000093a80000000002a000f10011410000000000000000000' +
    '180330180000070820010db8010000000000000000000000' +
    '19050000000002582a000f10ff04015300000000000000532a000f10ff0402530000000000000053' +
    '1f05000000000258036f6f62076578616d706c65036e657400076578616d706c65036f7267000000' +
    '05010000000005dc' +
    '0101020000000001',
};

/** radvd's final RA on SIGTERM (RFC 4861 §6.2.5): router, route, RDNSS and DNSSL lifetimes 0. */
export const radvdFinalRa = {
  source: 'fe80::ff:fe00:1',
  destination: 'ff02::1',
  hex:
    '86000d62404800000000000000000000' +
    '030440c000278d0000093a80000000002a000f10011410000000000000000000' +
    '180330180000000020010db8010000000000000000000000' +
    '19050000000000002a000f10ff04015300000000000000532a000f10ff0402530000000000000053' +
    '1f05000000000000036f6f62076578616d706c65036e657400076578616d706c65036f7267000000' +
    '05010000000005dc' +
    '0101020000000001',
};

/** rdisc6's Router Solicitation (no options). */
export const rdisc6Rs = { source: 'fe80::ff:fe00:2', destination: 'ff02::2', hex: '85007e3500000000' };

/** RFC 8781 §4: 64:ff9b::/96 (PLC 0), lifetime 600 s = 75 units of 8 s → 75 << 3 = 0x0258. */
export const pref64WellKnownHex = '260202580064ff9b0000000000000000';

/** RFC 8910 §2.3: "https://portal.example/api" (26 octets) + 2 header octets → 28, padded to 32. */
export const captivePortalHex = '2504' + Buffer.from('https://portal.example/api').toString('hex') + '00000000';

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
