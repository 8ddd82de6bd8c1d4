// Textual communities: RFC 1997 "asn:value" and well-known names, RFC 8092 large communities.
import { WELL_KNOWN_COMMUNITY, type LargeCommunity } from '../wire/types.js';
import type { CommunityText, LargeCommunityText } from './types.js';

/** Thrown for a community that cannot be parsed; fix the policy text. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyConfigError';
  }
}

const NAMED: Record<string, number> = {
  'graceful-shutdown': WELL_KNOWN_COMMUNITY.GRACEFUL_SHUTDOWN,
  'accept-own': WELL_KNOWN_COMMUNITY.ACCEPT_OWN,
  blackhole: WELL_KNOWN_COMMUNITY.BLACKHOLE,
  'no-export': WELL_KNOWN_COMMUNITY.NO_EXPORT,
  'no-advertise': WELL_KNOWN_COMMUNITY.NO_ADVERTISE,
  'no-export-subconfed': WELL_KNOWN_COMMUNITY.NO_EXPORT_SUBCONFED,
  'local-as': WELL_KNOWN_COMMUNITY.NO_EXPORT_SUBCONFED,
  'no-peer': WELL_KNOWN_COMMUNITY.NOPEER,
};

const u16 = (text: string): number | undefined =>
  /^\d{1,5}$/.test(text) && Number(text) <= 0xffff ? Number(text) : undefined;
const u32 = (text: string): number | undefined =>
  /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : undefined;

/** A community as its 32-bit value. */
export function parseCommunity(community: CommunityText): number {
  if (typeof community === 'number') {
    if (Number.isInteger(community) && community >= 0 && community <= 0xffffffff) return community;
    throw new PolicyConfigError(`community ${community} is not a 32-bit unsigned value`);
  }
  const named = NAMED[community.toLowerCase()];
  if (named !== undefined) return named;
  const [high, low, extra] = community.split(':');
  const a = u16(high ?? '');
  const b = u16(low ?? '');
  if (extra !== undefined || a === undefined || b === undefined) {
    throw new PolicyConfigError(
      `community "${community}" is neither "asn:value" (two 16-bit numbers) nor a well-known name (${Object.keys(NAMED).join(', ')})`,
    );
  }
  return a * 0x10000 + b;
}

/** A large community value from "global:local1:local2" or a value. */
export function parseLargeCommunity(community: LargeCommunityText): LargeCommunity {
  const parts =
    typeof community === 'string'
      ? community.split(':')
      : [String(community.globalAdmin), String(community.local1), String(community.local2)];
  const values = parts.map(u32);
  if (parts.length !== 3 || values.some((v) => v === undefined)) {
    throw new PolicyConfigError(
      `large community "${typeof community === 'string' ? community : parts.join(':')}" is not "global:local1:local2" (three 32-bit numbers)`,
    );
  }
  return { globalAdmin: values[0]!, local1: values[1]!, local2: values[2]! };
}

export function largeCommunityEquals(a: LargeCommunity, b: LargeCommunity): boolean {
  return a.globalAdmin === b.globalAdmin && a.local1 === b.local1 && a.local2 === b.local2;
}

const NAME_OF = new Map<number, string>();
for (const [name, value] of Object.entries(NAMED)) if (!NAME_OF.has(value)) NAME_OF.set(value, name);

/** A community as text: its well-known name (RFC 1997, RFC 7999, RFC 8326), else "asn:value". */
export function formatCommunity(community: number): string {
  return NAME_OF.get(community) ?? `${Math.floor(community / 0x10000)}:${community & 0xffff}`;
}

/** RFC 8092 §3: "global:local1:local2". */
export function formatLargeCommunity(community: LargeCommunity): string {
  return `${community.globalAdmin}:${community.local1}:${community.local2}`;
}
