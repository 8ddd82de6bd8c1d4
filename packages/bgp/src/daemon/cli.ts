#!/usr/bin/env node
// cairn-bgp: a BGP speaker on its own (like ExaBGP or GoBGP for announcing service prefixes). A thin
// command line over the daemon skeleton of @cairn/sys (exit codes, signals, control socket, output).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError, runCli, runDaemonProcess, writeJsonArray, writeOut } from '@cairn/sys';
import { formatBfdPeers } from '@cairn/bfd';
import { parseCommunity, parseLargeCommunity } from '../policy/community.js';
import type { RouteView } from '../speaker/route-view.js';
import { loadConfig } from './config.js';
import { BgpControlClient, type ControlRequest, DEFAULT_CONTROL_SOCKET } from './control.js';
import { runDaemon } from './daemon.js';
import { formatRoutes, formatSummary } from './format.js';

const USAGE = `usage:
  cairn-bgp run --config FILE [--socket PATH]        start the daemon (SIGTERM/SIGINT stop it, SIGHUP reloads)
  cairn-bgp show summary [--json]                    sessions, like FRR's \`show bgp summary\`
  cairn-bgp show routes [PREFIX] [--json]            the Loc-RIB, or one prefix's candidates and why they lost
  cairn-bgp show bfd peers [--json]                  BFD sessions, like FRR's \`show bfd peers\`
  cairn-bgp announce PREFIX [--community C]... [--large-community G:L1:L2]... [--med N]
                    [--local-pref N] [--origin igp|egp|incomplete] [--aggregate]
  cairn-bgp withdraw PREFIX
  cairn-bgp --help | --version
Client commands take --socket PATH (default ${DEFAULT_CONTROL_SOCKET}, or CAIRN_BGP_SOCKET).`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  socket: { type: 'string', short: 's' },
  json: { type: 'boolean' },
  community: { type: 'string', multiple: true },
  'large-community': { type: 'string', multiple: true },
  med: { type: 'string' },
  'local-pref': { type: 'string' },
  origin: { type: 'string' },
  aggregate: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A 32-bit unsigned option value (RFC 4271 §4.3: MULTI_EXIT_DISC and LOCAL_PREF are four octets). */
function u32Option(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff)
    throw new UsageError(`--${name} ${JSON.stringify(text)} is not a number from 0 to 4294967295`);
  return Number(text);
}

function checked<T>(name: string, values: string[] | undefined, parse: (text: string) => T): string[] | undefined {
  for (const text of values ?? []) {
    try {
      parse(text);
    } catch (error) {
      throw new UsageError(`--${name}: ${(error as Error).message}`);
    }
  }
  return values;
}

type AnnounceAttributes = NonNullable<Extract<ControlRequest, { command: 'announce' }>['attributes']>;

/** The announce options as the control request's attributes; bad values are usage errors naming the option. */
function announceAttributes(values: Values): AnnounceAttributes {
  const origin = values.origin;
  if (origin !== undefined && origin !== 'igp' && origin !== 'egp' && origin !== 'incomplete') {
    throw new UsageError(`--origin ${JSON.stringify(origin)} is not igp, egp or incomplete`);
  }
  const med = u32Option('med', values.med);
  const localPref = u32Option('local-pref', values['local-pref']);
  const communities = checked('community', values.community, parseCommunity);
  const largeCommunities = checked('large-community', values['large-community'], parseLargeCommunity);
  return {
    ...(origin ? { origin } : {}),
    ...(med !== undefined ? { med } : {}),
    ...(localPref !== undefined ? { localPref } : {}),
    ...(communities ? { communities } : {}),
    ...(largeCommunities ? { largeCommunities } : {}),
  };
}

async function run(values: Values): Promise<void> {
  if (!values.config) throw new UsageError('run needs --config FILE');
  const file = values.config;
  const config = loadConfig(file);
  const logger = pino({ level: config.logLevel ?? 'info' });
  await runDaemonProcess({
    name: 'cairn-bgp',
    logger,
    async start() {
      const daemon = await runDaemon(config, logger, values.socket ? { control: values.socket } : {});
      // SIGHUP: the file again; a bad one is logged and the running configuration kept.
      return { stop: () => daemon.stop('cairn-bgp stopping'), reload: async () => void daemon.reloadFile(file) };
    },
  });
}

async function show(
  client: BgpControlClient,
  what: string | undefined,
  arg: string | undefined,
  json: boolean,
): Promise<void> {
  const print = (value: unknown, text: (v: never) => string) =>
    writeOut(json ? `${JSON.stringify(value, null, 2)}\n` : `${text(value as never)}\n`);
  if (what === 'summary') return print(await client.summary(), formatSummary);
  if (what === 'bfd' && arg === 'peers') return print(await client.bfdPeers(), formatBfdPeers);
  if (what !== 'routes')
    throw new UsageError(`show ${what ?? ''}: use show summary, show routes or show bfd peers`.replace('  ', ' '));
  if (json) return writeJsonArray(client.routes(arg)); // streamed: a full table is never held whole
  const routes: RouteView[] = [];
  for await (const route of client.routes(arg)) routes.push(route);
  return writeOut(formatRoutes(routes));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  const client = new BgpControlClient(values.socket ?? process.env.CAIRN_BGP_SOCKET ?? DEFAULT_CONTROL_SOCKET);
  const [command, sub, arg, ...extra] = positionals;
  const expect = (count: number) => {
    if (positionals.length > count) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[count])}`);
  };
  switch (command) {
    case 'run':
      expect(1);
      await run(values);
      return 0;
    case 'show':
      if (extra.length) expect(3);
      await show(client, sub, arg, values.json ?? false);
      return 0;
    case 'announce': {
      if (!sub) throw new UsageError('announce needs a PREFIX');
      expect(2);
      const attributes = announceAttributes(values);
      await client.announce({ prefix: sub, attributes, options: values.aggregate ? { aggregate: true } : {} });
      await writeOut(`announced ${sub}\n`);
      return 0;
    }
    case 'withdraw':
      if (!sub) throw new UsageError('withdraw needs a PREFIX');
      expect(2);
      await client.withdraw(sub);
      await writeOut(`withdrew ${sub}\n`);
      return 0;
    case undefined:
      throw new UsageError('a command is needed');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

runCli({ name: 'cairn-bgp', packageJson: new URL('../../package.json', import.meta.url), usage: USAGE, main });
