import type { RouterAdvertisement } from '../wire/messages.js';
import type { NdOption } from '../wire/options.js';

/** An RA as the monitor saw it. */
export interface ObservedAdvertisement {
  interface: string;
  source: string;
  destination: string;
  hopLimit: number;
  message: RouterAdvertisement;
}

const lifetime = (seconds: number) => (seconds === 0xffffffff ? 'infinity' : `${seconds} s`);

function describeOption(option: NdOption): string[] {
  switch (option.kind) {
    case 'prefix-information':
      return [
        `  prefix ${option.prefix}/${option.prefixLength}  on-link ${option.onLink ? 'yes' : 'no'}  autonomous ${option.autonomous ? 'yes' : 'no'}${option.routerAddress ? '  router-address' : ''}`,
        `    valid ${lifetime(option.validLifetime)}  preferred ${lifetime(option.preferredLifetime)}`,
      ];
    case 'route-information':
      return [
        `  route ${option.prefix}/${option.prefixLength}  preference ${option.preference}  lifetime ${lifetime(option.lifetime)}`,
      ];
    case 'rdnss':
      return [`  rdnss ${option.servers.join(' ')}  lifetime ${lifetime(option.lifetime)}`];
    case 'dnssl':
      return [`  dnssl ${option.domains.join(' ')}  lifetime ${lifetime(option.lifetime)}`];
    case 'pref64':
      return [`  pref64 ${option.prefix}/${option.prefixLength}  lifetime ${option.lifetime} s`];
    case 'captive-portal':
      return [`  captive-portal ${option.uri}`];
    case 'mtu':
      return [`  mtu ${option.mtu}`];
    case 'source-link-layer-address':
      return [`  source link-layer address ${option.address}`];
    case 'unknown':
      return [`  option type ${option.type}, ${option.body.length + 2} octets (not decoded)`];
  }
}

/** A human-readable, radvdump-like description of an RA. */
export function formatAdvertisement(seen: ObservedAdvertisement, at: Date = new Date()): string {
  const ra = seen.message;
  const flags =
    [ra.managed && 'managed', ra.otherConfig && 'other-config', ra.homeAgent && 'home-agent', ra.proxy && 'proxy']
      .filter(Boolean)
      .join(' ') || 'none';
  return [
    `${at.toISOString()} RA on ${seen.interface} from ${seen.source} to ${seen.destination} (hop limit ${seen.hopLimit}${seen.hopLimit === 255 ? '' : ', INVALID: not 255'})`,
    `  router lifetime ${ra.routerLifetime} s  preference ${ra.preference}  cur hop limit ${ra.curHopLimit}  flags ${flags}`,
    `  reachable time ${ra.reachableTime} ms  retrans timer ${ra.retransTimer} ms`,
    ...ra.options.flatMap(describeOption),
  ].join('\n');
}

/** One JSON line per RA (the `--json` output): unknown option bodies as hex. */
export function advertisementJson(seen: ObservedAdvertisement, at: Date = new Date()): string {
  return JSON.stringify({ time: at.toISOString(), ...seen }, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
  );
}
