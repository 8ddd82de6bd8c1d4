// Golden vectors for the header, the framer, OPEN, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH, written
// from RFC 4271 §4, RFC 5492, RFC 6793, RFC 9072, RFC 9003, RFC 2918 and RFC 7313.
import { describe, expect, it } from 'vitest';
import { BgpDecodeError, BgpEncodeError, MessageFramer, decodeMessage, encodeMessage } from '../../src/wire/index.js';
import type { OpenMessage } from '../../src/wire/index.js';
import { CTX4, context, fromHex, message, toHex } from './helpers.js';

const MARKER = 'ff'.repeat(16);
const CTX = context();

function decodeError(bytes: Uint8Array, ctx = CTX): BgpDecodeError {
  try {
    decodeMessage(bytes, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(BgpDecodeError);
    return error as BgpDecodeError;
  }
  throw new Error('expected a BgpDecodeError');
}

describe('header (RFC 4271 §4.1, §6.1)', () => {
  it('KEEPALIVE is the bare 19-byte header', () => {
    const bytes = encodeMessage({ type: 4 }, CTX);
    expect(toHex(bytes)).toBe(`${MARKER}001304`);
    expect(decodeMessage(bytes, CTX)).toEqual({ type: 4 });
  });

  it('a marker that is not all ones is Connection Not Synchronized', () => {
    const bytes = message(4, '');
    bytes[3] = 0;
    expect(decodeError(bytes)).toMatchObject({ code: 1, subcode: 1, action: 'session-reset' });
  });

  it('lengths out of bounds are Bad Message Length with the length as data', () => {
    const short = fromHex(`${MARKER}001204`);
    expect(decodeError(short)).toMatchObject({ code: 1, subcode: 2 });
    const keepaliveWithBody = message(4, '00');
    const e = decodeError(keepaliveWithBody);
    expect(e).toMatchObject({ code: 1, subcode: 2 });
    expect(toHex(e.data)).toBe('0014');
    expect(decodeError(message(3, '06'))).toMatchObject({ code: 1, subcode: 2 }); // NOTIFICATION < 21
    expect(decodeError(message(2, '00'.repeat(4096)))).toMatchObject({ code: 1, subcode: 2 }); // > 4096
  });

  it('an unknown type is Bad Message Type with the type as data', () => {
    const e = decodeError(message(9, ''));
    expect(e).toMatchObject({ code: 1, subcode: 3 });
    expect(toHex(e.data)).toBe('09');
  });

  it('RFC 8654: Extended Message lifts UPDATE to 65535 but never OPEN or KEEPALIVE', () => {
    const ext = context({ extendedMessage: true });
    const big = message(
      2,
      '0000' +
        (5000).toString(16).padStart(4, '0') +
        ('c0' + '63' + 'ff' + '00'.repeat(255)).repeat(5000 / 258) +
        '00'.repeat(5000 % 258),
    );
    expect(() => decodeMessage(big, CTX)).toThrow(BgpDecodeError);
    expect(() => new MessageFramer(() => ext).push(big)).not.toThrow();
    const bigOpen = message(1, '04fde900b40a000001' + 'ff' + 'ff' + '1200' + '00'.repeat(0x1200));
    expect(decodeError(bigOpen, ext)).toMatchObject({ code: 1, subcode: 2 });
  });
});

describe('MessageFramer', () => {
  const keepalive = encodeMessage({ type: 4 }, CTX);
  const notification = encodeMessage({ type: 3, code: 6, subcode: 2, data: new Uint8Array(0), message: 'bye' }, CTX);
  const stream = new Uint8Array([...keepalive, ...notification, ...keepalive]);

  it('splits a stream fed one byte at a time', () => {
    const framer = new MessageFramer();
    const out: Uint8Array[] = [];
    for (const byte of stream) out.push(...framer.push(Uint8Array.of(byte)));
    expect(out.map(toHex)).toEqual([toHex(keepalive), toHex(notification), toHex(keepalive)]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('returns several messages from one chunk and keeps the tail', () => {
    const framer = new MessageFramer();
    expect(framer.push(stream.subarray(0, stream.length - 5))).toHaveLength(2);
    expect(framer.bufferedBytes).toBe(14);
    expect(framer.push(stream.subarray(stream.length - 5))).toHaveLength(1);
  });

  it('refuses a bad header as soon as 19 bytes are in, before the body arrives', () => {
    const framer = new MessageFramer();
    const header = fromHex(`${MARKER}ffff02`); // 65535 bytes claimed, no Extended Message
    expect(() => framer.push(header)).toThrow(BgpDecodeError);
  });
});

describe('OPEN (RFC 4271 §4.2, RFC 5492, RFC 6793, RFC 9072)', () => {
  // version 4, My AS 65001, hold 180, id 10.0.0.1, one Capabilities parameter (14 bytes):
  // MP IPv4 unicast (01 04 0001 00 01), route refresh (02 00), 4-octet AS 65001 (41 04 0000fde9)
  const body = '04 fde9 00b4 0a000001 10 02 0e 010400010001 0200 41040000fde9';
  const open: OpenMessage = {
    type: 1,
    version: 4,
    asn: 65001,
    holdTime: 180,
    routerId: '10.0.0.1',
    capabilities: [{ code: 1, afi: 1, safi: 1 }, { code: 2 }, { code: 65, asn: 65001 }],
  };

  it('decodes and encodes the golden OPEN', () => {
    expect(decodeMessage(message(1, body), CTX)).toEqual(open);
    expect(toHex(encodeMessage(open, CTX))).toBe(toHex(message(1, body)));
  });

  it('writes AS_TRANS for a 4-octet ASN and reads the real one from the capability', () => {
    const wide: OpenMessage = { ...open, asn: 4200000000, capabilities: [{ code: 65, asn: 4200000000 }] };
    const bytes = encodeMessage(wide, CTX);
    expect(toHex(bytes.subarray(20, 22))).toBe('5ba0');
    expect(decodeMessage(bytes, CTX)).toEqual(wide);
  });

  it('reads RFC 9072 extended optional parameters and writes them when capabilities exceed 255 bytes', () => {
    const extended = '04 fde9 00b4 0a000001 ff ff 0011 02 000e 010400010001 0200 41040000fde9';
    expect(decodeMessage(message(1, extended), CTX)).toEqual(open);
    const many: OpenMessage = {
      ...open,
      capabilities: [
        { code: 73, hostname: 'h'.repeat(200), domain: 'd'.repeat(50) },
        { code: 75, version: 'v'.repeat(100) },
      ],
    };
    const bytes = encodeMessage(many, CTX);
    expect(toHex(bytes.subarray(28, 30))).toBe('ffff');
    expect(decodeMessage(bytes, CTX)).toEqual(many);
  });

  it('rejects bad version, hold time, identifier, parameter type and lengths with OPEN Message Error', () => {
    const e = decodeError(message(1, body.replace(/^04/, '03')));
    expect(e).toMatchObject({ code: 2, subcode: 1 });
    expect(toHex(e.data)).toBe('0004');
    expect(decodeError(message(1, body.replace('00b4', '0002')))).toMatchObject({ code: 2, subcode: 6 });
    expect(decodeError(message(1, body.replace('0a000001', '00000000')))).toMatchObject({ code: 2, subcode: 3 });
    expect(decodeError(message(1, '04 fde9 00b4 0a000001 03 01 01 00'))).toMatchObject({ code: 2, subcode: 4 });
    expect(decodeError(message(1, '04 fde9 00b4 0a000001 05 02 03 0200'))).toMatchObject({ code: 2, subcode: 0 });
    expect(decodeError(message(1, '04 fde9 00b4 0a000001 04 02 04 0200'))).toMatchObject({ code: 2, subcode: 0 });
  });

  it('refuses to encode a hold time of 1 or 2 seconds, or a 4-octet ASN the capability does not carry', () => {
    expect(() => encodeMessage({ ...open, holdTime: 2 }, CTX)).toThrow(BgpEncodeError);
    expect(() => encodeMessage({ ...open, asn: 4200000000, capabilities: [] }, CTX)).toThrow(/4-octet AS capability/);
    expect(() => encodeMessage({ ...open, asn: 65002 }, CTX)).toThrow(/says 65001/);
  });
});

describe('NOTIFICATION (RFC 4271 §4.5, RFC 9003)', () => {
  it('carries code, subcode and data', () => {
    const bytes = message(3, '0302 0001');
    expect(decodeMessage(bytes, CTX)).toEqual({ type: 3, code: 3, subcode: 2, data: fromHex('0001') });
    expect(toHex(encodeMessage({ type: 3, code: 3, subcode: 2, data: fromHex('0001') }, CTX))).toBe(toHex(bytes));
  });

  it('encodes and decodes an RFC 9003 shutdown communication (UTF-8, length-prefixed)', () => {
    const bytes = encodeMessage(
      { type: 3, code: 6, subcode: 2, data: new Uint8Array(0), message: 'maintenance ✓' },
      CTX,
    );
    expect(toHex(bytes.subarray(19))).toBe('0602' + '0f' + toHex(Buffer.from('maintenance ✓')));
    expect(decodeMessage(bytes, CTX)).toMatchObject({ code: 6, subcode: 2, message: 'maintenance ✓' });
    // A length that overruns the data yields no message (RFC 9003 §3), not an error.
    expect(decodeMessage(message(3, '0604 09 6869'), CTX)).not.toHaveProperty('message');
  });
});

describe('ROUTE-REFRESH (RFC 2918 §3, RFC 7313 §3.2, §5)', () => {
  it('decodes normal, BoRR and EoRR', () => {
    expect(decodeMessage(message(5, '0001 00 01'), CTX)).toEqual({ type: 5, afi: 1, subtype: 0, safi: 1 });
    expect(decodeMessage(message(5, '0002 01 01'), CTX)).toEqual({ type: 5, afi: 2, subtype: 1, safi: 1 });
    expect(toHex(encodeMessage({ type: 5, afi: 2, subtype: 2, safi: 1 }, CTX))).toBe(toHex(message(5, '0002 02 01')));
  });

  it('a wrong length is ROUTE-REFRESH Message Error / Invalid Message Length with the message as data', () => {
    const bytes = message(5, '0001 00 01 00');
    const e = decodeError(bytes, CTX4);
    expect(e).toMatchObject({ code: 7, subcode: 1 });
    expect(toHex(e.data)).toBe(toHex(bytes));
  });
});
