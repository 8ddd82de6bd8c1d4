// A multi-subscriber async event stream: each events() iterator gets every event published after
// it was created, in order, until it is closed (break/return) or the stream ends.

export class EventStream<T> {
  private readonly subscribers = new Set<{ queue: T[]; wake: (() => void) | undefined }>();
  private ended = false;

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: T): void {
    for (const subscriber of this.subscribers) {
      subscriber.queue.push(event);
      subscriber.wake?.();
    }
  }

  end(): void {
    this.ended = true;
    for (const subscriber of this.subscribers) subscriber.wake?.();
  }

  subscribe(): AsyncIterableIterator<T> {
    const subscriber: { queue: T[]; wake: (() => void) | undefined } = { queue: [], wake: undefined };
    this.subscribers.add(subscriber);
    const done = (): IteratorResult<T> => {
      this.subscribers.delete(subscriber);
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        while (subscriber.queue.length === 0) {
          if (this.ended || !this.subscribers.has(subscriber)) return done();
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
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
