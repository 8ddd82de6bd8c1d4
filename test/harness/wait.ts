import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the error message ("FRR session to 10.0.0.2 Established"). */
  what: string;
  /** Deadline in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Poll interval in milliseconds (default 100 ms). */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or throws when the deadline
 * passes. The error names what was awaited and the last value or error the probe gave.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 100;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${options.what} (last: ${detail})`,
      );
    }
    await sleep(interval);
  }
}
