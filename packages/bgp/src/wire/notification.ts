// NOTIFICATION message body (RFC 4271 §4.5) with the RFC 9003 shutdown communication.
import { BgpEncodeError, CEASE_SUBCODE, NOTIFICATION_CODE } from './errors.js';
import type { NotificationMessage } from './types.js';

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** RFC 9003 §2: Administrative Shutdown and Administrative Reset carry a length-prefixed UTF-8 message. */
function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return (
    code === NOTIFICATION_CODE.CEASE &&
    (subcode === CEASE_SUBCODE.ADMINISTRATIVE_SHUTDOWN || subcode === CEASE_SUBCODE.ADMINISTRATIVE_RESET)
  );
}

export function decodeNotification(body: Uint8Array): NotificationMessage {
  const code = body[0]!;
  const subcode = body[1]!;
  const data = body.slice(2);
  const message: NotificationMessage = { type: 3, code, subcode, data };
  let inner = { code, subcode, data };
  // RFC 8538 §3: a Hard Reset carries the original code and subcode, then its data.
  if (code === NOTIFICATION_CODE.CEASE && subcode === CEASE_SUBCODE.HARD_RESET && data.length >= 2) {
    inner = { code: data[0]!, subcode: data[1]!, data: data.subarray(2) };
  }
  if (carriesShutdownCommunication(inner.code, inner.subcode) && inner.data.length >= 1) {
    const length = inner.data[0]!;
    // RFC 9003 §3: a length that overruns the data means there is no usable message.
    if (length > 0 && 1 + length <= inner.data.length)
      message.message = utf8.decode(inner.data.subarray(1, 1 + length));
  }
  return message;
}

/** Encodes the body. When `message` is set and `data` empty, the RFC 9003 data is built from it. */
export function encodeNotification(n: NotificationMessage): Uint8Array {
  let data = n.data;
  if (n.message !== undefined && data.length === 0) {
    if (!carriesShutdownCommunication(n.code, n.subcode)) {
      throw new BgpEncodeError(
        'a shutdown communication only goes with Cease/Administrative Shutdown or Reset (RFC 9003)',
      );
    }
    const text = utf8Encoder.encode(n.message);
    if (text.length > 255)
      throw new BgpEncodeError(`shutdown communication is ${text.length} bytes; at most 255 (RFC 9003 §2)`);
    data = new Uint8Array(1 + text.length);
    data[0] = text.length;
    data.set(text, 1);
  }
  const out = new Uint8Array(2 + data.length);
  out[0] = n.code;
  out[1] = n.subcode;
  out.set(data, 2);
  return out;
}
