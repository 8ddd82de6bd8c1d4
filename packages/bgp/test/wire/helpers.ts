// Test helpers: hex in and out, and whole messages assembled from hex bodies.
import { DEFAULT_CODEC_CONTEXT } from '../../src/wire/index.js';
import type { CodecContext } from '../../src/wire/index.js';

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/[\s_|]/g, ''), 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A whole message: 16 × 0xff, length, type, then `bodyHex`. */
export function message(type: number, bodyHex: string): Uint8Array {
  const body = fromHex(bodyHex);
  const out = new Uint8Array(19 + body.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >> 8;
  out[17] = out.length & 0xff;
  out[18] = type;
  out.set(body, 19);
  return out;
}

const u16hex = (n: number) => n.toString(16).padStart(4, '0');

/** An UPDATE from hex withdrawn routes, path attributes and NLRI (lengths computed). */
export function update(parts: { withdrawn?: string; attributes?: string; nlri?: string }): Uint8Array {
  const w = (parts.withdrawn ?? '').replace(/[\s_|]/g, '');
  const a = (parts.attributes ?? '').replace(/[\s_|]/g, '');
  return message(2, u16hex(w.length / 2) + w + u16hex(a.length / 2) + a + (parts.nlri ?? ''));
}

export function context(overrides: Partial<CodecContext> = {}): CodecContext {
  return { ...DEFAULT_CODEC_CONTEXT, ...overrides };
}

export const CTX4 = context({ fourOctetAs: true });
