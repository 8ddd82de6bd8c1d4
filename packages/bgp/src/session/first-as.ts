// enforce-first-as (RFC 4271 §6.3): an UPDATE from an external peer whose leftmost AS in AS_PATH is
// not the peer's AS is malformed. RFC 7606 §3 (and §7.2 for a malformed AS_PATH) turns that into
// treat-as-withdraw instead of a session reset. On by default for eBGP (as in FRR), off for iBGP;
// a route server that does not prepend its AS needs it off.
import { NOTIFICATION_CODE, UPDATE_ERROR_SUBCODE } from '../wire/errors.js';
import type { UpdateMessage } from '../wire/types.js';
import { rewriteAsWithdrawal } from '../wire/update.js';
import type { PeerConfig } from './config.js';

export function enforcesFirstAs(config: PeerConfig, localAs: number): boolean {
  return config.enforceFirstAs ?? config.remoteAs !== localAs;
}

/** Rewrites `update` into a withdrawal when it announces routes whose first AS is not `peerAs`; returns why, if so. */
export function checkFirstAs(update: UpdateMessage, peerAs: number): string | undefined {
  if (update.treatAsWithdraw) return undefined;
  const announces = update.nlri.length > 0 || (update.attributes.mpReach?.nlri.length ?? 0) > 0;
  if (!announces) return undefined;
  const first = update.attributes.asPath?.[0];
  if (first?.type === 'sequence' && first.asns[0] === peerAs) return undefined;
  const found = first ? `${first.type} ${first.asns[0] ?? '(empty)'}` : 'an empty AS_PATH';
  const reason = `enforce-first-as: AS_PATH starts with ${found}, not the peer's AS ${peerAs}`;
  const subcode = UPDATE_ERROR_SUBCODE.MALFORMED_AS_PATH;
  rewriteAsWithdrawal(update, { code: NOTIFICATION_CODE.UPDATE_MESSAGE, subcode, reason });
  return reason;
}
