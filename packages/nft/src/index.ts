export * from './model.js';
export * from './errors.js';
export {
  compilePolicy,
  compileTable,
  replacementBatch,
  FINGERPRINT_CHAIN,
  type CompiledPolicy,
  type CompiledTable,
  type ExpectedTable,
} from './compile.js';
export type { JsonValue, JsonObject } from './expressions.js';
export { parsePrefix, formatPrefix, collapsePrefixes, type Prefix } from './prefix.js';
export { Firewall, cleanNftError, type FirewallOptions, type ApplyResult, type TableRef } from './firewall.js';
export {
  nftBinary,
  CURRENT_NAMESPACE,
  type NftRunner,
  type NftRunOptions,
  type NftResult,
  type NftBinaryOptions,
} from './runner.js';
export { DEFAULT_LOCK_DIRECTORY, lockFileFor } from './netns-lock.js';
export { parseRuleset, compareTable, type ObservedTable } from './readback.js';
export {
  oobSiteRouterPolicy,
  REFERENCE_OOB_INPUT,
  type OobSiteRouterInput,
  type OobAddressLists,
} from './presets/oob-site-router.js';
export {
  cloudStackRoutedPolicy,
  REFERENCE_CLOUDSTACK_INPUT,
  type CloudStackRoutedInput,
  type CloudStackFirewallRule,
  type CloudStackAclRule,
  type CloudStackVpcTier,
  type CloudStackProtocol,
} from './presets/cloudstack-routed.js';
export type { Blocked } from './presets/statements.js';
