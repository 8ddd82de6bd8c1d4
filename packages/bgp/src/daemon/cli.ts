#!/usr/bin/env node
// cairn-bgp: a BGP speaker on its own (like ExaBGP or GoBGP for announcing service prefixes).
//   cairn-bgp run --config FILE              start the daemon
//   cairn-bgp show summary [--json]          sessions, like `show bgp summary`
//   cairn-bgp show routes [PREFIX] [--json]  the Loc-RIB
//   cairn-bgp show bfd peers [--json]        BFD sessions, like `show bfd peers`
//   cairn-bgp announce PREFIX [--community C]... [--med N] [--aggregate]
//   cairn-bgp withdraw PREFIX
// Client commands take --socket PATH (default /run/cairn-bgp.sock, or the CAIRN_BGP_SOCKET variable).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type BfdPeerSnapshot, formatBfdPeers } from '@cairn/bfd';
import type { RouteView } from '../speaker/speaker.js';
import type { Summary } from '../speaker/summary.js';
import { ConfigError, loadConfig } from './config.js';
import { ControlError, DEFAULT_CONTROL_SOCKET, controlRequest } from './control.js';
import { runDaemon } from './daemon.js';
import { formatRoutes, formatSummary } from './format.js';

const USAGE = `usage:
  cairn-bgp run --config FILE
  cairn-bgp show summary [--json] [--socket PATH]
  cairn-bgp show routes [PREFIX] [--json] [--socket PATH]
  cairn-bgp show bfd peers [--json] [--socket PATH]
  cairn-bgp announce PREFIX [--community C]... [--med N] [--aggregate] [--socket PATH]
  cairn-bgp withdraw PREFIX [--socket PATH]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      socket: { type: 'string', short: 's' },
      json: { type: 'boolean' },
      community: { type: 'string', multiple: true },
      med: { type: 'string' },
      aggregate: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const socket = values.socket ?? process.env.CAIRN_BGP_SOCKET ?? DEFAULT_CONTROL_SOCKET;
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'run': {
      if (!values.config) break;
      const file = values.config;
      const config = loadConfig(file);
      const logger = pino({ level: config.logLevel ?? 'info' });
      const daemon = await runDaemon(config, logger, values.socket ? { control: values.socket } : {});
      // SIGHUP reloads the file; a bad one is logged and the running configuration kept.
      process.on('SIGHUP', () => daemon.reloadFile(file));
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await daemon.stop('cairn-bgp stopping');
      return 0;
    }
    case 'show': {
      if (sub === 'summary') {
        const summary = (await controlRequest(socket, { command: 'summary' })) as Summary;
        console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
        return 0;
      }
      if (sub === 'routes') {
        const routes = (await controlRequest(socket, { command: 'routes', ...(arg ? { prefix: arg } : {}) })) as RouteView[];
        console.log(values.json ? JSON.stringify(routes, null, 2) : formatRoutes(routes));
        return 0;
      }
      if (sub === 'bfd' && arg === 'peers') {
        const peers = (await controlRequest(socket, { command: 'bfd-peers' })) as BfdPeerSnapshot[];
        console.log(values.json ? JSON.stringify(peers, null, 2) : formatBfdPeers(peers));
        return 0;
      }
      break;
    }
    case 'announce': {
      if (!sub) break;
      await controlRequest(socket, {
        command: 'announce',
        prefix: sub,
        attributes: {
          ...(values.community ? { communities: values.community } : {}),
          ...(values.med !== undefined ? { med: Number(values.med) } : {}),
        },
        options: values.aggregate ? { aggregate: true } : {},
      });
      console.log(`announced ${sub}`);
      return 0;
    }
    case 'withdraw': {
      if (!sub) break;
      await controlRequest(socket, { command: 'withdraw', prefix: sub });
      console.log(`withdrew ${sub}`);
      return 0;
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof ConfigError || error instanceof ControlError ? error.message : error.stack);
    process.exit(1);
  },
);
