// @cairn/bgp wire codec: pure encode/decode of BGP-4 messages. See packages/bgp/README.md.
export * from './types.js';
export {
  ACTION_SEVERITY,
  AddressFormatError,
  BgpDecodeError,
  BgpEncodeError,
  CEASE_SUBCODE,
  NOTIFICATION_CODE,
  HEADER_ERROR_SUBCODE,
  OPEN_ERROR_SUBCODE,
  ROUTE_REFRESH_ERROR_SUBCODE,
  UPDATE_ERROR_SUBCODE,
} from './errors.js';
export type { ErrorAction } from './errors.js';
export {
  addressAfi,
  formatAddress,
  formatPrefix,
  hostBitsZero,
  makePrefix,
  parseAddress,
  parsePrefix,
} from './address.js';
export { decodeCapabilities, decodeCapability, encodeCapabilities, encodeCapabilityValue } from './capabilities.js';
export { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, maxMessageLength } from './header.js';
export { MessageFramer } from './framer.js';
export { ROUTE_REFRESH_SUBTYPE } from './route-refresh.js';
export { AS_TRANS, asPathLength, mergeAs4Path } from './as-path.js';
export { decodeMessage, encodeMessage } from './message.js';
export { buildUpdates, endOfRib, isEndOfRib } from './build.js';
export type { UpdateInput } from './build.js';
export { negotiatedContext } from './context.js';
export { CARRIED_ATTRIBUTE, CARRIED_ATTRIBUTE_RULES, type CarriedAttributeRule } from './carried-attributes.js';
