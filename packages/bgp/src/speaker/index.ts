export {
  BgpSpeaker,
  PeerExistsError,
  NoSuchPeerError,
  type BgpSpeakerOptions,
  type RouteView,
  type SpeakerEvent,
} from './speaker.js';
export { formatUptime, type Summary, type SummaryFamily, type SummaryPeer } from './summary.js';
export { type PeerConfig, type FamilyName } from '../session/config.js';
export { systemClock, type Clock } from '../session/clock.js';
export { ROUTE_CARRYING_ATTRIBUTES, type PathAttributeRules } from '../session/path-attributes.js';
