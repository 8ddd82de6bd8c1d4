// AS_PATH / AS4_PATH segments (RFC 4271 §4.3, RFC 5065 §3, RFC 6793) and the RFC 6793 §4.2.3 merge.
import type { AsPathSegment, AsPathSegmentType } from './types.js';
import { BgpEncodeError } from './errors.js';
import type { ByteWriter } from './writer.js';

/** RFC 6793 §9: the 2-octet placeholder for a 4-octet ASN. */
export const AS_TRANS = 23456;

const SEGMENT_TYPE: Record<number, AsPathSegmentType> = {
  1: 'set',
  2: 'sequence',
  3: 'confed-sequence',
  4: 'confed-set',
};
export const SEGMENT_CODE: Record<AsPathSegmentType, number> = {
  set: 1,
  sequence: 2,
  'confed-sequence': 3,
  'confed-set': 4,
};

/**
 * Parses segments of `asSize`-byte ASNs from `bytes[start, end)`. Returns a reason string when the
 * path is malformed (RFC 7606 §7.2: unknown segment type, zero-length segment, overrun, or fewer than
 * two bytes left).
 */
export function decodeAsPath(bytes: Uint8Array, start: number, end: number, asSize: 2 | 4): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let o = start;
  while (o < end) {
    if (end - o < 2) return 'a segment header is truncated';
    const type = SEGMENT_TYPE[bytes[o]!];
    const count = bytes[o + 1]!;
    if (!type) return `unknown segment type ${bytes[o]}`;
    if (count === 0) return 'a segment has zero ASNs';
    o += 2;
    if (o + count * asSize > end) return 'a segment overruns the attribute';
    const asns = new Array<number>(count);
    if (asSize === 4) {
      for (let i = 0; i < count; i++, o += 4)
        asns[i] = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
    } else {
      for (let i = 0; i < count; i++, o += 2) asns[i] = (bytes[o]! << 8) | bytes[o + 1]!;
    }
    segments.push({ type, asns });
  }
  return segments;
}

/**
 * Writes segments with `asSize`-byte ASNs, splitting any longer than 255 ASNs. With 2-byte ASNs, an
 * ASN that does not fit is written as AS_TRANS (RFC 6793 §4.2.2).
 */
export function writeAsPath(w: ByteWriter, segments: readonly AsPathSegment[], asSize: 2 | 4): void {
  for (const segment of segments) {
    const asns = segment.asns;
    for (let from = 0; from < asns.length; from += 255) {
      const to = Math.min(asns.length, from + 255);
      w.u8(SEGMENT_CODE[segment.type]).u8(to - from);
      for (let i = from; i < to; i++) {
        const asn = asns[i]!;
        if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff)
          throw new BgpEncodeError(`ASN ${asn} is not a 32-bit unsigned integer`);
        if (asSize === 4) w.u32(asn);
        else w.u16(asn > 0xffff ? AS_TRANS : asn);
      }
    }
  }
}

/** RFC 4271 §9.1.2.2 a) path length: a set counts one, confederation segments count zero (RFC 5065 §5.3). */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === 'sequence') n += s.asns.length;
    else if (s.type === 'set') n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: rebuilds the 4-octet path from a 2-octet AS_PATH and an AS4_PATH. When the
 * AS_PATH is shorter than the AS4_PATH the AS4_PATH is ignored; otherwise the leading
 * (length difference) ASes of the AS_PATH are kept and the AS4_PATH appended.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const as4 = as4Path.filter((s) => s.type === 'sequence' || s.type === 'set');
  let keep = asPathLength(asPath) - asPathLength(as4);
  if (keep < 0) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  const merged: AsPathSegment[] = [];
  let keptPartially = false;
  for (const segment of asPath) {
    if (segment.type === 'confed-sequence' || segment.type === 'confed-set') {
      merged.push({ type: segment.type, asns: [...segment.asns] });
      continue;
    }
    if (keep === 0) break;
    if (segment.type === 'set') {
      merged.push({ type: 'set', asns: [...segment.asns] });
      keep -= 1;
    } else {
      const take = Math.min(keep, segment.asns.length);
      merged.push({ type: 'sequence', asns: segment.asns.slice(0, take) });
      keptPartially = take < segment.asns.length;
      keep -= take;
    }
  }
  // The kept head of a split AS_SEQUENCE and the first AS4_PATH sequence are one segment again.
  as4.forEach((segment, i) => {
    const last = merged[merged.length - 1];
    if (i === 0 && segment.type === 'sequence' && last?.type === 'sequence' && keptPartially)
      last.asns.push(...segment.asns);
    else merged.push({ type: segment.type, asns: [...segment.asns] });
  });
  return merged;
}
