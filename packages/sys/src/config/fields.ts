// Field schemas that every Cairn configuration shares: addresses, prefixes, AS numbers, ports. Each says in its
// error what a valid value looks like. Prefixes are strict: a router must not guess what `202.38.80.17/28` meant.
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { formatIpv6Groups } from '../address-text.js';
import { addressBytes } from '../sockaddr.js';

export const ipv4Address = z
  .string()
  .refine((value) => isIPv4(value), { message: 'not an IPv4 address (like 192.0.2.1)' })
  .meta({ description: 'IPv4 address, dotted quad' });

export const ipv6Address = z
  .string()
  .refine((value) => isIPv6(value), { message: 'not an IPv6 address (like 2001:db8::1)' })
  .meta({ description: 'IPv6 address (RFC 4291 text)' });

export const ipAddress = z
  .string()
  .refine((value) => isIP(value) !== 0, { message: 'not an IP address (like 192.0.2.1 or 2001:db8::1)' })
  .meta({ description: 'IPv4 or IPv6 address' });

/** A BGP Identifier (RFC 4271 §4.2; RFC 6286: any non-zero 32-bit value, written as an IPv4 address). */
export const routerId = ipv4Address
  .refine((value) => value !== '0.0.0.0', { message: 'the router id must not be 0.0.0.0 (RFC 6286 §2.1)' })
  .meta({ description: 'router id: a non-zero 32-bit value written as an IPv4 address' });

/** 1–4294967295 (RFC 6793); 0 is reserved (RFC 7607). */
export const asNumber = z
  .number()
  .int()
  .min(1, { message: 'AS 0 is reserved (RFC 7607)' })
  .max(4294967295, { message: 'an AS number has 32 bits (at most 4294967295)' })
  .meta({ description: 'autonomous system number, 1–4294967295' });

export const port = z.number().int().min(1).max(65535).meta({ description: 'TCP/UDP port, 1–65535' });

/** Why `text` is not a prefix with its host bits clear, or undefined when it is one. */
export function prefixProblem(text: string, family?: 4 | 6): string | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return 'not a prefix: write ADDRESS/LENGTH (like 202.38.80.16/28)';
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const version = isIP(address);
  if (version === 0) return `not a prefix: ${address} is not an IP address`;
  if (family !== undefined && version !== family) return `not an IPv${family} prefix`;
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) return `the prefix length must be 0–${max}`;
  const length = Number(lengthText);
  const bytes = addressBytes(address);
  for (let bit = length; bit < max; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) {
      return `host bits are set: did you mean ${networkOf(bytes, length, version)}/${length}?`;
    }
  }
  return undefined;
}

function networkOf(bytes: Uint8Array, length: number, version: number): string {
  const masked = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  if (version === 4) return masked.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((masked[i]! << 8) | masked[i + 1]!);
  return formatIpv6Groups(groups);
}

function prefixSchema(family?: 4 | 6) {
  return z.string().superRefine((value, context) => {
    const problem = prefixProblem(value, family);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

export const prefix = prefixSchema().meta({ description: 'IPv4 or IPv6 prefix ADDRESS/LENGTH, host bits clear' });
export const ipv4Prefix = prefixSchema(4).meta({ description: 'IPv4 prefix ADDRESS/LENGTH, host bits clear' });
export const ipv6Prefix = prefixSchema(6).meta({ description: 'IPv6 prefix ADDRESS/LENGTH, host bits clear' });
