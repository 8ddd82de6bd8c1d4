// Routing policy as configured: an ordered list of terms (a route-map), each matching routes and
// either accepting them with attribute changes or rejecting them. The first matching term decides;
// a route no term matches gets the policy's default (reject unless said otherwise).
import type { z } from 'zod';
import type {
  policyActionsSchema,
  policyMatchSchema,
  policySchema,
  policyTermSchema,
  prefixListEntrySchema,
  prefixListSchema,
} from '../config/policy.js';
import type { LargeCommunity } from '../wire/types.js';

/** One line of a prefix list (as FRR's `ip prefix-list … seq N permit P ge G le L`). */
export type PrefixListEntry = z.output<typeof prefixListEntrySchema>;
/** First matching entry decides; a prefix no entry matches is denied (as in FRR). */
export type PrefixList = z.output<typeof prefixListSchema>;

/** A community as a 32-bit number, "65000:100", or a well-known name ("no-export", "no-advertise", "blackhole", …). */
export type CommunityText = number | string;
/** A large community as a value or "global:local1:local2". */
export type LargeCommunityText = LargeCommunity | string;

/** Every given condition must hold. */
export type PolicyMatch = z.output<typeof policyMatchSchema>;

export interface CommunityActions<T> {
  /** Replace all with these (an empty list removes the attribute). */
  set?: T[];
  add?: T[];
  delete?: T[];
}

export type PolicyActions = z.output<typeof policyActionsSchema>;
export type PolicyTerm = z.output<typeof policyTermSchema>;
/** The schema (src/config/policy.ts) says what each field means. */
export type Policy = z.output<typeof policySchema>;

/** Accepts every route unchanged: the explicit "send/accept everything" an eBGP peer needs under RFC 8212. */
export const ACCEPT_ALL: Policy = Object.freeze({ name: 'accept-all', terms: [], defaultResult: 'accept' as const });
/** Rejects every route. */
export const REJECT_ALL: Policy = Object.freeze({ name: 'reject-all', terms: [], defaultResult: 'reject' as const });
