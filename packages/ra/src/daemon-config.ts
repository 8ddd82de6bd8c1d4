// The `cairn-ra run` configuration file (YAML or JSON): the interfaces to advertise on and how ff02::2
// memberships are spread over sockets. Checked by the shared loader of @cairn/sys against one zod schema.
import { loadConfigFile } from '@cairn/sys';
import { z } from 'zod';
import { interfacesSchema } from './advertiser/config.js';

export const daemonConfigSchema = z
  .strictObject({
    interfaces: interfacesSchema.meta({ description: 'the interfaces to advertise on' }),
    groupsPerSocket: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .optional()
      .meta({ description: 'ff02::2 memberships per socket (default 100; see RaAdvertiserOptions.groupsPerSocket)' }),
  })
  .meta({ description: 'cairn-ra run --config FILE' });

/** The checked configuration, every default filled in. */
export type DaemonConfig = z.output<typeof daemonConfigSchema>;

/**
 * Reads and checks a configuration file. Throws ConfigError listing every problem with its path and line
 * (an unknown key such as `prefixs:` included), so a reload with a bad file changes nothing.
 */
export function readDaemonConfig(path: string): DaemonConfig {
  return loadConfigFile(daemonConfigSchema, path);
}
