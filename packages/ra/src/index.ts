export * from './wire/index.js';
export {
  resolveInterfaceConfig,
  resolveConfig,
  interfaceConfigSchema,
  interfacesSchema,
  prefixConfigSchema,
  routeConfigSchema,
  rdnssConfigSchema,
  dnsslConfigSchema,
  pref64ConfigSchema,
  ConfigError,
  INFINITE_LIFETIME,
  type InterfaceConfig,
  type ResolvedInterfaceConfig,
  type PrefixConfig,
  type RouteConfig,
  type RdnssConfig,
  type DnsslConfig,
  type Pref64Config,
} from './advertiser/config.js';
export { configWarnings, type ConfigWarning } from './advertiser/config-warnings.js';
export { daemonConfigSchema, readDaemonConfig, type DaemonConfig } from './daemon-config.js';
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
export { RaAdvertiser, type RaAdvertiserOptions, type InterfaceCounters, type AdvertiserEvents } from './advertiser.js';
export { type Clock, systemClock } from './clock.js';
export { Icmpv6Socket, type ReceivedPacket, type Icmpv6SocketOptions } from './transport/icmpv6-socket.js';
export { LinkWatcher, type LinkState } from './transport/links.js';
export { RaSocketError } from './transport/libc.js';
export { RaMonitor, type MonitorEvents } from './monitor/monitor.js';
export { formatAdvertisement, advertisementJson, type ObservedAdvertisement } from './monitor/format.js';
