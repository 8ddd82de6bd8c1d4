// The policy schema: prefix lists, matches, actions and results, checked in full (an unknown key such as
// `comunity`, or `result: maybe`, is an error with its path). The Policy type is derived from it.
import { asNumber, prefix, prefixProblem } from '@cairn/sys';
import { z } from 'zod';
import { ACCEPT_ALL, REJECT_ALL } from '../policy/types.js';
import { community, largeCommunity } from './community.js';
import { integer, uint32 } from './numbers.js';

const prefixLength = integer(0, 128);

export const prefixListEntrySchema = z
  .strictObject({
    action: z.enum(['permit', 'deny']).meta({ description: 'what a matching prefix gets' }),
    prefix: prefix.meta({ description: 'the prefix the entry covers (host bits clear)' }),
    ge: prefixLength.optional().meta({ description: 'match prefixes at least this long', default: 'the entry length' }),
    le: prefixLength.optional().meta({
      description: 'match prefixes at most this long',
      default: 'the family maximum when ge is given, else the entry length',
    }),
  })
  .superRefine((entry, context) => {
    if (entry.ge === undefined && entry.le === undefined) return;
    if (prefixProblem(entry.prefix) !== undefined) return;
    const length = Number(entry.prefix.slice(entry.prefix.indexOf('/') + 1));
    const max = entry.prefix.includes(':') ? 128 : 32;
    const ge = entry.ge ?? length;
    const le = entry.le ?? max;
    // As FRR: length <= ge <= le <= the family's maximum.
    if (!(length <= ge && ge <= le && le <= max)) {
      const path = entry.le !== undefined && (le > max || ge > le) ? 'le' : 'ge';
      context.addIssue({ code: 'custom', path: [path], message: `need ${length} <= ge <= le <= ${max}` });
    }
  });

export const prefixListSchema = z.strictObject({
  name: z.string().optional().meta({ description: 'a name for logs' }),
  entries: z
    .array(prefixListEntrySchema)
    .meta({ description: 'the first matching entry decides; a prefix no entry matches is denied (as in FRR)' }),
});

function communityActions<T extends z.ZodType>(value: T, what: string) {
  return z.strictObject({
    set: z
      .array(value)
      .optional()
      .meta({ description: `replace all ${what} with these (an empty list removes them)` }),
    add: z
      .array(value)
      .optional()
      .meta({ description: `add these ${what}` }),
    delete: z
      .array(value)
      .optional()
      .meta({ description: `remove these ${what}` }),
  });
}

export const policyMatchSchema = z.strictObject({
  prefixList: prefixListSchema.optional().meta({ description: 'the prefix is permitted by this list' }),
  family: z.enum(['ipv4', 'ipv6']).optional().meta({ description: 'the route is of this family' }),
  community: z.array(community).optional().meta({ description: 'the route carries at least one of these' }),
  largeCommunity: z.array(largeCommunity).optional().meta({ description: 'the route carries at least one of these' }),
  asPathContains: asNumber.optional().meta({ description: 'the AS_PATH contains this AS' }),
});

export const policyActionsSchema = z.strictObject({
  localPref: uint32.optional().meta({ description: 'set LOCAL_PREF (RFC 4271 §5.1.5)' }),
  med: uint32.optional().meta({ description: 'set MULTI_EXIT_DISC (RFC 4271 §5.1.4)' }),
  communities: communityActions(community, 'communities').optional().meta({ description: 'RFC 1997 communities' }),
  largeCommunities: communityActions(largeCommunity, 'large communities')
    .optional()
    .meta({ description: 'RFC 8092 large communities' }),
  prependAs: z
    .strictObject({
      asn: asNumber.optional().meta({ description: 'the AS to prepend', default: 'the local AS' }),
      count: integer(1, 255).meta({ description: 'how many copies' }),
    })
    .optional()
    .meta({ description: 'prepend to the AS_PATH (RFC 4271 §5.1.2)' }),
  nextHopSelf: z.boolean().optional().meta({
    description: "export only: this speaker's address as next hop, also towards iBGP peers",
    default: 'false',
  }),
});

export const policyTermSchema = z.strictObject({
  name: z.string().optional().meta({ description: 'a name for logs' }),
  match: policyMatchSchema.optional().meta({ description: 'every condition given must hold', default: 'every route' }),
  actions: policyActionsSchema.optional().meta({ description: 'changes made to accepted routes' }),
  result: z.enum(['accept', 'reject']).meta({ description: 'what a matching route gets' }),
});

const POLICY_EXPECTED = 'expected accept-all, reject-all or a policy { terms: [...] }';

export const policySchema = z
  .strictObject(
    {
      name: z.string().optional().meta({ description: 'a name for logs' }),
      terms: z.array(policyTermSchema).meta({ description: 'in order: the first term that matches decides' }),
      defaultResult: z
        .enum(['accept', 'reject'])
        .optional()
        .meta({ description: 'what a route no term matched gets', default: 'reject' }),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? POLICY_EXPECTED : undefined) },
  )
  .meta({
    id: 'policy',
    description:
      'An ordered list of terms (a route-map): the first matching term accepts (with its actions) or rejects.',
  });

/** A policy in a configuration: `accept-all`, `reject-all` or a policy object. */
export const policyReference = z.preprocess(
  (value) => (value === 'accept-all' ? ACCEPT_ALL : value === 'reject-all' ? REJECT_ALL : value),
  policySchema,
);
