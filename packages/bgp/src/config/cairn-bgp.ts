// The cairn-bgp configuration file: the router, its peers, the BFD profile and the announcements, with the checks
// that span fields (a peer configured twice, an announcement listed twice).
import { z } from 'zod';
import { toPrefix } from '../rib/prefix-text.js';
import { normalizeAddress } from '../transport/types.js';
import { formatPrefix } from '../wire/address.js';
import { announcementSchema } from './announcement.js';
import { bfdProfileSchema } from './bfd.js';
import { setting } from './impact.js';
import { daemonPeerSchema } from './peer.js';
import { routerShape } from './router.js';

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: string,
  what: string,
  context: z.RefinementCtx,
) {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const k = key(item);
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, index);
    else {
      const message = `${what} ${k} is already configured at [${earlier}]`;
      context.addIssue({ code: 'custom', path: [index, field], message });
    }
  });
}

/** The prefix as the RIB writes it, so `2001:DB8::/32` and `2001:db8::/32` are one. */
export function prefixKey(text: string): string {
  try {
    return formatPrefix(toPrefix(text));
  } catch {
    return text;
  }
}

export const cairnBgpConfigSchema = z.strictObject({
  ...routerShape,
  bfd: setting(bfdProfileSchema.optional(), {
    description: 'BFD timers (RFC 5880) for peers with `bfd: true`',
    default: 'FRR’s: 300 ms, 300 ms, 3',
    impact: 'restart',
  }),
  peers: setting(
    z
      .array(daemonPeerSchema)
      .superRefine((peers, context) =>
        duplicates(peers, (p) => normalizeAddress(p.address), 'address', 'peer', context),
      ),
    { description: 'the BGP neighbours', impact: 'session reset' },
  ),
  announce: setting(
    z
      .array(announcementSchema)
      .optional()
      .superRefine((list, context) => duplicates(list ?? [], (a) => prefixKey(a.prefix), 'prefix', 'prefix', context)),
    { description: 'prefixes this speaker originates', default: 'none', impact: 'nothing' },
  ),
});

export type CairnBgpConfig = z.output<typeof cairnBgpConfigSchema>;
