// What a valid configuration may still get wrong: values radvd 2.19 accepts with a complaint in its log
// (checked with `radvd -c -C file` and a running radvd: the file loads, the line is logged). They are
// advertised as configured, and reported once per load, one log line each.
import type { ResolvedInterfaceConfig } from './config.js';

export interface ConfigWarning {
  /** Within the interface, like ['prefixes', 0, 'autonomous']. */
  path: (string | number)[];
  message: string;
}

/** SLAAC interface identifiers are 64 bits on the links Cairn serves (RFC 4291 §2.5.1, RFC 2464 §4). */
const SLAAC_PREFIX_LENGTH = 64;

export function configWarnings(config: ResolvedInterfaceConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  config.prefixes.forEach((p, i) => {
    const length = Number(p.prefix.split('/')[1]);
    // RFC 4862 §5.5.3 d): a host ignores the A flag when prefix length + interface identifier length ≠ 128,
    // so a /48 with autonomous set gives no address. radvd warns ("prefix length should be: 64") and sends it.
    if (p.autonomous && length !== SLAAC_PREFIX_LENGTH) {
      warnings.push({
        path: ['prefixes', i, 'autonomous'],
        message:
          `hosts ignore the autonomous flag of a /${length} and form no address (RFC 4862 §5.5.3 d: ` +
          `SLAAC needs a /${SLAAC_PREFIX_LENGTH}); use a /${SLAAC_PREFIX_LENGTH} or set autonomous: false`,
      });
    }
  });
  // RFC 8106 §5.1/§5.2: the lifetime SHOULD be at least 3 × MaxRtrAdvInterval. radvd 2.19 logs "must be at
  // least MaxRtrAdvInterval" below that bound and loads the file anyway; the same bound here, as a warning.
  for (const [kind, entries] of [
    ['rdnss', config.rdnss],
    ['dnssl', config.dnssl],
  ] as const) {
    entries.forEach(({ lifetime }, index) => {
      if (lifetime === 0 || lifetime >= config.maxInterval) return;
      warnings.push({
        path: [kind, index, 'lifetime'],
        message:
          `${lifetime} s is shorter than maxInterval (${config.maxInterval} s): hosts forget the entry between two ` +
          `RAs (RFC 8106 §5.1 asks for at least 3 × maxInterval = ${3 * config.maxInterval} s)`,
      });
    });
  }
  return warnings;
}
