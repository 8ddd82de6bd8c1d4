// The fixed BGP message header (RFC 4271 §4.1): 16-byte all-ones marker, 2-byte length, 1-byte type.
import { BgpDecodeError, NOTIFICATION_CODE, HEADER_ERROR_SUBCODE } from './errors.js';
import { MESSAGE_TYPE } from './types.js';
import type { CodecContext } from './types.js';

export const HEADER_LENGTH = 19;
export const MARKER_LENGTH = 16;
/** RFC 4271 §4: maximum message size without RFC 8654. */
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654 §4: maximum size once Extended Message is negotiated. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

/** Minimum total length per message type (RFC 4271 §4.2–4.5, RFC 2918 §3). */
const MIN_LENGTH: Record<number, number> = {
  [MESSAGE_TYPE.OPEN]: 29,
  [MESSAGE_TYPE.UPDATE]: 23,
  [MESSAGE_TYPE.NOTIFICATION]: 21,
  [MESSAGE_TYPE.KEEPALIVE]: 19,
  [MESSAGE_TYPE.ROUTE_REFRESH]: 23,
};

/**
 * The largest message of `type` a session may carry. RFC 8654 §4: Extended Message never applies to
 * OPEN and KEEPALIVE.
 */
export function maxMessageLength(type: number, ctx: CodecContext): number {
  if (!ctx.extendedMessage || type === MESSAGE_TYPE.OPEN || type === MESSAGE_TYPE.KEEPALIVE) return MAX_MESSAGE_LENGTH;
  return MAX_EXTENDED_MESSAGE_LENGTH;
}

function badLength(length: number): BgpDecodeError {
  // RFC 4271 §6.1: Bad Message Length carries the erroneous Length field.
  return new BgpDecodeError(
    NOTIFICATION_CODE.MESSAGE_HEADER,
    HEADER_ERROR_SUBCODE.BAD_MESSAGE_LENGTH,
    `message length ${length} is out of bounds for its type`,
    Uint8Array.of(length >> 8, length & 0xff),
  );
}

/**
 * Validates the header at `offset` (at least 19 bytes available) and returns the message length and type.
 * Throws BgpDecodeError (Message Header Error, session reset) per RFC 4271 §6.1.
 */
export function checkHeader(bytes: Uint8Array, offset: number, ctx: CodecContext): { length: number; type: number } {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (bytes[offset + i] !== 0xff) {
      throw new BgpDecodeError(
        NOTIFICATION_CODE.MESSAGE_HEADER,
        HEADER_ERROR_SUBCODE.CONNECTION_NOT_SYNCHRONIZED,
        'the header marker is not all ones: the byte stream is out of sync; reset the session',
      );
    }
  }
  const length = (bytes[offset + 16]! << 8) | bytes[offset + 17]!;
  const type = bytes[offset + 18]!;
  const min = MIN_LENGTH[type];
  if (length < HEADER_LENGTH || length > MAX_EXTENDED_MESSAGE_LENGTH) throw badLength(length);
  if (min === undefined) {
    throw new BgpDecodeError(
      NOTIFICATION_CODE.MESSAGE_HEADER,
      HEADER_ERROR_SUBCODE.BAD_MESSAGE_TYPE,
      `unknown message type ${type}`,
      Uint8Array.of(type),
    );
  }
  if (length < min || length > maxMessageLength(type, ctx)) throw badLength(length);
  if (type === MESSAGE_TYPE.KEEPALIVE && length !== HEADER_LENGTH) throw badLength(length);
  return { length, type };
}

/** Writes the marker, length and type into the first 19 bytes of `out`. */
export function writeHeader(out: Uint8Array, length: number, type: number): void {
  out.fill(0xff, 0, MARKER_LENGTH);
  out[16] = length >> 8;
  out[17] = length & 0xff;
  out[18] = type;
}
