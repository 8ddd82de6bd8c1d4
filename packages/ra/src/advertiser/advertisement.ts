import type { NdOption } from '../wire/options.js';
import type { RouterAdvertisement } from '../wire/messages.js';
import type { ResolvedInterfaceConfig } from './config.js';

const splitPrefix = (cidr: string): [string, number] => {
  const [prefix, length] = cidr.split('/') as [string, string];
  return [prefix, Number(length)];
};

/** The options an interface's configuration advertises, in a stable order (PIO, RIO, RDNSS, DNSSL, PREF64, captive portal, MTU). */
export function configuredOptions(config: ResolvedInterfaceConfig): NdOption[] {
  const options: NdOption[] = [];
  for (const p of config.prefixes) {
    const [prefix, prefixLength] = splitPrefix(p.prefix);
    options.push({
      kind: 'prefix-information',
      prefix,
      prefixLength,
      onLink: p.onLink,
      autonomous: p.autonomous,
      routerAddress: false,
      validLifetime: p.validLifetime,
      preferredLifetime: p.preferredLifetime,
    });
  }
  for (const r of config.routes) {
    const [prefix, prefixLength] = splitPrefix(r.prefix);
    options.push({ kind: 'route-information', prefix, prefixLength, preference: r.preference, lifetime: r.lifetime });
  }
  for (const r of config.rdnss) options.push({ kind: 'rdnss', lifetime: r.lifetime, servers: r.servers });
  for (const d of config.dnssl) options.push({ kind: 'dnssl', lifetime: d.lifetime, domains: d.domains });
  if (config.pref64) {
    const [prefix, prefixLength] = splitPrefix(config.pref64.prefix);
    options.push({ kind: 'pref64', prefix, prefixLength: prefixLength as 96, lifetime: config.pref64.lifetime });
  }
  if (config.captivePortal !== undefined) options.push({ kind: 'captive-portal', uri: config.captivePortal });
  if (config.linkMtu !== 0) options.push({ kind: 'mtu', mtu: config.linkMtu });
  return options;
}

/** Identifies what an option announces, so a withdrawal and an announcement of the same thing can be matched. */
export function optionKey(option: NdOption): string | undefined {
  switch (option.kind) {
    case 'prefix-information':
    case 'route-information':
      return `${option.kind} ${option.prefix}/${option.prefixLength}`;
    case 'rdnss':
      return `rdnss ${option.servers.join(' ')}`;
    case 'dnssl':
      return `dnssl ${option.domains.join(' ')}`;
    case 'pref64':
      return `pref64 ${option.prefix}/${option.prefixLength}`;
    default:
      return undefined;
  }
}

/** The same option with every lifetime 0: how a removed item is withdrawn (RFC 4861 §6.2.5, RFC 8106 §5). */
export function withZeroLifetimes(option: NdOption): NdOption {
  switch (option.kind) {
    case 'prefix-information':
      return { ...option, validLifetime: 0, preferredLifetime: 0 };
    case 'route-information':
    case 'rdnss':
    case 'dnssl':
    case 'pref64':
      return { ...option, lifetime: 0 };
    default:
      return option;
  }
}

export interface AdvertisementInput {
  config: ResolvedInterfaceConfig;
  /** The interface's MAC, for the Source Link-Layer Address option. */
  linkLayerAddress: string | undefined;
  /** Removed items still being withdrawn. */
  withdrawals: NdOption[];
  /**
   * RFC 4861 §6.2.5 final advertisement: router lifetime 0; routes, DNS and PREF64 lifetimes 0 (they
   * lead through this router); prefixes stay as they are (addresses remain valid on the link).
   */
  final?: boolean;
}

/** Builds the RA an interface sends. */
export function buildAdvertisement({
  config,
  linkLayerAddress,
  withdrawals,
  final = false,
}: AdvertisementInput): RouterAdvertisement {
  let options = configuredOptions(config);
  const announced = new Set(options.map(optionKey));
  options.push(...withdrawals.filter((o) => !announced.has(optionKey(o))));
  if (final) options = options.map((o) => (o.kind === 'prefix-information' ? o : withZeroLifetimes(o)));
  if (config.sourceLinkLayerAddress && linkLayerAddress !== undefined)
    options.push({ kind: 'source-link-layer-address', address: linkLayerAddress });
  return {
    type: 'router-advertisement',
    code: 0,
    curHopLimit: config.curHopLimit,
    managed: config.managed,
    otherConfig: config.otherConfig,
    homeAgent: false,
    preference: config.defaultPreference,
    proxy: false,
    routerLifetime: final ? 0 : config.defaultLifetime,
    reachableTime: config.reachableTime,
    retransTimer: config.retransTimer,
    options,
  };
}
