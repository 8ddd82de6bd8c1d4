// A growable big-endian byte writer for the encoders (network byte order, RFC 4271 §4).

export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    const b = this.buffer;
    b[this.length] = value >>> 8;
    b[this.length + 1] = value;
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    const b = this.buffer;
    const o = this.length;
    b[o] = value >>> 24;
    b[o + 1] = value >>> 16;
    b[o + 2] = value >>> 8;
    b[o + 3] = value;
    this.length += 4;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Writes `count` zero bytes (placeholders patched later). */
  zeros(count: number): this {
    this.ensure(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** Writes the first `count` bytes of `value`. */
  prefixBytes(value: Uint8Array, count: number): this {
    this.ensure(count);
    const b = this.buffer;
    const o = this.length;
    for (let i = 0; i < count; i++) b[o + i] = value[i]!;
    this.length += count;
    return this;
  }

  /** Overwrites a 16-bit value written earlier (lengths known only afterwards). */
  patchU16(offset: number, value: number): void {
    this.buffer[offset] = value >>> 8;
    this.buffer[offset + 1] = value;
  }

  patchU8(offset: number, value: number): void {
    this.buffer[offset] = value;
  }

  /** Opens a gap of `count` bytes at `offset`, moving what follows. */
  insertGap(offset: number, count: number): void {
    this.ensure(count);
    this.buffer.copyWithin(offset + count, offset, this.length);
    this.length += count;
  }

  /** What was written: the buffer itself when it is exactly full (sized up front), else a copy. */
  finish(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }
}
