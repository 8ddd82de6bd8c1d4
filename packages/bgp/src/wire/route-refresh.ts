// ROUTE-REFRESH message body (RFC 2918 §3) with the RFC 7313 §3.2 subtypes.
import { BgpDecodeError, NOTIFICATION_CODE, ROUTE_REFRESH_ERROR_SUBCODE } from './errors.js';
import type { Afi, RouteRefreshMessage } from './types.js';

/** RFC 7313 §3.2 message subtypes. */
export const ROUTE_REFRESH_SUBTYPE = { NORMAL: 0, BEGIN: 1, END: 2 } as const;

/** `message` is the whole message including the header: RFC 7313 §5 returns it as NOTIFICATION data. */
export function decodeRouteRefresh(body: Uint8Array, message: Uint8Array = body): RouteRefreshMessage {
  if (body.length !== 4) {
    throw new BgpDecodeError(
      NOTIFICATION_CODE.ROUTE_REFRESH_MESSAGE,
      ROUTE_REFRESH_ERROR_SUBCODE.INVALID_MESSAGE_LENGTH,
      `ROUTE-REFRESH body must be 4 bytes, not ${body.length}`,
      message.slice(),
    );
  }
  return { type: 5, afi: ((body[0]! << 8) | body[1]!) as Afi, subtype: body[2]!, safi: body[3]! };
}

export function encodeRouteRefresh(m: RouteRefreshMessage): Uint8Array {
  return Uint8Array.of(m.afi >> 8, m.afi & 0xff, m.subtype, m.safi);
}
