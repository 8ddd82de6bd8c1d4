// Writing a CLI's output so that all of it arrives, whatever its size and wherever it goes: every write
// waits while the reader (a pipe, a terminal) has not taken the previous one, and the process exits
// only once stdout and stderr are flushed (see cli-runner.ts).
import type { Writable } from 'node:stream';

/** Writes `text`, waiting for 'drain' when the stream's buffer is full. */
export async function writeOut(text: string, out: Writable = process.stdout): Promise<void> {
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      if (error) reject(error);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/** Resolves once everything written to `out` so far has been handed to the system. */
export function flushed(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (out.destroyed || out.writableEnded) return resolve();
    out.write('', () => resolve());
  });
}

/**
 * Writes the items as a JSON array laid out like `JSON.stringify(items, null, 2)`, as they come:
 * a table of any size is never held whole, neither in the daemon nor here.
 */
export async function writeJsonArray(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  out: Writable = process.stdout,
): Promise<void> {
  let text = '[';
  let first = true;
  for await (const item of items) {
    text += `${first ? '\n  ' : ',\n  '}${JSON.stringify(item, null, 2).replace(/\n/g, '\n  ')}`;
    first = false;
    if (text.length >= 1 << 16) {
      await writeOut(text, out);
      text = '';
    }
  }
  await writeOut(`${text}${first ? ']' : '\n]'}\n`, out);
}
