// A path: one attribute set as learned from one source. Shared by every prefix that source sent
// with those attributes, so a route in the RIBs costs one map slot, not an object.
import type { Candidate } from './decision.js';
import type { RibPeer } from './rib-peer.js';
import type { RouteAttributes } from './route-attributes.js';

/** A route as the RIB reports it (best paths, lookups). */
export interface Route {
  /** The peer id it was learned from, or "local" for routes this speaker originates. */
  readonly peerId: string;
  readonly local: boolean;
  /** The attributes after import policy; `.nextHop` undefined means this speaker. */
  readonly attributes: RouteAttributes;
}

export class Path implements Candidate, Route {
  /** Adj-RIB-In entries pointing here. */
  refs = 0;

  constructor(
    readonly source: RibPeer,
    readonly attributes: RouteAttributes,
  ) {}

  get peerId(): string {
    return this.source.id;
  }

  get local(): boolean {
    return this.source.isLocal;
  }
}
