// Prefix lists with ge/le, compiled so matching a prefix is a few integer operations (IPv4) or a
// byte comparison (IPv6). ip-num parses the configured text once.
import { AFI, type Prefix } from '../wire/types.js';
import { toPrefix, prefixCovers } from '../rib/prefix-text.js';
import { PolicyConfigError } from './community.js';
import type { PrefixList } from './types.js';

interface CompiledEntry {
  permit: boolean;
  prefix: Prefix;
  /** IPv4 only: network and mask as signed 32-bit integers. */
  network: number;
  mask: number;
  min: number;
  max: number;
}

/** A compiled prefix list: `matches(prefix)` is true when the first matching entry permits. */
export class PrefixListMatcher {
  private readonly entries: CompiledEntry[];

  constructor(readonly list: PrefixList) {
    this.entries = list.entries.map((entry, index) => {
      let prefix: Prefix;
      try {
        prefix = toPrefix(entry.prefix);
      } catch (error) {
        throw new PolicyConfigError(`prefix list ${list.name ?? ''} entry ${index + 1}: ${(error as Error).message}`);
      }
      const familyMax = prefix.afi === AFI.IPV4 ? 32 : 128;
      const hasRange = entry.ge !== undefined || entry.le !== undefined;
      const min = entry.ge ?? prefix.length;
      const max = entry.le ?? (entry.ge !== undefined ? familyMax : prefix.length);
      // As FRR: ge and le must satisfy len <= ge <= le <= family maximum.
      if (hasRange && !(prefix.length <= min && min <= max && max <= familyMax)) {
        throw new PolicyConfigError(
          `prefix list ${list.name ?? ''} entry ${index + 1} (${entry.prefix} ge ${entry.ge ?? '-'} le ${entry.le ?? '-'}): need length <= ge <= le <= ${familyMax}`,
        );
      }
      const a = prefix.address;
      const network = prefix.afi === AFI.IPV4 ? (a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]! | 0 : 0;
      const mask = prefix.length === 0 ? 0 : (-1 << (32 - prefix.length)) | 0;
      return { permit: entry.action === 'permit', prefix, network, mask, min, max };
    });
  }

  matches(prefix: Prefix): boolean {
    const v4 = prefix.afi === AFI.IPV4;
    const address = v4
      ? (prefix.address[0]! << 24) | (prefix.address[1]! << 16) | (prefix.address[2]! << 8) | prefix.address[3]! | 0
      : 0;
    for (const entry of this.entries) {
      if (entry.prefix.afi !== prefix.afi || prefix.length < entry.min || prefix.length > entry.max) continue;
      const covered = v4 ? (address & entry.mask) === entry.network : prefixCovers(entry.prefix, prefix);
      if (covered) return entry.permit;
    }
    return false;
  }
}
