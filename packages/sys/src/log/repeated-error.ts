// One log line per interval for an error that repeats, with a count, and never a stack trace: a flood of
// hostile input (solicitations from 4,096 sources, a peer resending what cannot be encoded) must not turn
// into a flood of log lines. The first occurrence of a kind is logged at once; repeats within the interval
// are counted and summed up in one line when it ends; a kind that stops repeating is forgotten.

/** What the limiter needs of a logger (pino's `Logger` fits). */
export interface WarningLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RepeatedErrorLogOptions {
  /** How long repeats are counted before one line sums them up (default 10 s). */
  intervalMs?: number;
  /** Kinds followed at once (default 256); repeats of further kinds are counted under one `other` kind. */
  maxKinds?: number;
}

interface Kind {
  repeats: number;
  last: { message: string; error: string; fields: Record<string, unknown> };
  timer: NodeJS.Timeout;
}

const OTHER = '\0other';

/** The message of an error without its stack: `Error.message`, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RepeatedErrorLog {
  private readonly intervalMs: number;
  private readonly maxKinds: number;
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly logger: WarningLogger,
    options: RepeatedErrorLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.maxKinds = options.maxKinds ?? 256;
  }

  /**
   * Logs `message: <error text>` with `fields` the first time `kind` happens; counts it when it happened
   * already in this interval. `kind` names the error, not the occasion (`eth0 sendto EINVAL`, not a source
   * address): every distinct kind may cost one line per interval.
   */
  report(kind: string, message: string, error: unknown, fields: Record<string, unknown> = {}): void {
    const key = this.kinds.has(kind) || this.kinds.size < this.maxKinds ? kind : OTHER;
    const last = { message, error: errorText(error), fields };
    const known = this.kinds.get(key);
    if (known) {
      known.repeats++;
      known.last = last;
      return;
    }
    if (key !== OTHER) this.write(last, 0);
    const timer = setTimeout(() => this.endInterval(key), this.intervalMs);
    timer.unref();
    this.kinds.set(key, { repeats: key === OTHER ? 1 : 0, last, timer });
  }

  /** Writes the counts not yet logged and forgets every kind (call it when the component stops). */
  flush(): void {
    for (const [key, kind] of this.kinds) {
      clearTimeout(kind.timer);
      if (kind.repeats > 0) this.write(kind.last, kind.repeats);
      this.kinds.delete(key);
    }
  }

  private endInterval(key: string): void {
    const kind = this.kinds.get(key);
    if (!kind) return;
    if (kind.repeats === 0) {
      this.kinds.delete(key);
      return;
    }
    this.write(kind.last, kind.repeats);
    kind.repeats = 0;
    kind.timer = setTimeout(() => this.endInterval(key), this.intervalMs);
    kind.timer.unref();
  }

  private write(last: Kind['last'], repeats: number): void {
    const seconds = this.intervalMs / 1000;
    const text =
      repeats === 0
        ? `${last.message}: ${last.error}`
        : `${last.message}: ${last.error} (${repeats} more in ${seconds} s)`;
    this.logger.warn(
      { ...last.fields, error: last.error, ...(repeats > 0 ? { repeats, intervalSeconds: seconds } : {}) },
      text,
    );
  }
}
