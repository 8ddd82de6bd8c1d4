import { IPv6CidrRange, Validator } from 'ip-num';
import { canonicalIpv6, isIpv6 } from '../wire/address.js';
import type { RoutePreference } from '../wire/options.js';

/** 0xffffffff: an infinite lifetime (RFC 4861 §4.6.2). */
export const INFINITE_LIFETIME = 0xffffffff;

export interface PrefixConfig {
  /** "2a00:f10:114:1000::/64". */
  prefix: string;
  /** L flag (default true). */
  onLink?: boolean;
  /** A flag (default true): hosts form SLAAC addresses (RFC 4862). */
  autonomous?: boolean;
  /** Seconds (default 2592000 = 30 days, RFC 4861 §6.2.1 AdvValidLifetime). */
  validLifetime?: number;
  /** Seconds (default 604800 = 7 days, RFC 4861 §6.2.1 AdvPreferredLifetime). */
  preferredLifetime?: number;
}

export interface RouteConfig {
  prefix: string;
  /** RFC 4191 §2.3 Route Preference (default medium). */
  preference?: 'high' | 'medium' | 'low';
  /** Seconds (default 3 × maxInterval, like radvd). */
  lifetime?: number;
}

export interface RdnssConfig {
  servers: string[];
  /** Seconds (default 3 × maxInterval, RFC 8106 §5.1). */
  lifetime?: number;
}

export interface DnsslConfig {
  domains: string[];
  /** Seconds (default 3 × maxInterval, RFC 8106 §5.2). */
  lifetime?: number;
}

export interface Pref64Config {
  /** "64:ff9b::/96"; lengths 32, 40, 48, 56, 64, 96 (RFC 8781 §4). */
  prefix: string;
  /** Seconds (default 3 × maxInterval capped at 65528, RFC 8781 §4.1). */
  lifetime?: number;
}

/** How one interface advertises; field names follow radvd / VyOS `router-advert`. */
export interface InterfaceConfig {
  /** Interface name ("eth0", "eth5.300", "vxlan1000"). */
  name: string;
  /** Seconds, 4..1800 (default 600, RFC 4861 §6.2.1 MaxRtrAdvInterval). */
  maxInterval?: number;
  /** Seconds, 3..0.75 × maxInterval (default maxInterval/3 when maxInterval ≥ 9, else maxInterval). */
  minInterval?: number;
  managed?: boolean;
  otherConfig?: boolean;
  /** Octets; 0 = no MTU option (default 0). At least 1280 otherwise (RFC 8200 §5). */
  linkMtu?: number;
  /** Milliseconds, 0..3600000 (default 0 = unspecified). */
  reachableTime?: number;
  /** Milliseconds (default 0 = unspecified). */
  retransTimer?: number;
  /** 0..255 (default 64, the IANA default hop limit). */
  curHopLimit?: number;
  /** Seconds: 0 (not a default router) or maxInterval..9000 (default 3 × maxInterval, RFC 4861 §6.2.1). */
  defaultLifetime?: number;
  /** RFC 4191 §2.2 (default medium). */
  defaultPreference?: 'high' | 'medium' | 'low';
  /** Answer solicitations by unicast to the soliciting host instead of multicast (default false). */
  unicastSolicitedReplies?: boolean;
  /** Include the Source Link-Layer Address option (default true). */
  sourceLinkLayerAddress?: boolean;
  /**
   * Milliseconds, 0..500: the upper bound of the random delay before answering a solicitation
   * (default 500, RFC 4861 §10 MAX_RA_DELAY_TIME). 0 is for latency measurements only.
   */
  maxReplyDelay?: number;
  prefixes?: PrefixConfig[];
  routes?: RouteConfig[];
  rdnss?: RdnssConfig[];
  dnssl?: DnsslConfig[];
  pref64?: Pref64Config;
  /** RFC 8910 captive-portal API URI. */
  captivePortal?: string;
}

/** An `InterfaceConfig` with every default filled in and every address in canonical form. */
export interface ResolvedInterfaceConfig {
  name: string;
  maxInterval: number;
  minInterval: number;
  managed: boolean;
  otherConfig: boolean;
  linkMtu: number;
  reachableTime: number;
  retransTimer: number;
  curHopLimit: number;
  defaultLifetime: number;
  defaultPreference: RoutePreference;
  unicastSolicitedReplies: boolean;
  sourceLinkLayerAddress: boolean;
  maxReplyDelay: number;
  prefixes: Required<PrefixConfig>[];
  routes: Required<RouteConfig>[];
  rdnss: Required<RdnssConfig>[];
  dnssl: Required<DnsslConfig>[];
  pref64: Required<Pref64Config> | undefined;
  captivePortal: string | undefined;
}

