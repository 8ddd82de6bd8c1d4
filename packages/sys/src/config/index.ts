export {
  ConfigError,
  type ConfigProblem,
  type SourceMap,
  formatPath,
  formatProblem,
  loadConfigFile,
  parseConfig,
  parseConfigText,
  validateConfig,
} from './load.js';
export {
  asNumber,
  ipAddress,
  ipv4Address,
  ipv4Prefix,
  ipv6Address,
  ipv6Prefix,
  port,
  prefix,
  prefixProblem,
  routerId,
} from './fields.js';
export {
  type ConfigFieldMeta,
  type ReferenceRow,
  type ReferenceSection,
  configReference,
  referenceSections,
} from './reference.js';
