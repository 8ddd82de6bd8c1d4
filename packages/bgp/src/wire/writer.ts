// A growable big-endian byte writer for the encoders (network byte order, RFC 4271 §4).

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Writes the first `count` bytes of `value`. */
  prefixBytes(value: Uint8Array, count: number): this {
    this.ensure(count);
    for (let i = 0; i < count; i++) this.buffer[this.length + i] = value[i]!;
    this.length += count;
    return this;
  }

  /** Overwrites a 16-bit value written earlier (lengths known only afterwards). */
  patchU16(offset: number, value: number): void {
    this.view.setUint16(offset, value);
  }

  patchU8(offset: number, value: number): void {
    this.buffer[offset] = value;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
