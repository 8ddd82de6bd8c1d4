import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/speaker/event-stream.js';

type Event = { kind: 'state' | 'path'; n: number } | { kind: 'dropped'; count: number };

function stream(maxQueued: number) {
  return new EventStream<Event>({
    maxQueued,
    droppable: (e) => e.kind === 'path',
    droppedMarker: (count) => ({ kind: 'dropped', count }),
  });
}

async function take(iterator: AsyncIterator<Event>, count: number): Promise<Event[]> {
  const out: Event[] = [];
  for (let i = 0; i < count; i++) out.push((await iterator.next()).value as Event);
  return out;
}

describe('speaker event stream', () => {
  it('gives every subscriber the events published after it subscribed, in order', async () => {
    const s = stream(10);
    s.publish({ kind: 'path', n: 0 }); // before anyone listens: nobody gets it
    const a = s.subscribe();
    s.publish({ kind: 'path', n: 1 });
    const b = s.subscribe();
    s.publish({ kind: 'state', n: 2 });
    expect(await take(a, 2)).toEqual([
      { kind: 'path', n: 1 },
      { kind: 'state', n: 2 },
    ]);
    expect(await take(b, 1)).toEqual([{ kind: 'state', n: 2 }]);
    s.end();
    expect((await a.next()).done).toBe(true);
  });

  it('drops droppable events beyond the bound for a slow subscriber, says how many, and never drops the others', async () => {
    const s = stream(3);
    const slow = s.subscribe();
    for (let n = 0; n < 10; n++) s.publish({ kind: 'path', n });
    s.publish({ kind: 'state', n: 10 });
    s.publish({ kind: 'path', n: 11 });
    expect(await take(slow, 5)).toEqual([
      { kind: 'path', n: 0 },
      { kind: 'path', n: 1 },
      { kind: 'path', n: 2 },
      { kind: 'state', n: 10 },
      { kind: 'dropped', count: 8 },
    ]);
    expect(s.subscriberCount).toBe(1);
    await slow.return!();
    expect(s.subscriberCount).toBe(0);
  });
});
