import type { BgpSpeaker, RouteView } from '@cairn/bgp';
import { pino, type Logger } from 'pino';
import type { FibRoute } from '../fib/route.js';

/** The part of a KernelFib the sync needs (a real KernelFib in production, bound to the VR's namespace). */
export interface FibWriter {
  upsert(route: FibRoute): Promise<void>;
  remove(route: FibRoute): Promise<void>;
  sync(desired: Iterable<FibRoute>): Promise<unknown>;
}

/**
 * Keeps the kernel's forwarding table in step with the BGP speaker's best paths, the job zebra does
 * for FRR: every best path learned from a peer becomes a `proto bgp` route via its next hop; locally
 * originated prefixes (the VR's own guest networks) are not installed. Changes are applied in order,
 * one at a time; a failure is logged and retried by the next full resync, never lost silently.
 */
export class BgpFibSync {
  private readonly logger: Logger;
  private queue: Promise<void> = Promise.resolve();
  private iterator: AsyncIterableIterator<unknown> | undefined;
  private failures = 0;

  constructor(
    private readonly speaker: Pick<BgpSpeaker, 'routes' | 'events'>,
    private readonly fib: FibWriter,
    logger?: Logger,
  ) {
    this.logger = logger ?? pino({ level: 'silent' });
  }

  /** Reconciles the kernel with the current best paths (removing leftovers of a previous run), then follows changes. */
  async start(): Promise<void> {
    const events = this.speaker.events();
    this.iterator = events;
    await this.resync();
    void (async () => {
      for await (const event of events) {
        if (event.type !== 'best-path') continue;
        const route = installable(event.best);
        void this.enqueue(event.prefix, () =>
          route ? this.fib.upsert(route) : this.fib.remove({ prefix: event.prefix, nextHops: [] }),
        );
      }
    })();
  }

  /** Makes the kernel hold exactly the installable best paths. */
  async resync(): Promise<void> {
    const desired = this.speaker
      .routes()
      .map(installable)
      .filter((route): route is FibRoute => route !== undefined);
    await this.enqueue('all', () => this.fib.sync(desired).then(() => undefined));
  }

  /** Waits until every change seen so far is in the kernel. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Failed kernel operations since start (each is logged with the prefix). */
  get failureCount(): number {
    return this.failures;
  }

  async stop(): Promise<void> {
    await this.iterator?.return?.();
    await this.queue;
  }

  private enqueue(what: string, operation: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(operation).catch((error: unknown) => {
      this.failures++;
      this.logger.error(
        { prefix: what, err: error },
        'kernel route update failed; it will be retried at the next resync',
      );
    });
    return this.queue;
  }
}

/** The kernel route for a best path, or undefined when it is ours or has no usable next hop. */
function installable(best: RouteView | undefined): FibRoute | undefined {
  if (!best || best.from === 'local' || !best.nextHop) return undefined;
  return { prefix: best.prefix, nextHops: [{ gateway: best.nextHop }] };
}
