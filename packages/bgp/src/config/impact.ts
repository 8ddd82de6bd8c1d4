// What changing a setting touches in a running speaker. Every configurable field carries one of these next to its
// schema (`.meta({ impact })`); updatePeer and the daemon's reload act on them, and the reference lists them.
import type { z } from 'zod';

export const CHANGE_IMPACTS = {
  nothing:
    'applied in place without a session reset or policy run (timers take effect the next time they run; ' +
    'a changed announcement is sent again)',
  'policy re-evaluation':
    'the routes are run through the new policy without a session reset (ROUTE-REFRESH, RFC 2918, for import)',
  'RIB limits': "the RIB's limits change at once and apply to the next UPDATE from the peer",
  transport: 'the transport (TCP-MD5 key, GTSM, port) is updated for the next connection; the session stays up',
  'session reset': 'the session is reset with Cease/Other Configuration Change (RFC 4486) to apply it',
  restart: 'needs a restart of the daemon: a reload with a new value is refused and the running configuration kept',
} as const;

export type ChangeImpact = keyof typeof CHANGE_IMPACTS;

/** The meta every configurable field has. */
export interface SettingMeta {
  description: string;
  /** The default as text, when the field has one. */
  default?: string;
  impact: ChangeImpact;
  typeName?: string;
}

/** A field with its description, default and change impact kept next to it. */
export function setting<S extends z.ZodType>(schema: S, meta: SettingMeta): S {
  return schema.meta({ ...meta }) as S;
}
