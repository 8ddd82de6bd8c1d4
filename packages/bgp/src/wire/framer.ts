// Splits a TCP byte stream into whole BGP messages (RFC 4271 §4.1), checking each header as soon as
// its 19 bytes are in, so a desynchronised or hostile stream is refused before its body is buffered.
import { checkHeader, HEADER_LENGTH } from './header.js';
import { DEFAULT_CODEC_CONTEXT } from './types.js';
import type { CodecContext } from './types.js';

export class MessageFramer {
  private pending: Uint8Array = new Uint8Array(0);

  /** `ctx` is asked per message, so the limits follow what the session negotiated (RFC 8654). */
  constructor(private readonly ctx: () => CodecContext = () => DEFAULT_CODEC_CONTEXT) {}

  /**
   * Adds `chunk` and returns every message now complete (each a standalone copy, header included).
   * Throws BgpDecodeError (Message Header Error) on a bad header; the session must then be reset.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    let buffer: Uint8Array;
    if (this.pending.length === 0) {
      buffer = chunk;
    } else {
      buffer = new Uint8Array(this.pending.length + chunk.length);
      buffer.set(this.pending);
      buffer.set(chunk, this.pending.length);
    }
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (buffer.length - offset >= HEADER_LENGTH) {
      const { length } = checkHeader(buffer, offset, this.ctx());
      if (buffer.length - offset < length) break;
      messages.push(buffer.slice(offset, offset + length));
      offset += length;
    }
    this.pending = offset === buffer.length ? new Uint8Array(0) : buffer.slice(offset);
    return messages;
  }

  /** Bytes received but not yet part of a whole message. */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}
