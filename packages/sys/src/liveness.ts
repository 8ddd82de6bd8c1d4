// The liveness hook of a routing session (RFC 5882 §4.3, §10.2): an external source such as BFD tells a
// protocol that a neighbour is down, so the session is torn down at once instead of waiting for its hold
// timer. It lives here so that BGP (the client) and BFD (a source) depend on this interface, not on each other.
/** An external liveness source for a BGP peer (RFC 5882), e.g. BFD. */
export interface LivenessSource {
  /** Watch a neighbour; call onChange('down', reason) when it goes down after having been up, 'up' when it is up.
   *  A source that never reached up must never report down (RFC 5882 §3.2). Returns a function that stops watching. */
  watch(
    target: { peer: string; local?: string; interface?: string },
    onChange: (state: 'up' | 'down', reason: string) => void,
  ): () => void;
}
