// The control protocol of Cairn's daemons: over a unix stream socket, one JSON request per line; each
// request is answered by one reply line, or, for a long list, by several lines of items:
//   {"ok":true,"result":R}                 a result
//   {"ok":true,"items":[...],"more":true}  part of a list result; more lines follow
//   {"ok":true,"items":[...]}              the last part of a list result
//   {"ok":false,"error":"..."}             the request was refused or failed
// A request line longer than MAX_REQUEST_BYTES is answered with an error and the connection closed.

export type ControlReply =
  { ok: true; result: unknown } | { ok: true; items: unknown[]; more?: true } | { ok: false; error: string };

/** Longest request line a daemon reads (1 MiB): past it, an error and the connection is closed. */
export const MAX_REQUEST_BYTES = 1 << 20;

/** The daemon refused a request, or could not be reached; the message says which and what to do. */
export class ControlError extends Error {
  override name = 'ControlError';
}

/** A list result produced lazily and sent as several reply lines (see ControlServer). */
export class ResultStream {
  constructor(readonly items: Iterable<unknown> | AsyncIterable<unknown>) {}
}