/** A configuration value that cannot be advertised. `interface` and `field` say exactly where. */
export class RaConfigError extends Error {
  override readonly name = 'RaConfigError';
  constructor(
    readonly interfaceName: string,
    readonly field: string,
    problem: string,
  ) {
    super(`interface ${interfaceName}: ${field}: ${problem}`);
  }
}

/**
 * Checks one interface's configuration and fills in the defaults of RFC 4861 §6.2.1, RFC 8106 §5 and
 * RFC 8781 §4.1. Throws `RaConfigError` naming the interface and the field.
 */
export function resolveInterfaceConfig(config: InterfaceConfig): ResolvedInterfaceConfig {
  const name = typeof config.name === 'string' ? config.name : '';
  if (!/^[^\s/]{1,15}$/.test(name)) throw new RaConfigError(String(config.name), 'name', 'must be a Linux interface name (1..15 characters, no spaces or "/")');
  const fail = (field: string, problem: string): never => {
    throw new RaConfigError(name, field, problem);
  };
  const integer = (field: string, value: unknown, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `${JSON.stringify(value)} is not an integer in ${min}..${max}`);
    return value as number;
  };
  const flag = (field: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') fail(field, `${JSON.stringify(value)} is not true or false`);
    return value as boolean;
  };
  const preference = (field: string, value: unknown): RoutePreference => {
    if (value === undefined) return 'medium';
    if (value !== 'high' && value !== 'medium' && value !== 'low') fail(field, `${JSON.stringify(value)} is not high, medium or low`);
    return value as RoutePreference;
  };
  const list = <T>(field: string, value: T[] | undefined): T[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) fail(field, 'must be a list');
    return value;
  };
  const cidr = (field: string, value: unknown, lengths?: readonly number[]): { prefix: string; length: number } => {
    if (typeof value !== 'string' || !Validator.isValidIPv6CidrNotation(value)[0]) fail(field, `${JSON.stringify(value)} is not an IPv6 prefix like 2001:db8:1::/64`);
    const [address, length] = (value as string).split('/') as [string, string];
    const prefixLength = Number(length);
    if (lengths && !lengths.includes(prefixLength)) fail(field, `prefix length /${prefixLength} is not one of ${lengths.join(', ')}`);
    const network = IPv6CidrRange.fromCidr(value as string).getFirst().toString();
    if (canonicalIpv6(network) !== canonicalIpv6(address)) fail(field, `${value as string} has host bits set; did you mean ${canonicalIpv6(network)}/${prefixLength}?`);
    return { prefix: `${canonicalIpv6(network)}/${prefixLength}`, length: prefixLength };
  };

  // RFC 4861 §6.2.1: MaxRtrAdvInterval 4..1800 s, MinRtrAdvInterval 3..0.75 × Max.
  const maxInterval = integer('maxInterval', config.maxInterval, 600, 4, 1800);
  const minDefault = maxInterval >= 9 ? Math.floor(maxInterval / 3) : maxInterval;
  let minInterval: number;
  if (config.minInterval === undefined) minInterval = minDefault;
  else {
    if (typeof config.minInterval !== 'number' || config.minInterval < 3 || config.minInterval > 0.75 * maxInterval) {
      fail('minInterval', `${JSON.stringify(config.minInterval)} must be between 3 and 0.75 × maxInterval (${0.75 * maxInterval})`);
    }
    minInterval = config.minInterval;
  }
  // RFC 4861 §6.2.1: AdvDefaultLifetime 0 or MaxRtrAdvInterval..9000.
  const defaultLifetime = integer('defaultLifetime', config.defaultLifetime, Math.min(3 * maxInterval, 9000), 0, 9000);
  if (defaultLifetime !== 0 && defaultLifetime < maxInterval) fail('defaultLifetime', `${defaultLifetime} must be 0 or at least maxInterval (${maxInterval})`);
  const linkMtu = integer('linkMtu', config.linkMtu, 0, 0, 0xffffffff);
  if (linkMtu !== 0 && linkMtu < 1280) fail('linkMtu', `${linkMtu} is below the IPv6 minimum 1280 (RFC 8200 §5); use 0 to leave it out`);
  const lifetimeDefault = 3 * maxInterval;

  const prefixes = list('prefixes', config.prefixes).map((p, i) => {
    const field = `prefixes[${i}]`;
    const { prefix } = cidr(`${field}.prefix`, p?.prefix);
    const validLifetime = integer(`${field}.validLifetime`, p.validLifetime, 2592000, 0, INFINITE_LIFETIME);
    const preferredLifetime = integer(`${field}.preferredLifetime`, p.preferredLifetime, Math.min(604800, validLifetime), 0, INFINITE_LIFETIME);
    // RFC 4861 §6.2.1 / RFC 4862 §5.5.3 c): a preferred lifetime longer than the valid one is ignored by hosts.
    if (preferredLifetime > validLifetime) fail(`${field}.preferredLifetime`, `${preferredLifetime} exceeds validLifetime ${validLifetime}`);
    return {
      prefix,
      onLink: flag(`${field}.onLink`, p.onLink, true),
      autonomous: flag(`${field}.autonomous`, p.autonomous, true),
      validLifetime,
      preferredLifetime,
    };
  });
  const routes = list('routes', config.routes).map((r, i) => ({
    prefix: cidr(`routes[${i}].prefix`, r?.prefix).prefix,
    preference: preference(`routes[${i}].preference`, r.preference) as 'high' | 'medium' | 'low',
    lifetime: integer(`routes[${i}].lifetime`, r.lifetime, lifetimeDefault, 0, INFINITE_LIFETIME),
  }));
  const rdnss = list('rdnss', config.rdnss).map((r, i) => {
    const servers = list(`rdnss[${i}].servers`, r?.servers);
    if (servers.length === 0) fail(`rdnss[${i}].servers`, 'needs at least one address (RFC 8106 §5.1)');
    return {
      servers: servers.map((s, j) => (typeof s === 'string' && isIpv6(s) ? canonicalIpv6(s) : fail(`rdnss[${i}].servers[${j}]`, `${JSON.stringify(s)} is not an IPv6 address`))),
      lifetime: integer(`rdnss[${i}].lifetime`, r.lifetime, lifetimeDefault, 0, INFINITE_LIFETIME),
    };
  });
  const dnssl = list('dnssl', config.dnssl).map((d, i) => {
    const domains = list(`dnssl[${i}].domains`, d?.domains);
    if (domains.length === 0) fail(`dnssl[${i}].domains`, 'needs at least one domain (RFC 8106 §5.2)');
    domains.forEach((domain, j) => {
      const labels = typeof domain === 'string' ? domain.replace(/\.$/, '').split('.') : [];
      if (labels.length === 0 || labels.some((l) => !/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l))) {
        fail(`dnssl[${i}].domains[${j}]`, `${JSON.stringify(domain)} is not a DNS name of letters, digits and hyphens (labels of 1..63)`);
      }
    });
    return { domains, lifetime: integer(`dnssl[${i}].lifetime`, d.lifetime, lifetimeDefault, 0, INFINITE_LIFETIME) };
  });
  let pref64: Required<Pref64Config> | undefined;
  if (config.pref64 !== undefined) {
    pref64 = {
      prefix: cidr('pref64.prefix', config.pref64.prefix, [32, 40, 48, 56, 64, 96]).prefix,
      lifetime: integer('pref64.lifetime', config.pref64.lifetime, Math.min(lifetimeDefault, 65528), 0, 65528),
    };
  }
  let captivePortal: string | undefined;
  if (config.captivePortal !== undefined) {
    if (typeof config.captivePortal !== 'string' || !URL.canParse(config.captivePortal)) fail('captivePortal', `${JSON.stringify(config.captivePortal)} is not a URI`);
    captivePortal = config.captivePortal;
  }

  return {
    name,
    maxInterval,
    minInterval,
    managed: flag('managed', config.managed, false),
    otherConfig: flag('otherConfig', config.otherConfig, false),
    linkMtu,
    reachableTime: integer('reachableTime', config.reachableTime, 0, 0, 3_600_000),
    retransTimer: integer('retransTimer', config.retransTimer, 0, 0, 0xffffffff),
    curHopLimit: integer('curHopLimit', config.curHopLimit, 64, 0, 255),
    defaultLifetime,
    defaultPreference: preference('defaultPreference', config.defaultPreference),
    unicastSolicitedReplies: flag('unicastSolicitedReplies', config.unicastSolicitedReplies, false),
    sourceLinkLayerAddress: flag('sourceLinkLayerAddress', config.sourceLinkLayerAddress, true),
    maxReplyDelay: integer('maxReplyDelay', config.maxReplyDelay, 500, 0, 500),
    prefixes,
    routes,
    rdnss,
    dnssl,
    pref64,
    captivePortal,
  };
}

/** Resolves a whole set of interfaces; names must be unique. */
export function resolveConfig(interfaces: InterfaceConfig[]): ResolvedInterfaceConfig[] {
  const seen = new Set<string>();
  return interfaces.map((config) => {
    const resolved = resolveInterfaceConfig(config);
    if (seen.has(resolved.name)) throw new RaConfigError(resolved.name, 'name', 'is configured twice');
    seen.add(resolved.name);
    return resolved;
  });
}
