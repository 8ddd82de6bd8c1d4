export * from './wire/index.js';
export {
  resolveInterfaceConfig,
  resolveConfig,
  RaConfigError,
  INFINITE_LIFETIME,
  type InterfaceConfig,
  type ResolvedInterfaceConfig,
  type PrefixConfig,
  type RouteConfig,
  type RdnssConfig,
  type DnsslConfig,
  type Pref64Config,
} from './advertiser/config.js';
export {
  step,
  initialState,
  nextWakeAt,
  currentAdvertisement,
  ALL_NODES,
  type InterfaceState,
  type InterfaceEvent,
  type InterfaceAction,
  type SendReason,
  type Random,
  type StepResult,
} from './advertiser/machine.js';
export { buildAdvertisement } from './advertiser/advertisement.js';
