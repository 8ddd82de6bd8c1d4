#!/usr/bin/env node
// cairn-ra: `run --config FILE` advertises (SIGHUP reloads, SIGTERM/SIGINT sends final RAs and exits);
// `monitor [--json] [IFNAME…]` prints every RA seen, like radvdump.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { RaAdvertiser } from './advertiser.js';
import { readDaemonConfig } from './daemon-config.js';
import { advertisementJson, formatAdvertisement } from './monitor/format.js';
import { RaMonitor } from './monitor/monitor.js';

const usage = `usage:
  cairn-ra run --config FILE [--log-level info]   advertise on the configured interfaces
  cairn-ra monitor [--json] [IFNAME...]           print the Router Advertisements seen`;

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, 'log-level': { type: 'string', default: 'info' } } });
  if (!values.config) throw new Error(`--config is required\n${usage}`);
  const file = values.config;
  const logger = pino({ level: values['log-level'] });
  const config = readDaemonConfig(file);
  const advertiser = new RaAdvertiser({ logger, interfaces: config.interfaces, groupsPerSocket: config.groupsPerSocket });
  await advertiser.start();
  process.on('SIGHUP', () => {
    try {
      advertiser.reconfigure(readDaemonConfig(file).interfaces);
      logger.info({ file }, 'configuration reloaded');
    } catch (error) {
      logger.error({ err: error }, 'configuration not reloaded; the previous one stays in force');
    }
  });
  const stop = async () => {
    await advertiser.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

async function monitor(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const ra = new RaMonitor(positionals);
  ra.on('advertisement', (seen) => console.log(values.json ? advertisementJson(seen) : formatAdvertisement(seen) + '\n'));
  ra.on('malformed', ({ interface: name, source, error }) => console.error(`malformed RA on ${name} from ${source}: ${error.message}`));
  await ra.start();
  const stop = async () => {
    await ra.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { run, monitor };
const handler = command === undefined ? undefined : commands[command];
if (!handler) {
  console.error(usage);
  process.exit(2);
}
handler(rest).catch((error: Error) => {
  console.error(`cairn-ra ${command}: ${error.message}`);
  process.exit(1);
});
