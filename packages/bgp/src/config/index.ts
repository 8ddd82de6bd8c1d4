// The schemas of everything cairn-bgp and the BgpSpeaker can be configured with (zod): the one source of the
// types, the validation, the reference (docs/config/cairn-bgp.md) and the change impact of each setting.
export { CHANGE_IMPACTS, type ChangeImpact, type SettingMeta } from './impact.js';
export { community, largeCommunity } from './community.js';
export {
  policySchema,
  policyReference,
  policyTermSchema,
  policyMatchSchema,
  policyActionsSchema,
  prefixListSchema,
  prefixListEntrySchema,
} from './policy.js';
export {
  peerSchema,
  daemonPeerSchema,
  pathAttributesSchema,
  PEER_SETTING_IMPACT,
  TCP_MD5_MAX_KEY_BYTES,
  type PeerSettingKey,
} from './peer.js';
export { announcementSchema, announceRequestSchema, type Announcement } from './announcement.js';
export { bfdProfileSchema, type BfdProfile } from './bfd.js';
export { routerSchema, LOG_LEVELS } from './router.js';
export { cairnBgpConfigSchema, prefixKey, type CairnBgpConfig } from './cairn-bgp.js';
