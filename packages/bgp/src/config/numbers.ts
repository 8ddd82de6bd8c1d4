// Integer fields whose errors say the range, e.g. `med: expected an integer 0–4294967295`.
import { z } from 'zod';

export function integer(min: number, max: number): z.ZodNumber {
  const message = `expected an integer ${min}–${max}`;
  return z
    .number({ error: message })
    .int({ error: message, abort: true })
    .min(min, { error: message, abort: true })
    .max(max, { error: message });
}

/** RFC 4271 §4.3: MED and LOCAL_PREF are four-octet unsigned values. */
export const uint32 = integer(0, 4294967295);
