// Whole-message decode/encode: the header (RFC 4271 §4.1) plus the body codec of each type.
import { BgpDecodeError, BgpEncodeError, NOTIFICATION_CODE, HEADER_ERROR_SUBCODE } from './errors.js';
import { checkHeader, HEADER_LENGTH, maxMessageLength, writeHeader } from './header.js';
import { decodeNotification, encodeNotification } from './notification.js';
import { decodeOpen, encodeOpen } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh } from './route-refresh.js';
import { MESSAGE_TYPE } from './types.js';
import type { BgpMessage, CodecContext } from './types.js';
import { decodeUpdate, encodeUpdate } from './update.js';

/**
 * Decodes one whole message (as MessageFramer yields it). Throws BgpDecodeError only when the
 * session must be reset; RFC 7606 treat-as-withdraw and attribute-discard outcomes come back on the
 * UpdateMessage (`treatAsWithdraw`, `discarded`).
 */
export function decodeMessage(bytes: Uint8Array, ctx: CodecContext): BgpMessage {
  if (bytes.length < HEADER_LENGTH) {
    throw new BgpDecodeError(
      NOTIFICATION_CODE.MESSAGE_HEADER,
      HEADER_ERROR_SUBCODE.BAD_MESSAGE_LENGTH,
      `a message has at least ${HEADER_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  const { length, type } = checkHeader(bytes, 0, ctx);
  if (length !== bytes.length) {
    throw new BgpDecodeError(
      NOTIFICATION_CODE.MESSAGE_HEADER,
      HEADER_ERROR_SUBCODE.BAD_MESSAGE_LENGTH,
      `the header says ${length} bytes but ${bytes.length} were given`,
      Uint8Array.of(length >> 8, length & 0xff),
    );
  }
  const body = bytes.subarray(HEADER_LENGTH);
  switch (type) {
    case MESSAGE_TYPE.OPEN:
      return decodeOpen(body);
    case MESSAGE_TYPE.UPDATE:
      return decodeUpdate(bytes, ctx);
    case MESSAGE_TYPE.NOTIFICATION:
      return decodeNotification(body);
    case MESSAGE_TYPE.KEEPALIVE:
      return { type: 4 };
    default:
      return decodeRouteRefresh(body, bytes);
  }
}

function frame(type: number, body: Uint8Array, ctx: CodecContext): Uint8Array {
  const length = HEADER_LENGTH + body.length;
  const max = maxMessageLength(type, ctx);
  if (length > max)
    throw new BgpEncodeError(`message type ${type} would be ${length} bytes; the session allows ${max}`);
  const out = new Uint8Array(length);
  writeHeader(out, length, type);
  out.set(body, HEADER_LENGTH);
  return out;
}

/** Encodes one message exactly as given (UPDATEs that may be too large: use buildUpdates). */
export function encodeMessage(message: BgpMessage, ctx: CodecContext): Uint8Array {
  switch (message.type) {
    case 1:
      return frame(1, encodeOpen(message), ctx);
    case 2:
      return encodeUpdate(message, ctx);
    case 3:
      return frame(3, encodeNotification(message), ctx);
    case 4:
      return frame(4, new Uint8Array(0), ctx);
    case 5:
      return frame(5, encodeRouteRefresh(message), ctx);
  }
}
