/**
 * The RFC 5952 text of an IPv6 address given as its eight 16-bit groups: lower-case hex, leading zeros
 * dropped, the longest run of two or more zero groups (the first of equal runs) written as "::" (§4.2).
 * The one place Cairn spells IPv6 addresses, whatever form (bytes, bigint) the caller holds them in.
 */
export function formatIpv6Groups(groups: ArrayLike<number>): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = Array.from({ length: 8 }, (_, i) => (groups[i] ?? 0).toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
