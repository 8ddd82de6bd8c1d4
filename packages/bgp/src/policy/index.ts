// Routing policy: prefix lists, community matching and actions, compiled for the RIB's hot path.
export type {
  Policy,
  PolicyTerm,
  PolicyMatch,
  PolicyActions,
  PrefixList,
  PrefixListEntry,
  CommunityActions,
  CommunityText,
  LargeCommunityText,
} from './types.js';
export { ACCEPT_ALL, REJECT_ALL } from './types.js';
export { PolicyConfigError, parseCommunity, parseLargeCommunity } from './community.js';
export { PrefixListMatcher } from './prefix-list.js';
export { CompiledPolicy, type TermIndex } from './compile.js';
export { applyActions, prependAs } from './actions.js';
