// OPEN message body (RFC 4271 §4.2) with RFC 9072 extended optional parameters and RFC 6793 AS_TRANS.
import { formatAddress, parseAddress } from './address.js';
import { AS_TRANS } from './as-path.js';
import { decodeCapabilities, encodeCapabilities } from './capabilities.js';
import { BgpDecodeError, BgpEncodeError, NOTIFICATION_CODE, OPEN_ERROR_SUBCODE } from './errors.js';
import { CAPABILITY } from './types.js';
import type { Capability, OpenMessage } from './types.js';
import { ByteWriter } from './writer.js';

/** RFC 5492 §4: Optional Parameter type Capabilities. */
const PARAMETER_CAPABILITIES = 2;
/** RFC 9072 §2: Non-Ext OP Type marking the extended encoding. */
const PARAMETER_EXTENDED = 255;

function openError(subcode: number, message: string, data?: Uint8Array): BgpDecodeError {
  return new BgpDecodeError(NOTIFICATION_CODE.OPEN_MESSAGE, subcode, message, data);
}

/** Decodes the body of an OPEN (`body` excludes the 19-byte header). */
export function decodeOpen(body: Uint8Array): OpenMessage {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const version = body[0]!;
  if (version !== 4) {
    // RFC 4271 §6.2: data is the largest locally supported version, 2 octets.
    throw openError(
      OPEN_ERROR_SUBCODE.UNSUPPORTED_VERSION_NUMBER,
      `BGP version ${version} is not supported (4 is)`,
      Uint8Array.of(0, 4),
    );
  }
  const asn2 = dv.getUint16(1);
  const holdTime = dv.getUint16(3);
  if (holdTime === 1 || holdTime === 2) {
    throw openError(
      OPEN_ERROR_SUBCODE.UNACCEPTABLE_HOLD_TIME,
      `hold time ${holdTime} s is not allowed (0 or ≥ 3, RFC 4271 §4.2)`,
    );
  }
  const identifier = dv.getUint32(5);
  if (identifier === 0) {
    // RFC 6286 §2.2: a BGP Identifier is a non-zero 4-octet unsigned integer.
    throw openError(OPEN_ERROR_SUBCODE.BAD_BGP_IDENTIFIER, 'BGP identifier 0.0.0.0 is invalid', body.slice(5, 9));
  }
  let parametersLength = body[9]!;
  let offset = 10;
  let extended = false;
  if (parametersLength === 255 && body.length > 10 && body[10] === PARAMETER_EXTENDED) {
    // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, then a 2-octet Extended Opt. Parm. Length.
    if (body.length < 13)
      throw openError(OPEN_ERROR_SUBCODE.UNSPECIFIC, 'extended optional parameters length is truncated');
    parametersLength = dv.getUint16(11);
    offset = 13;
    extended = true;
  }
  if (offset + parametersLength !== body.length) {
    throw openError(
      OPEN_ERROR_SUBCODE.UNSPECIFIC,
      `optional parameters length ${parametersLength} does not match the ${body.length - offset} bytes that follow`,
    );
  }
  const capabilities: Capability[] = [];
  const end = offset + parametersLength;
  const headerSize = extended ? 3 : 2;
  while (offset < end) {
    if (offset + headerSize > end)
      throw openError(OPEN_ERROR_SUBCODE.UNSPECIFIC, 'an optional parameter header is truncated');
    const type = body[offset]!;
    const length = extended ? dv.getUint16(offset + 1) : body[offset + 1]!;
    const valueStart = offset + headerSize;
    if (valueStart + length > end)
      throw openError(OPEN_ERROR_SUBCODE.UNSPECIFIC, `optional parameter ${type} overruns the parameters`);
    if (type !== PARAMETER_CAPABILITIES) {
      // RFC 4271 §6.2 (RFC 5492 deprecates all other parameter types).
      throw openError(
        OPEN_ERROR_SUBCODE.UNSUPPORTED_OPTIONAL_PARAMETER,
        `optional parameter type ${type} is not supported`,
      );
    }
    const decoded = decodeCapabilities(body.subarray(valueStart, valueStart + length));
    if (!decoded) throw openError(OPEN_ERROR_SUBCODE.UNSPECIFIC, 'a capability length overruns its optional parameter');
    capabilities.push(...decoded);
    offset = valueStart + length;
  }
  // RFC 6793 §4.1: the real ASN is in the 4-octet AS capability when present.
  const fourOctet = capabilities.find(
    (c): c is { code: 65; asn: number } => c.code === CAPABILITY.FOUR_OCTET_AS && !('raw' in c),
  );
  return {
    type: 1,
    version,
    asn: fourOctet ? fourOctet.asn : asn2,
    holdTime,
    routerId: formatAddress(body, 5, 4),
    capabilities,
  };
}

/**
 * Encodes the body of an OPEN. ASNs above 65535 go out as AS_TRANS (the caller lists the 4-octet AS
 * capability). Capabilities go in one Capabilities parameter; when it exceeds 255 bytes the RFC 9072
 * extended format is used.
 */
export function encodeOpen(message: OpenMessage): Uint8Array {
  if (!Number.isInteger(message.asn) || message.asn < 0 || message.asn > 0xffffffff) {
    throw new BgpEncodeError(`ASN ${message.asn} is not a 32-bit unsigned integer`);
  }
  if (
    !Number.isInteger(message.holdTime) ||
    message.holdTime < 0 ||
    message.holdTime > 0xffff ||
    message.holdTime === 1 ||
    message.holdTime === 2
  ) {
    throw new BgpEncodeError(`hold time ${message.holdTime} must be 0 or 3..65535 s`);
  }
  // RFC 6793 §3/§4.1: a 4-octet ASN travels in the 4-octet AS capability, which must agree with it.
  const fourOctet = message.capabilities.find((c) => c.code === CAPABILITY.FOUR_OCTET_AS && !('raw' in c)) as
    { asn: number } | undefined;
  if (message.asn > 0xffff && !fourOctet)
    throw new BgpEncodeError(`ASN ${message.asn} needs the 4-octet AS capability (65) in the OPEN`);
  if (fourOctet && fourOctet.asn !== message.asn)
    throw new BgpEncodeError(`the 4-octet AS capability says ${fourOctet.asn} but the OPEN's ASN is ${message.asn}`);
  const routerId = parseAddress(message.routerId);
  if (routerId.length !== 4)
    throw new BgpEncodeError(`router id ${message.routerId} must be an IPv4-formatted identifier`);
  const capabilities = encodeCapabilities(message.capabilities);
  const w = new ByteWriter(32 + capabilities.length);
  w.u8(message.version)
    .u16(message.asn > 0xffff ? AS_TRANS : message.asn)
    .u16(message.holdTime)
    .bytes(routerId);
  if (capabilities.length === 0) {
    w.u8(0);
  } else if (capabilities.length + 2 <= 255) {
    w.u8(capabilities.length + 2)
      .u8(PARAMETER_CAPABILITIES)
      .u8(capabilities.length)
      .bytes(capabilities);
  } else {
    // RFC 9072 §2
    w.u8(255)
      .u8(PARAMETER_EXTENDED)
      .u16(capabilities.length + 3)
      .u8(PARAMETER_CAPABILITIES)
      .u16(capabilities.length)
      .bytes(capabilities);
  }
  return w.finish();
}
