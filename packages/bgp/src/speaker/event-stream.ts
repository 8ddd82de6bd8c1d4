// A multi-subscriber async event stream: each events() iterator gets every event published after
// it was created, in order, until it is closed (break/return) or the stream ends. A subscriber that
// falls behind by more than `maxQueued` events loses the droppable ones (best-path changes of a big
// table) and is told how many with a `dropped` marker, instead of holding the process's memory.

interface Subscriber<T> {
  queue: T[];
  dropped: number;
  wake: (() => void) | undefined;
}

export interface EventStreamOptions<T> {
  /** Events a subscriber may have waiting before droppable ones are dropped. */
  maxQueued: number;
  /** Which events may be dropped (the others are always delivered). */
  droppable: (event: T) => boolean;
  /** The marker delivered in place of `count` dropped events. */
  droppedMarker: (count: number) => T;
}

export class EventStream<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private ended = false;

  constructor(private readonly options: EventStreamOptions<T>) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: T): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.queue.length >= this.options.maxQueued && this.options.droppable(event)) {
        subscriber.dropped++;
      } else {
        subscriber.queue.push(event);
      }
      subscriber.wake?.();
    }
  }

  end(): void {
    this.ended = true;
    for (const subscriber of this.subscribers) subscriber.wake?.();
  }

  subscribe(): AsyncIterableIterator<T> {
    const subscriber: Subscriber<T> = { queue: [], dropped: 0, wake: undefined };
    this.subscribers.add(subscriber);
    const done = (): IteratorResult<T> => {
      this.subscribers.delete(subscriber);
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        while (subscriber.queue.length === 0 && subscriber.dropped === 0) {
          if (this.ended || !this.subscribers.has(subscriber)) return done();
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
        }
        // The marker comes once the queue has drained (events kept meanwhile, e.g. peer states, come first).
        if (subscriber.queue.length === 0) {
          const count = subscriber.dropped;
          subscriber.dropped = 0;
          return { done: false, value: this.options.droppedMarker(count) };
        }
        return { done: false, value: subscriber.queue.shift()! };
      },
      return: async () => {
        const result = done();
        subscriber.wake?.();
        return result;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
