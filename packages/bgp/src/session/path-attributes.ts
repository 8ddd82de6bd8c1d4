// Configured handling of path attribute types (like FRR's `neighbor X path-attribute discard|
// treat-as-withdraw`): per peer, or for the whole speaker. A peer's list of one kind replaces the
// speaker's list of that kind; a type in both kinds is treated as withdraw (the stronger outcome).
import type { ConfiguredAttributeAction } from '../wire/types.js';

/** The configured lists (the `pathAttributes` setting; checked by its schema in src/config/peer.ts). */
export interface PathAttributeRules {
  /** Attribute types removed from every UPDATE received (RFC 7606 attribute-discard). */
  discard?: number[] | undefined;
  /** Attribute types whose presence withdraws the UPDATE's routes (RFC 7606 treat-as-withdraw). */
  treatAsWithdraw?: number[] | undefined;
}

/** ORIGIN, AS_PATH, NEXT_HOP, MP_REACH_NLRI, MP_UNREACH_NLRI carry the route itself: never configurable. */
export const ROUTE_CARRYING_ATTRIBUTES: ReadonlyMap<number, string> = new Map([
  [1, 'ORIGIN'],
  [2, 'AS_PATH'],
  [3, 'NEXT_HOP'],
  [14, 'MP_REACH_NLRI'],
  [15, 'MP_UNREACH_NLRI'],
]);

/** The decode-time actions for a peer, or undefined when none are configured. */
export function attributeActions(
  peer: PathAttributeRules | undefined,
  speaker: PathAttributeRules | undefined,
): Map<number, ConfiguredAttributeAction> | undefined {
  const discard = peer?.discard ?? speaker?.discard ?? [];
  const withdraw = peer?.treatAsWithdraw ?? speaker?.treatAsWithdraw ?? [];
  if (discard.length === 0 && withdraw.length === 0) return undefined;
  const out = new Map<number, ConfiguredAttributeAction>();
  for (const type of discard) out.set(type, 'attribute-discard');
  for (const type of withdraw) out.set(type, 'treat-as-withdraw');
  return out;
}
