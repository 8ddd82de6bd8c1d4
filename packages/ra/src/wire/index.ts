export { NdDecodeError, NdEncodeError, type NdDecodeReason } from './errors.js';
export {
  OptionType,
  decodeOptions,
  encodeOption,
  type NdOption,
  type RoutePreference,
  type SourceLinkLayerAddressOption,
  type MtuOption,
  type PrefixInformationOption,
  type RouteInformationOption,
  type RecursiveDnsServerOption,
  type DnsSearchListOption,
  type Pref64Option,
  type CaptivePortalOption,
  type UnknownOption,
} from './options.js';
export {
  IcmpType,
  decodeMessage,
  encodeMessage,
  type RouterAdvertisement,
  type RouterSolicitation,
  type RouterDiscoveryMessage,
} from './messages.js';
export { icmpv6Checksum } from './checksum.js';
export { ipv6FromBytes, ipv6ToBytes, canonicalIpv6, isIpv6, linkLayerFromBytes, linkLayerToBytes } from './address.js';
