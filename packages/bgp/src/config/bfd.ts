// The BFD profile: the timers of the BFD sessions of peers with `bfd: true` (RFC 5880 §6.8.1).
import { z } from 'zod';
import { setting } from './impact.js';
import { integer } from './numbers.js';

export const bfdProfileSchema = z.strictObject({
  transmitIntervalMs: setting(integer(10, 60000).optional(), {
    description: 'Desired Min TX Interval once Up, milliseconds',
    default: '300',
    impact: 'restart',
  }),
  receiveIntervalMs: setting(integer(10, 60000).optional(), {
    description: 'Required Min RX Interval, milliseconds',
    default: '300',
    impact: 'restart',
  }),
  detectMultiplier: setting(integer(2, 255).optional(), {
    description: 'Detect Mult: packets missed before the session is declared down',
    default: '3',
    impact: 'restart',
  }),
});

export type BfdProfile = z.output<typeof bfdProfileSchema>;
