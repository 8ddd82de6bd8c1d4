// The router schema: who this speaker is and where it listens.
import { asNumber, ipAddress, port, routerId } from '@cairn/sys';
import { z } from 'zod';
import { setting } from './impact.js';
import { pathAttributesSchema } from './peer.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const routerShape = {
  localAs: setting(asNumber, { description: 'the local AS (RFC 6793: 4-octet)', impact: 'restart' }),
  routerId: setting(routerId, { description: 'BGP Identifier (RFC 6286), non-zero, dotted quad', impact: 'restart' }),
  listen: setting(z.array(ipAddress).optional(), {
    description: 'addresses to accept connections on; [] for none',
    default: '[0.0.0.0, ::]',
    impact: 'restart',
  }),
  port: setting(port.optional(), { description: 'TCP port to listen on', default: '179', impact: 'restart' }),
  logLevel: setting(z.enum(LOG_LEVELS).optional(), {
    description: 'pino log level',
    default: 'info',
    impact: 'nothing',
  }),
  control: setting(z.string().min(1).optional(), {
    description: 'path of the unix control socket',
    default: '/run/cairn-bgp.sock',
    impact: 'restart',
  }),
  pathAttributes: setting(pathAttributesSchema.optional(), {
    description: 'received path attribute handling for every peer without its own `pathAttributes`',
    default: 'none',
    impact: 'restart',
  }),
};

export const routerSchema = z.strictObject(routerShape);
