// Communities as configured: RFC 1997 `65053:100`, a well-known name or a 32-bit integer; RFC 8092 large
// communities `global:local1:local2`. Checked by the same parsers the policy compiler uses.
import { z } from 'zod';
import { parseCommunity, parseLargeCommunity } from '../policy/community.js';
import type { CommunityText, LargeCommunityText } from '../policy/types.js';

function parsedBy<T>(parse: (value: T) => unknown) {
  return (value: T, context: z.RefinementCtx) => {
    try {
      parse(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  };
}

export const community = z
  .union([z.number(), z.string()], {
    error: 'expected a community: "asn:value", a well-known name or a 32-bit integer',
  })
  .superRefine(parsedBy<CommunityText>(parseCommunity))
  .meta({ typeName: 'community (`65053:100`, `no-export`, … or a 32-bit integer)' });

export const largeCommunity = z
  .union([z.string(), z.strictObject({ globalAdmin: z.number(), local1: z.number(), local2: z.number() })], {
    error: 'expected a large community "global:local1:local2"',
  })
  .superRefine(parsedBy<LargeCommunityText>(parseLargeCommunity))
  .meta({ typeName: 'large community (`65053:1:100`)' });
