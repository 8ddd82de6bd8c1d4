// Configured handling of path attribute types (like FRR's `neighbor X path-attribute discard|
// treat-as-withdraw`): per peer, or for the whole speaker. A peer's list of one kind replaces the
// speaker's list of that kind; a type in both kinds is treated as withdraw (the stronger outcome).
import type { ConfiguredAttributeAction } from '../wire/types.js';

export interface PathAttributeRules {
  /** Attribute types removed from every UPDATE received (RFC 7606 attribute-discard). */
  discard?: number[];
  /** Attribute types whose presence withdraws the UPDATE's routes (RFC 7606 treat-as-withdraw). */
  treatAsWithdraw?: number[];
}

/** ORIGIN, AS_PATH, NEXT_HOP, MP_REACH_NLRI, MP_UNREACH_NLRI: they carry the route itself. */
const PROTECTED = new Map([
  [1, 'ORIGIN'],
  [2, 'AS_PATH'],
  [3, 'NEXT_HOP'],
  [14, 'MP_REACH_NLRI'],
  [15, 'MP_UNREACH_NLRI'],
]);

export class PathAttributesConfigError extends Error {
  override readonly name = 'PathAttributesConfigError';
}

/** Checks one `pathAttributes` setting; `where` names it in the error (e.g. "peers[0].pathAttributes"). */
export function validatePathAttributes(rules: PathAttributeRules | undefined, where: string): void {
  if (rules === undefined) return;
  for (const kind of ['discard', 'treatAsWithdraw'] as const) {
    const list = rules[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      throw new PathAttributesConfigError(`${where}.${kind} must be a list of attribute type codes`);
    }
    list.forEach((type, i) => {
      if (!Number.isInteger(type) || type < 1 || type > 255) {
        const got = String(type);
        throw new PathAttributesConfigError(`${where}.${kind}[${i}] must be an attribute type code 1-255, got ${got}`);
      }
      const name = PROTECTED.get(type);
      if (name) {
        const what = `${where}.${kind}[${i}]: ${name} (${type})`;
        throw new PathAttributesConfigError(`${what} carries the route itself and cannot be configured`);
      }
    });
  }
}

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
