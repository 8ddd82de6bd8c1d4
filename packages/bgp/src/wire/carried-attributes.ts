// Structural checks of path attributes Cairn knows of but does not implement, and so passes on
// (optional transitive, with Partial set: RFC 4271 §5) or ignores. Passing on a malformed one makes
// the next speaker that does implement it reset its session (FRR: NOTIFICATION 3/10 for a broken
// Tunnel Encapsulation attribute), so each is checked against its RFC's structure here and handled
// as that RFC prescribes (RFC 7606 §2 outcomes).
import type { ErrorAction } from './errors.js';

export const CARRIED_ATTRIBUTE = {
  PMSI_TUNNEL: 22,
  TUNNEL_ENCAPSULATION: 23,
  BGP_LS: 29,
  PREFIX_SID: 40,
  ATTR_SET: 128,
} as const;

export interface CarriedAttributeRule {
  name: string;
  /** What a malformed one causes, and the section that says so. */
  action: Exclude<ErrorAction, 'session-reset'>;
  citation: string;
  /** Why `bytes[v, end)` is malformed, or undefined when it is well formed. */
  check(bytes: Uint8Array, v: number, end: number): string | undefined;
}

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/**
 * Walks TLVs filling `[v, end)` exactly: `typeSize`-octet type, then a length of `lengthSize(type)`
 * octets. Calls `each` with every TLV's type and value range; returns the first problem.
 */
function walkTlvs(
  bytes: Uint8Array,
  v: number,
  end: number,
  typeSize: 1 | 2,
  lengthSize: (type: number) => 1 | 2,
  what: string,
  each?: (type: number, start: number, stop: number) => string | undefined,
): string | undefined {
  let o = v;
  while (o < end) {
    if (end - o < typeSize + 1) return `${what} header truncated at offset ${o - v}`;
    const type = typeSize === 1 ? bytes[o]! : u16(bytes, o);
    const ls = lengthSize(type);
    if (end - o < typeSize + ls) return `${what} ${type} header truncated`;
    const length = ls === 1 ? bytes[o + typeSize]! : u16(bytes, o + typeSize);
    const start = o + typeSize + ls;
    if (start + length > end) return `${what} ${type} length ${length} overruns the attribute`;
    const problem = each?.(type, start, start + length);
    if (problem) return problem;
    o = start + length;
  }
  return undefined;
}

/**
 * RFC 9012 §2: TLVs of Tunnel Type (2) and Length (2), whose value is sub-TLVs (§3: 1-octet length
 * below sub-TLV type 128, 2 octets from 128 on).
 */
function checkTunnelEncapsulation(bytes: Uint8Array, v: number, end: number): string | undefined {
  if (end === v) return 'empty';
  return walkTlvs(
    bytes,
    v,
    end,
    2,
    () => 2,
    'tunnel TLV',
    (_type, start, stop) => walkTlvs(bytes, start, stop, 1, (sub) => (sub < 128 ? 1 : 2), 'sub-TLV'),
  );
}

/** RFC 8669 §3: TLVs of Type (1) and Length (2); Label-Index (1) is 7 octets, Originator SRGB (3) 2 + 6n (n ≥ 1). */
function checkPrefixSid(bytes: Uint8Array, v: number, end: number): string | undefined {
  if (end === v) return 'empty';
  return walkTlvs(
    bytes,
    v,
    end,
    1,
    () => 2,
    'TLV',
    (type, start, stop) => {
      const length = stop - start;
      if (type === 1 && length !== 7) return `Label-Index TLV length ${length}, not 7`;
      if (type === 3 && (length < 8 || (length - 2) % 6 !== 0))
        return `Originator SRGB TLV length ${length}, not 2 + 6n`;
      return undefined;
    },
  );
}

/** RFC 7752 §3.3: TLVs of Type (2) and Length (2). */
function checkBgpLs(bytes: Uint8Array, v: number, end: number): string | undefined {
  if (end === v) return 'empty';
  return walkTlvs(bytes, v, end, 2, () => 2, 'TLV');
}

/** RFC 6514 §5: Flags (1), Tunnel Type (1), MPLS Label (3), then the Tunnel Identifier. */
function checkPmsiTunnel(_bytes: Uint8Array, v: number, end: number): string | undefined {
  return end - v < 5 ? `length ${end - v}, at least 5 needed` : undefined;
}

/** RFC 6368 §5: Origin AS (4), then path attributes, each header and value within the attribute. */
function checkAttrSet(bytes: Uint8Array, v: number, end: number): string | undefined {
  if (end - v < 4) return `length ${end - v}, at least 4 needed (origin AS)`;
  let o = v + 4;
  while (o < end) {
    const extended = (bytes[o]! & 0x10) !== 0;
    if (end - o < (extended ? 4 : 3)) return 'an inner attribute header is truncated';
    const type = bytes[o + 1]!;
    const length = extended ? u16(bytes, o + 2) : bytes[o + 2]!;
    o += (extended ? 4 : 3) + length;
    if (o > end) return `inner attribute ${type} overruns ATTR_SET`;
  }
  return undefined;
}

const rule = (
  name: string,
  action: CarriedAttributeRule['action'],
  citation: string,
  check: CarriedAttributeRule['check'],
) => ({
  name,
  action,
  citation,
  check,
});

export const CARRIED_ATTRIBUTE_RULES: ReadonlyMap<number, CarriedAttributeRule> = new Map([
  // RFC 6514 predates RFC 7606 and names no outcome; RFC 7606 §2 prefers treat-as-withdraw (as FRR does).
  [
    CARRIED_ATTRIBUTE.PMSI_TUNNEL,
    rule('PMSI_TUNNEL', 'treat-as-withdraw', 'RFC 6514 §5, RFC 7606 §2', checkPmsiTunnel),
  ],
  [
    CARRIED_ATTRIBUTE.TUNNEL_ENCAPSULATION,
    rule('TUNNEL_ENCAPSULATION', 'treat-as-withdraw', 'RFC 9012 §13, RFC 7606 §7.13', checkTunnelEncapsulation),
  ],
  [CARRIED_ATTRIBUTE.BGP_LS, rule('BGP-LS', 'attribute-discard', 'RFC 7752 §8.2.2', checkBgpLs)],
  [CARRIED_ATTRIBUTE.PREFIX_SID, rule('PREFIX_SID', 'attribute-discard', 'RFC 8669 §6', checkPrefixSid)],
  [CARRIED_ATTRIBUTE.ATTR_SET, rule('ATTR_SET', 'treat-as-withdraw', 'RFC 6368 §5, RFC 7606 §7.16', checkAttrSet)],
]);
