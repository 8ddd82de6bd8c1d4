#!/usr/bin/env node
// cairn-ra: a router-advertisement daemon and an RA monitor, over the daemon skeleton of @cairn/sys
// (exit codes, signals, control socket, complete output).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ControlServer, UsageError, controlRequest, runCli, runDaemonProcess, writeOut } from '@cairn/sys';
import { RaAdvertiser } from './advertiser.js';
import { readDaemonConfig } from './daemon-config.js';
import { type InterfaceStatus, formatInterfaceStatus, interfaceStatus } from './daemon-status.js';
import { advertisementJson, formatAdvertisement } from './monitor/format.js';
import { RaMonitor } from './monitor/monitor.js';

const DEFAULT_SOCKET = '/run/cairn-ra.sock';

const USAGE = `usage:
  cairn-ra run --config FILE [--log-level info] [--socket PATH]   advertise (SIGHUP reloads, SIGTERM sends final RAs)
  cairn-ra status [--json] [--socket PATH]                        the running daemon's interfaces
  cairn-ra monitor [--json] [IFNAME...]                           print the Router Advertisements seen
  cairn-ra --help | --version
--socket defaults to ${DEFAULT_SOCKET} (or CAIRN_RA_SOCKET).`;

const socketOf = (value: string | undefined) => value ?? process.env.CAIRN_RA_SOCKET ?? DEFAULT_SOCKET;

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      'log-level': { type: 'string', default: 'info' },
      socket: { type: 'string', short: 's' },
    },
  });
  if (!values.config) throw new UsageError('run needs --config FILE');
  const file = values.config;
  const logger = pino({ level: values['log-level'] });
  const config = readDaemonConfig(file);
  await runDaemonProcess({
    name: 'cairn-ra',
    logger,
    async start() {
      const advertiser = new RaAdvertiser({
        logger,
        interfaces: config.interfaces,
        groupsPerSocket: config.groupsPerSocket,
      });
      const control = new ControlServer({
        path: socketOf(values.socket),
        daemon: 'cairn-ra',
        logger,
        handle: (request) => {
          const command = (request as { command?: unknown } | null)?.command;
          if (command === 'status') return interfaceStatus(advertiser);
          throw new Error(`unknown command ${JSON.stringify(command)}: use status`);
        },
      });
      await control.listen(); // before any raw socket: a second instance stops here
      await advertiser.start();
      return {
        async stop() {
          await control.close();
          await advertiser.stop(); // RFC 4861 §6.2.5: final RAs with router lifetime 0
        },
        reload() {
          advertiser.reconfigure(readDaemonConfig(file).interfaces);
        },
      };
    },
  });
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, socket: { type: 'string', short: 's' } },
  });
  const interfaces = (await controlRequest(
    socketOf(values.socket),
    { command: 'status' },
    { daemon: 'cairn-ra' },
  )) as InterfaceStatus[];
  await writeOut(values.json ? `${JSON.stringify(interfaces, null, 2)}\n` : formatInterfaceStatus(interfaces));
}

async function monitor(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const ra = new RaMonitor(positionals);
  ra.on('advertisement', (seen) =>
    process.stdout.write(`${values.json ? advertisementJson(seen) : `${formatAdvertisement(seen)}\n`}\n`),
  );
  ra.on('malformed', ({ interface: name, source, error }) =>
    process.stderr.write(`malformed RA on ${name} from ${source}: ${error.message}\n`),
  );
  await ra.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await ra.stop();
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { run, status, monitor };

runCli({
  name: 'cairn-ra',
  packageJson: new URL('../package.json', import.meta.url),
  usage: USAGE,
  async main([command, ...rest]) {
    const handler = command === undefined ? undefined : COMMANDS[command];
    if (!handler)
      throw new UsageError(
        command === undefined ? 'a command is needed' : `unknown command ${JSON.stringify(command)}`,
      );
    await handler(rest);
  },
});
