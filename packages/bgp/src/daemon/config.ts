// The cairn-bgp configuration file (YAML or JSON), checked against the schemas of src/config/ by the shared
// loader of @cairn/sys (every problem with its path and line), and mapped to what the speaker takes.
import { ConfigError, loadConfigFile, validateConfig as validateAgainst } from '@cairn/sys';
import { type Announcement } from '../config/announcement.js';
import { type CairnBgpConfig, cairnBgpConfigSchema } from '../config/cairn-bgp.js';
import type { OriginateAttributes, OriginateOptions } from '../rib/rib-manager.js';
import type { PeerConfig } from '../session/config.js';
import { ORIGIN } from '../wire/types.js';

export { ConfigError };
export type { CairnBgpConfig };

/** Reads a YAML or JSON file (JSON is YAML) and validates it; throws ConfigError naming each problem. */
export function loadConfig(path: string): CairnBgpConfig {
  return loadConfigFile(cairnBgpConfigSchema, path);
}

/** Validates an already parsed configuration. */
export function validateConfig(value: unknown, source = 'configuration'): CairnBgpConfig {
  return validateAgainst(cairnBgpConfigSchema, value, source);
}

/** The speaker's PeerConfig for a configured peer (without its liveness source: the daemon binds BFD). */
export function peerConfigOf(
  peer: CairnBgpConfig['peers'][number],
  config: Pick<CairnBgpConfig, 'pathAttributes'> = {},
): PeerConfig {
  const { bfd: _bfd, ...settings } = peer;
  const pathAttributes = settings.pathAttributes ?? config.pathAttributes;
  return { ...settings, ...(pathAttributes ? { pathAttributes } : {}) };
}

type AnnouncementAttributes = Pick<Announcement, 'origin' | 'med' | 'localPref' | 'communities' | 'largeCommunities'>;

/** The RIB's attributes for an announcement. */
export function announcementAttributes(a: AnnouncementAttributes): OriginateAttributes {
  const attributes: OriginateAttributes = {};
  if (a.origin) attributes.origin = ORIGIN[a.origin.toUpperCase() as 'IGP' | 'EGP' | 'INCOMPLETE'];
  if (a.med !== undefined) attributes.med = a.med;
  if (a.localPref !== undefined) attributes.localPref = a.localPref;
  if (a.communities) attributes.communities = a.communities;
  if (a.largeCommunities) attributes.largeCommunities = a.largeCommunities;
  return attributes;
}

export function announcementOptions(a: Pick<Announcement, 'aggregate' | 'onlyWithContributors'>): OriginateOptions {
  return {
    ...(a.aggregate ? { aggregate: true } : {}),
    ...(a.onlyWithContributors ? { onlyWithContributors: true } : {}),
  };
}
