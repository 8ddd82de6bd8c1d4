// The clock a session runs on: time for the FSM and timers for its deadlines. Injected so that
// embedders (and tests) control time.

export interface Clock {
  /** Milliseconds, monotonic enough for timers (differences matter, not the epoch). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
