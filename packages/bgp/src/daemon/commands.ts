// What each cairn-bgp control request does: the commands of the control socket, apart from how requests
// travel (control.ts). Every request is checked against the schemas of src/config before anything is stored.
import { ConfigError, formatProblem, prefix, validateConfig } from '@cairn/sys';
import { z } from 'zod';
import type { BfdService } from '@cairn/bfd';
import { announceRequestSchema } from '../config/announcement.js';
import type { BgpSpeaker } from '../speaker/speaker.js';
import { announcementAttributes, announcementOptions } from './config.js';

const requestSchemas = {
  summary: z.strictObject({ command: z.literal('summary') }),
  routes: z.strictObject({ command: z.literal('routes'), prefix: z.string().optional() }),
  announce: announceRequestSchema,
  withdraw: z.strictObject({ command: z.literal('withdraw'), prefix }),
  'bfd-peers': z.strictObject({ command: z.literal('bfd-peers') }),
};

type RequestOf<K extends keyof typeof requestSchemas> = z.input<(typeof requestSchemas)[K]>;

export type ControlRequest = { [K in keyof typeof requestSchemas]: RequestOf<K> }[keyof typeof requestSchemas];

export type ControlResponse = { ok: true; result: unknown } | { ok: false; error: string };

/** A control request that is not valid; the message names each field (`attributes.med: expected …`). */
export class ControlRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

const COMMANDS = Object.keys(requestSchemas).join(', ');

type Command = keyof typeof requestSchemas;

type Checked<K extends Command> = z.output<(typeof requestSchemas)[K]>;

function checked<K extends Command>(command: K, request: unknown): Checked<K> {
  try {
    return validateConfig(requestSchemas[command], request, `${command} request`) as Checked<K>;
  } catch (error) {
    if (error instanceof ConfigError) throw new ControlRequestError(error.problems.map(formatProblem).join('; '));
    throw error;
  }
}

export function executeControlRequest(speaker: BgpSpeaker, request: unknown, bfd: BfdService | undefined): unknown {
  const isObject = typeof request === 'object' && request !== null;
  const command = isObject ? (request as { command?: unknown }).command : undefined;
  switch (command) {
    case 'summary':
      checked(command, request);
      return speaker.summary();
    case 'routes': {
      const { prefix: wanted } = checked(command, request);
      return speaker.routes(wanted);
    }
    case 'announce': {
      const valid = checked(command, request);
      const attributes = announcementAttributes(valid.attributes ?? {});
      speaker.announce(valid.prefix, attributes, announcementOptions(valid.options ?? {}));
      return { announced: valid.prefix };
    }
    case 'withdraw': {
      const valid = checked(command, request);
      speaker.withdraw(valid.prefix);
      return { withdrawn: valid.prefix };
    }
    case 'bfd-peers':
      checked(command, request);
      // Rows shaped like FRR's `show bfd peers json`; empty when no peer has `bfd: true`.
      return bfd?.bfdPeersSnapshot() ?? [];
    default:
      throw new ControlRequestError(`unknown command ${JSON.stringify(command) ?? '(none)'}: use ${COMMANDS}`);
  }
}
