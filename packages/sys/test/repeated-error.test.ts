import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RepeatedErrorLog } from '@cairn/sys';

describe('RepeatedErrorLog', () => {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) };

  beforeEach(() => {
    vi.useFakeTimers();
    lines.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('logs the first error at once and 33,290 repeats as one line per interval with a count', () => {
    const log = new RepeatedErrorLog(logger, { intervalMs: 10_000 });
    const error = new Error('sendto(fe80::1%2) failed: EINVAL');
    for (let i = 0; i < 33_290; i++) {
      log.report('eth0 sendto EINVAL', 'sending RA failed', error, { interface: 'eth0' });
      if (i % 3329 === 3328) vi.advanceTimersByTime(1000);
    }
    vi.advanceTimersByTime(10_000);
    expect(lines.map((l) => l.message)).toEqual([
      'sending RA failed: sendto(fe80::1%2) failed: EINVAL',
      'sending RA failed: sendto(fe80::1%2) failed: EINVAL (33289 more in 10 s)',
    ]);
    expect(lines[1]?.fields).toEqual({
      interface: 'eth0',
      error: 'sendto(fe80::1%2) failed: EINVAL',
      repeats: 33289,
      intervalSeconds: 10,
    });
    // No Error object reaches the logger, so no stack trace can.
    expect(JSON.stringify(lines)).not.toContain('    at ');
  });

  it('writes one summary per interval while an error goes on, and forgets it once it stops', () => {
    const log = new RepeatedErrorLog(logger, { intervalMs: 1000 });
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i < 100; i++) log.report('k', 'failed', 'EAGAIN');
      vi.advanceTimersByTime(1000);
    }
    vi.advanceTimersByTime(5000);
    expect(lines.map((l) => l.message)).toEqual([
      'failed: EAGAIN',
      'failed: EAGAIN (99 more in 1 s)',
      'failed: EAGAIN (100 more in 1 s)',
      'failed: EAGAIN (100 more in 1 s)',
    ]);
    log.report('k', 'failed', 'EAGAIN');
    expect(lines.at(-1)?.message).toBe('failed: EAGAIN');
  });

  it('follows a bounded number of kinds and counts the rest together', () => {
    const log = new RepeatedErrorLog(logger, { intervalMs: 1000, maxKinds: 2 });
    for (let i = 0; i < 1000; i++) log.report(`kind ${i}`, 'failed', `error ${i}`);
    log.flush();
    expect(lines.map((l) => l.message)).toEqual([
      'failed: error 0',
      'failed: error 1',
      'failed: error 999 (998 more in 1 s)',
    ]);
  });

  it('flush writes what is still counted, once', () => {
    const log = new RepeatedErrorLog(logger);
    log.report('k', 'failed', new Error('x'));
    log.report('k', 'failed', new Error('x'));
    log.flush();
    log.flush();
    vi.advanceTimersByTime(60_000);
    expect(lines.map((l) => l.message)).toEqual(['failed: x', 'failed: x (1 more in 10 s)']);
  });
});
