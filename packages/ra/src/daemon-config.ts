import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type InterfaceConfig, RaConfigError, resolveConfig } from './advertiser/config.js';

/** The `cairn-ra run` configuration file (YAML or JSON). */
export interface DaemonConfig {
  interfaces: InterfaceConfig[];
  /** See RaAdvertiserOptions.groupsPerSocket. */
  groupsPerSocket?: number;
}

/** Reads and checks a configuration file; throws RaConfigError or an Error naming the file. */
export function readDaemonConfig(path: string): DaemonConfig {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  const config = document as Partial<DaemonConfig> | null;
  if (!config || typeof config !== 'object' || !Array.isArray(config.interfaces)) {
    throw new Error(`${path}: expected a mapping with an "interfaces" list`);
  }
  resolveConfig(config.interfaces);
  if (config.groupsPerSocket !== undefined && (!Number.isInteger(config.groupsPerSocket) || config.groupsPerSocket < 1)) {
    throw new RaConfigError('*', 'groupsPerSocket', `${JSON.stringify(config.groupsPerSocket)} is not a positive integer`);
  }
  return config as DaemonConfig;
}
