export { ConfigError, type ConfigProblem, type SourceMap, formatPath, loadConfigFile, parseConfig, parseConfigText, validateConfig } from './load.js';
export { asNumber, ipAddress, ipv4Address, ipv4Prefix, ipv6Address, ipv6Prefix, port, prefix, prefixProblem, routerId } from './fields.js';
