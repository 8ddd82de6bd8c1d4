// A map from NLRI prefixes to values, laid out for a full Internet table (about 1,040,000 IPv4 and
// 230,000 IPv6 prefixes). One JavaScript Map per prefix length: an IPv4 key is the address as a
// signed 32-bit integer, which V8 stores unboxed (a Smi), so an entry costs the Map slot and nothing
// else; an IPv6 key is a short one-byte string of the address's significant bytes (6 chars for a /48).
// No per-prefix objects are kept; Prefix objects are rebuilt only when a caller iterates.
import { AFI, type Afi, type Prefix } from '../wire/types.js';

/** Maps prefixes of both families to values of type V. The ADD-PATH `pathId` is not part of the key. */
export class PrefixMap<V> {
  private readonly v4: (Map<number, V> | undefined)[] = new Array(33).fill(undefined);
  private readonly v6: (Map<string, V> | undefined)[] = new Array(129).fill(undefined);
  private count4 = 0;
  private count6 = 0;

  /** Number of prefixes of one family, or of both. */
  size(afi?: Afi): number {
    if (afi === AFI.IPV4) return this.count4;
    if (afi === AFI.IPV6) return this.count6;
    return this.count4 + this.count6;
  }

  get(prefix: Prefix): V | undefined {
    if (prefix.afi === AFI.IPV4) return this.v4[prefix.length]?.get(ipv4Key(prefix.address));
    return this.v6[prefix.length]?.get(ipv6Key(prefix.address, prefix.length));
  }

  has(prefix: Prefix): boolean {
    if (prefix.afi === AFI.IPV4) return this.v4[prefix.length]?.has(ipv4Key(prefix.address)) ?? false;
    return this.v6[prefix.length]?.has(ipv6Key(prefix.address, prefix.length)) ?? false;
  }

  set(prefix: Prefix, value: V): void {
    if (prefix.afi === AFI.IPV4) {
      const table = (this.v4[prefix.length] ??= new Map());
      const before = table.size;
      table.set(ipv4Key(prefix.address), value);
      this.count4 += table.size - before;
    } else {
      const table = (this.v6[prefix.length] ??= new Map());
      const before = table.size;
      table.set(ipv6Key(prefix.address, prefix.length), value);
      this.count6 += table.size - before;
    }
  }

  /** Removes a prefix; true when it was present. */
  delete(prefix: Prefix): boolean {
    if (prefix.afi === AFI.IPV4) {
      const table = this.v4[prefix.length];
      if (!table?.delete(ipv4Key(prefix.address))) return false;
      this.count4--;
      if (table.size === 0) this.v4[prefix.length] = undefined;
      return true;
    }
    const table = this.v6[prefix.length];
    if (!table?.delete(ipv6Key(prefix.address, prefix.length))) return false;
    this.count6--;
    if (table.size === 0) this.v6[prefix.length] = undefined;
    return true;
  }

  clear(afi?: Afi): void {
    if (afi !== AFI.IPV6) {
      this.v4.fill(undefined);
      this.count4 = 0;
    }
    if (afi !== AFI.IPV4) {
      this.v6.fill(undefined);
      this.count6 = 0;
    }
  }

  /** Calls `visit` for every entry (of one family, or both); the Prefix passed is freshly built. */
  forEach(visit: (value: V, prefix: Prefix) => void, afi?: Afi): void {
    if (afi !== AFI.IPV6) {
      for (let length = 0; length <= 32; length++) {
        const table = this.v4[length];
        if (table) for (const [key, value] of table) visit(value, ipv4Prefix(key, length));
      }
    }
    if (afi !== AFI.IPV4) {
      for (let length = 0; length <= 128; length++) {
        const table = this.v6[length];
        if (table) for (const [key, value] of table) visit(value, ipv6Prefix(key, length));
      }
    }
  }

  /** All prefixes (of one family, or both), as a new array. */
  prefixes(afi?: Afi): Prefix[] {
    const out: Prefix[] = [];
    this.forEach((_value, prefix) => out.push(prefix), afi);
    return out;
  }
}

/** The IPv4 address as a signed 32-bit integer (a Smi in V8). */
export function ipv4Key(address: Uint8Array): number {
  return (address[0]! << 24) | (address[1]! << 16) | (address[2]! << 8) | address[3]! | 0;
}

function ipv6Key(address: Uint8Array, length: number): string {
  const bytes = (length + 7) >> 3;
  let key = '';
  for (let i = 0; i < bytes; i++) key += String.fromCharCode(address[i]!);
  return key;
}

function ipv4Prefix(key: number, length: number): Prefix {
  const address = new Uint8Array(4);
  address[0] = key >>> 24;
  address[1] = (key >>> 16) & 0xff;
  address[2] = (key >>> 8) & 0xff;
  address[3] = key & 0xff;
  return { afi: AFI.IPV4, length, address };
}

function ipv6Prefix(key: string, length: number): Prefix {
  const address = new Uint8Array(16);
  for (let i = 0; i < key.length; i++) address[i] = key.charCodeAt(i);
  return { afi: AFI.IPV6, length, address };
}
