// The RA interface configuration as one zod schema: its TypeScript types (`InterfaceConfig` as written,
// `ResolvedInterfaceConfig` with every default filled in), its validation (errors with the path and, from a
// file, the line) and, per field, a description and default for the generated reference. Field names follow
// radvd / VyOS `router-advert`. What radvd 2.19 accepts with a complaint is a warning here (config-warnings.ts).
import { ConfigError, ipv6Address, ipv6Prefix, validateConfig } from '@cairn/sys';
import { z } from 'zod';
import { canonicalIpv6 } from '../wire/address.js';

/** 0xffffffff: an infinite lifetime (RFC 4861 §4.6.2). */
export const INFINITE_LIFETIME = 0xffffffff;

const integer = (min: number, max: number, unit = '') =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ${min}..${max}${unit}` })
    .max(max, { error: `must be ${min}..${max}${unit}` });

const lifetime = () => integer(0, INFINITE_LIFETIME, ' s (4294967295 = infinite)');
const flag = () => z.boolean({ error: 'must be true or false' });
const preference = () => z.enum(['high', 'medium', 'low'], { error: 'must be high, medium or low' });

/** An IPv6 prefix, host bits clear, in canonical RFC 5952 text ("2001:DB8:0::/64" → "2001:db8::/64"). */
const canonicalPrefix = ipv6Prefix.transform((text) => {
  const [address, length] = text.split('/') as [string, string];
  return `${canonicalIpv6(address)}/${Number(length)}`;
});

/** Lifetimes whose default is 3 × MaxRtrAdvInterval are filled in by the interface schema, which knows it. */
const dependentLifetime = (rfc: string) =>
  lifetime()
    .optional()
    .meta({ description: `seconds; default 3 × maxInterval (${rfc})` });

export const prefixConfigSchema = z
  .strictObject({
    prefix: canonicalPrefix.meta({ description: 'the on-link prefix, like 2a00:f10:114:1000::/64' }),
    onLink: flag().default(true).meta({ description: 'L flag: the prefix is on-link (RFC 4861 §4.6.2)' }),
    autonomous: flag()
      .default(true)
      .meta({ description: 'A flag: hosts form SLAAC addresses (RFC 4862 §5.5.3); only /64s work on Ethernet' }),
    validLifetime: lifetime()
      .default(2592000)
      .meta({ description: 'seconds (RFC 4861 §6.2.1 AdvValidLifetime, default 30 days)' }),
    preferredLifetime: lifetime()
      .optional()
      .meta({ description: 'seconds, at most validLifetime (AdvPreferredLifetime, default 7 days or validLifetime)' }),
  })
  .transform((p) => ({ ...p, preferredLifetime: p.preferredLifetime ?? Math.min(604800, p.validLifetime) }))
  .superRefine((p, context) => {
    // RFC 4862 §5.5.3 c): hosts ignore a prefix whose preferred lifetime exceeds its valid lifetime.
    if (p.preferredLifetime > p.validLifetime) {
      context.addIssue({
        code: 'custom',
        path: ['preferredLifetime'],
        message: `${p.preferredLifetime} exceeds validLifetime ${p.validLifetime} (RFC 4862 §5.5.3 c)`,
      });
    }
  });

export const routeConfigSchema = z.strictObject({
  prefix: canonicalPrefix.meta({ description: 'a prefix reachable through this router (RFC 4191 Route Information)' }),
  preference: preference().default('medium').meta({ description: 'RFC 4191 §2.3 Route Preference' }),
  lifetime: dependentLifetime('like radvd'),
});

export const rdnssConfigSchema = z.strictObject({
  servers: z
    .array(ipv6Address.transform(canonicalIpv6))
    .min(1, { error: 'needs at least one address (RFC 8106 §5.1)' })
    .meta({ description: 'recursive DNS server addresses' }),
  lifetime: dependentLifetime('RFC 8106 §5.1'),
});

/** RFC 1035 §2.3.1 labels (underscores allowed, as in service names), 1..63 octets each. */
const domainName = z.string({ error: 'must be a DNS name' }).refine(
  (domain) => {
    const labels = domain.replace(/\.$/, '').split('.');
    return labels.every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label));
  },
  { error: 'not a DNS name of letters, digits and hyphens (labels of 1..63)' },
);

export const dnsslConfigSchema = z.strictObject({
  domains: z
    .array(domainName)
    .min(1, { error: 'needs at least one domain (RFC 8106 §5.2)' })
    .meta({ description: 'DNS search list' }),
  lifetime: dependentLifetime('RFC 8106 §5.2'),
});

const PREF64_LENGTHS = [32, 40, 48, 56, 64, 96];

export const pref64ConfigSchema = z.strictObject({
  prefix: canonicalPrefix
    .refine((text) => PREF64_LENGTHS.includes(Number(text.split('/')[1])), {
      error: `the prefix length must be one of ${PREF64_LENGTHS.join(', ')} (RFC 8781 §4)`,
    })
    .meta({ description: 'NAT64 prefix, like 64:ff9b::/96' }),
  lifetime: integer(0, 65528, ' s (RFC 8781 §4)')
    .optional()
    .meta({ description: 'seconds; default 3 × maxInterval capped at 65528 (RFC 8781 §4.1)' }),
});

const interfaceFields = z.strictObject({
  name: z
    .string({ error: 'must be an interface name' })
    .regex(/^[^\s/]{1,15}$/, { error: 'must be a Linux interface name (1..15 characters, no spaces or "/")' })
    .meta({ description: 'interface name ("eth0", "eth5.300", "vxlan1000")' }),
  maxInterval: integer(4, 1800, ' s (RFC 4861 §6.2.1)')
    .default(600)
    .meta({ description: 'seconds (RFC 4861 §6.2.1 MaxRtrAdvInterval)' }),
  minInterval: z
    .number({ error: 'must be a number' })
    .min(3, { error: 'must be at least 3 s (RFC 4861 §6.2.1)' })
    .optional()
    .meta({
      description: 'seconds, 3..0.75 × maxInterval (default maxInterval/3 when maxInterval ≥ 9, else maxInterval)',
    }),
  managed: flag().default(false).meta({ description: 'M flag: addresses from DHCPv6 (RFC 4861 §4.2)' }),
  otherConfig: flag().default(false).meta({ description: 'O flag: other configuration from DHCPv6 (RFC 4861 §4.2)' }),
  linkMtu: integer(0, 0xffffffff)
    .default(0)
    .meta({ description: 'octets; 0 = no MTU option, else at least 1280 (RFC 8200 §5)' }),
  reachableTime: integer(0, 3_600_000, ' ms')
    .default(0)
    .meta({ description: 'milliseconds; 0 = unspecified (RFC 4861 §6.2.1)' }),
  retransTimer: integer(0, 0xffffffff, ' ms').default(0).meta({ description: 'milliseconds; 0 = unspecified' }),
  curHopLimit: integer(0, 255).default(64).meta({ description: 'hop limit for hosts; 0 = unspecified' }),
  defaultLifetime: integer(0, 9000, ' s (RFC 4861 §6.2.1)')
    .optional()
    .meta({ description: 'seconds: 0 (not a default router) or maxInterval..9000; default 3 × maxInterval' }),
  defaultPreference: preference().default('medium').meta({ description: 'RFC 4191 §2.2 default router preference' }),
  unicastSolicitedReplies: flag()
    .default(false)
    .meta({ description: 'answer solicitations by unicast (RFC 4861 §6.2.6 allows it; multicast under load)' }),
  sourceLinkLayerAddress: flag().default(true).meta({ description: 'include the Source Link-Layer Address option' }),
  maxReplyDelay: integer(0, 500, ' ms').default(500).meta({
    description: 'milliseconds: the random delay before answering (RFC 4861 §10 MAX_RA_DELAY_TIME); 0 for tests',
  }),
  prefixes: z.array(prefixConfigSchema).default([]).meta({ description: 'Prefix Information options' }),
  routes: z.array(routeConfigSchema).default([]).meta({ description: 'Route Information options (RFC 4191)' }),
  rdnss: z.array(rdnssConfigSchema).default([]).meta({ description: 'RDNSS options (RFC 8106 §5.1)' }),
  dnssl: z.array(dnsslConfigSchema).default([]).meta({ description: 'DNSSL options (RFC 8106 §5.2)' }),
  pref64: pref64ConfigSchema.optional().meta({ description: 'PREF64 option (RFC 8781)' }),
  captivePortal: z
    .string({ error: 'must be a URI' })
    .refine((uri) => URL.canParse(uri), { error: 'not a URI' })
    .optional()
    .meta({ description: 'RFC 8910 captive-portal API URI' }),
});

type InterfaceFields = z.output<typeof interfaceFields>;

/** RFC 4861 §6.2.1 relations between fields. */
function checkRelations(config: InterfaceFields, context: z.RefinementCtx): void {
  const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
  const { maxInterval, minInterval, defaultLifetime, linkMtu } = config;
  if (minInterval !== undefined && minInterval > 0.75 * maxInterval) {
    problem(
      'minInterval',
      `${minInterval} must be at most 0.75 × maxInterval (${0.75 * maxInterval}) (RFC 4861 §6.2.1)`,
    );
  }
  if (defaultLifetime !== undefined && defaultLifetime !== 0 && defaultLifetime < maxInterval) {
    problem(
      'defaultLifetime',
      `${defaultLifetime} must be 0 or at least maxInterval (${maxInterval}) (RFC 4861 §6.2.1)`,
    );
  }
  if (linkMtu !== 0 && linkMtu < 1280) {
    problem('linkMtu', `${linkMtu} is below the IPv6 minimum 1280 (RFC 8200 §5); use 0 to leave the option out`);
  }
}

/** Fills in the defaults that depend on maxInterval (RFC 4861 §6.2.1, RFC 8106 §5, RFC 8781 §4.1). */
function withDependentDefaults(config: InterfaceFields) {
  const { maxInterval } = config;
  const lifetimeDefault = 3 * maxInterval;
  return {
    ...config,
    minInterval: config.minInterval ?? (maxInterval >= 9 ? Math.floor(maxInterval / 3) : maxInterval),
    defaultLifetime: config.defaultLifetime ?? Math.min(lifetimeDefault, 9000),
    routes: config.routes.map((r) => ({ ...r, lifetime: r.lifetime ?? lifetimeDefault })),
    rdnss: config.rdnss.map((r) => ({ ...r, lifetime: r.lifetime ?? lifetimeDefault })),
    dnssl: config.dnssl.map((d) => ({ ...d, lifetime: d.lifetime ?? lifetimeDefault })),
    pref64: config.pref64 && { ...config.pref64, lifetime: config.pref64.lifetime ?? Math.min(lifetimeDefault, 65528) },
    captivePortal: config.captivePortal,
  };
}

/** How one interface advertises. */
export const interfaceConfigSchema = interfaceFields
  .superRefine(checkRelations)
  .transform(withDependentDefaults)
  .meta({ description: 'Router Advertisements on one interface (RFC 4861 §6.2)' });

/** A list of interfaces, each named once. */
export const interfacesSchema = z.array(interfaceConfigSchema).superRefine((interfaces, context) => {
  const seen = new Set<string>();
  interfaces.forEach((config, index) => {
    if (seen.has(config.name))
      context.addIssue({ code: 'custom', path: [index, 'name'], message: `${config.name} is configured twice` });
    seen.add(config.name);
  });
});

/** How one interface advertises, as written (every field but `name` optional). */
export type InterfaceConfig = z.input<typeof interfaceConfigSchema>;
export type PrefixConfig = z.input<typeof prefixConfigSchema>;
export type RouteConfig = z.input<typeof routeConfigSchema>;
export type RdnssConfig = z.input<typeof rdnssConfigSchema>;
export type DnsslConfig = z.input<typeof dnsslConfigSchema>;
export type Pref64Config = z.input<typeof pref64ConfigSchema>;
/** An `InterfaceConfig` with every default filled in and every address in canonical form. */
export type ResolvedInterfaceConfig = z.output<typeof interfaceConfigSchema>;

/** Checks one interface's configuration and fills in its defaults; throws ConfigError naming the field. */
export function resolveInterfaceConfig(config: InterfaceConfig): ResolvedInterfaceConfig {
  return validateConfig(interfaceConfigSchema, config, `interface ${String((config as { name?: unknown })?.name)}`);
}

/** Resolves a whole set of interfaces (names unique); throws ConfigError with paths like `interfaces[0].name`. */
export function resolveConfig(interfaces: InterfaceConfig[]): ResolvedInterfaceConfig[] {
  return validateConfig(z.strictObject({ interfaces: interfacesSchema }), { interfaces }, 'RA configuration')
    .interfaces;
}

export { ConfigError };
