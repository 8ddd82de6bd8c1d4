// The announcement schema: a prefix this speaker originates, with its attributes. The daemon's file and its
// control socket check announcements with this one schema.
import { prefix } from '@cairn/sys';
import { z } from 'zod';
import { community, largeCommunity } from './community.js';
import { setting } from './impact.js';
import { uint32 } from './numbers.js';

export const announcementAttributesShape = {
  origin: setting(z.enum(['igp', 'egp', 'incomplete']).optional(), {
    description: 'ORIGIN (RFC 4271 §5.1.1)',
    default: 'igp',
    impact: 'nothing',
  }),
  med: setting(uint32.optional(), { description: 'MULTI_EXIT_DISC (RFC 4271 §5.1.4)', impact: 'nothing' }),
  localPref: setting(uint32.optional(), {
    description: 'LOCAL_PREF towards iBGP peers (RFC 4271 §5.1.5)',
    default: '100',
    impact: 'nothing',
  }),
  communities: setting(z.array(community).optional(), {
    description: 'RFC 1997 communities: `65053:100`, a well-known name (`no-export`, …) or a 32-bit integer',
    impact: 'nothing',
  }),
  largeCommunities: setting(z.array(largeCommunity).optional(), {
    description: 'RFC 8092 large communities `global:local1:local2`',
    impact: 'nothing',
  }),
};

export const announcementOptionsShape = {
  aggregate: setting(z.boolean().optional(), {
    description: 'an aggregate (RFC 4271 §9.2.2.2): carries ATOMIC_AGGREGATE and AGGREGATOR',
    default: 'false',
    impact: 'nothing',
  }),
  onlyWithContributors: setting(z.boolean().optional(), {
    description: 'an aggregate announced only while a more specific route inside it is in the RIB',
    default: 'false',
    impact: 'nothing',
  }),
};

const prefixField = setting(prefix, { description: 'the prefix to originate, host bits clear', impact: 'nothing' });

function onlyWithContributorsNeedsAggregate(
  value: { aggregate?: boolean | undefined; onlyWithContributors?: boolean | undefined },
  context: z.RefinementCtx,
): void {
  if (value.onlyWithContributors && !value.aggregate) {
    context.addIssue({ code: 'custom', path: ['onlyWithContributors'], message: 'needs aggregate: true' });
  }
}

export const announcementSchema = z
  .strictObject({ prefix: prefixField, ...announcementAttributesShape, ...announcementOptionsShape })
  .superRefine(onlyWithContributorsNeedsAggregate);

export type Announcement = z.output<typeof announcementSchema>;

/** An `announce` request of the control socket: the same fields, as attributes and options. */
export const announceRequestSchema = z.strictObject({
  command: z.literal('announce'),
  prefix: prefixField,
  attributes: z.strictObject(announcementAttributesShape).optional(),
  options: z.strictObject(announcementOptionsShape).superRefine(onlyWithContributorsNeedsAggregate).optional(),
});
