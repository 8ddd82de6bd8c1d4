// The cairn-bgp configuration file (YAML or JSON), validated with a JSON schema (ajv).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ACCEPT_ALL, REJECT_ALL, type Policy } from '../policy/types.js';
import type { PeerConfig } from '../session/config.js';

export interface DaemonPeer {
  address: string;
  remoteAs: number;
  description?: string;
  localAddress?: string;
  port?: number;
  password?: string;
  ttlSecurityHops?: number;
  passive?: boolean;
  holdTime?: number;
  keepaliveTime?: number;
  connectRetryTime?: number;
  idleHoldTime?: number;
  maxIdleHoldTime?: number;
  delayOpenTime?: number;
  families?: ('ipv4' | 'ipv6')[];
  nextHopIpv4?: string;
  nextHopIpv6?: string;
  /** "accept-all", "reject-all" or a policy object (see @cairn/bgp Policy). Absent on eBGP: RFC 8212, nothing exchanged. */
  import?: 'accept-all' | 'reject-all' | Policy;
  export?: 'accept-all' | 'reject-all' | Policy;
  maxPrefixes?: number;
  gracefulRestart?: boolean;
  shutdown?: boolean | string;
  /** Bind the session to a BFD session to the peer (RFC 5882; timers from the top-level `bfd`). */
  bfd?: boolean;
}

export interface DaemonAnnouncement {
  prefix: string;
  origin?: 'igp' | 'egp' | 'incomplete';
  med?: number;
  localPref?: number;
  communities?: (string | number)[];
  largeCommunities?: string[];
  aggregate?: boolean;
  onlyWithContributors?: boolean;
}

export interface DaemonConfig {
  localAs: number;
  routerId: string;
  /** Addresses to listen on (default 0.0.0.0 and ::); [] for none. */
  listen?: string[];
  port?: number;
  /** Unix control socket (default /run/cairn-bgp.sock). */
  control?: string;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** BFD timers for peers with `bfd: true` (defaults 300 ms / 300 ms / 3, like FRR). */
  bfd?: { transmitIntervalMs?: number; receiveIntervalMs?: number; detectMultiplier?: number };
  peers: DaemonPeer[];
  announce?: DaemonAnnouncement[];
}

const policySchema = {
  anyOf: [{ enum: ['accept-all', 'reject-all'] }, { type: 'object', required: ['terms'], properties: { terms: { type: 'array' } } }],
};
const ip = { type: 'string', minLength: 2 };
const seconds = { type: 'integer', minimum: 0, maximum: 65535 };

export const DAEMON_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['localAs', 'routerId', 'peers'],
  properties: {
    localAs: { type: 'integer', minimum: 1, maximum: 4294967295 },
    routerId: { type: 'string', pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$' },
    listen: { type: 'array', items: ip },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    control: { type: 'string' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    bfd: {
      type: 'object',
      additionalProperties: false,
      properties: {
        transmitIntervalMs: { type: 'integer', minimum: 10, maximum: 60000 },
        receiveIntervalMs: { type: 'integer', minimum: 10, maximum: 60000 },
        detectMultiplier: { type: 'integer', minimum: 2, maximum: 255 },
      },
    },
    peers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'remoteAs'],
        properties: {
          address: ip,
          remoteAs: { type: 'integer', minimum: 1, maximum: 4294967295 },
          description: { type: 'string' },
          localAddress: ip,
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          password: { type: 'string', minLength: 1, maxLength: 80 },
          ttlSecurityHops: { type: 'integer', minimum: 1, maximum: 254 },
          passive: { type: 'boolean' },
          holdTime: seconds,
          keepaliveTime: seconds,
          connectRetryTime: seconds,
          idleHoldTime: seconds,
          maxIdleHoldTime: seconds,
          delayOpenTime: { type: 'integer', minimum: 0, maximum: 240 },
          families: { type: 'array', items: { enum: ['ipv4', 'ipv6'] }, minItems: 1, uniqueItems: true },
          nextHopIpv4: ip,
          nextHopIpv6: ip,
          import: policySchema,
          export: policySchema,
          maxPrefixes: { type: 'integer', minimum: 1 },
          gracefulRestart: { type: 'boolean' },
          shutdown: { type: ['boolean', 'string'] },
          bfd: { type: 'boolean' },
        },
      },
    },
    announce: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prefix'],
        properties: {
          prefix: { type: 'string' },
          origin: { enum: ['igp', 'egp', 'incomplete'] },
          med: { type: 'integer', minimum: 0, maximum: 4294967295 },
          localPref: { type: 'integer', minimum: 0, maximum: 4294967295 },
          communities: { type: 'array', items: { type: ['string', 'integer'] } },
          largeCommunities: { type: 'array', items: { type: 'string' } },
          aggregate: { type: 'boolean' },
          onlyWithContributors: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/** The configuration is not valid; the message lists every problem with its path. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(DAEMON_CONFIG_SCHEMA);

/** Validates a parsed configuration; throws ConfigError naming each problem. */
export function validateConfig(value: unknown, source = 'configuration'): DaemonConfig {
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new ConfigError(`${source} is not valid:\n  ${problems.join('\n  ')}`);
  }
  return value as unknown as DaemonConfig;
}

/** Reads a YAML or JSON file (JSON is YAML) and validates it. */
export function loadConfig(path: string): DaemonConfig {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return validateConfig(parsed, path);
}

function policyOf(value: DaemonPeer['import']): Policy | undefined {
  if (value === undefined) return undefined;
  if (value === 'accept-all') return ACCEPT_ALL;
  if (value === 'reject-all') return REJECT_ALL;
  return value;
}

/** The speaker's PeerConfig for a configured peer. */
export function peerConfigOf(peer: DaemonPeer): PeerConfig {
  const { import: importPolicy, export: exportPolicy, bfd: _bfd, ...rest } = peer;
  const config: PeerConfig = { ...rest };
  const imported = policyOf(importPolicy);
  const exported = policyOf(exportPolicy);
  if (imported) config.importPolicy = imported;
  if (exported) config.exportPolicy = exported;
  return config;
}
