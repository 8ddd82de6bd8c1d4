// What the speaker is told about one peer: the settings of the peer schema (src/config/peer.ts, the one list of
// them, with each setting's meaning, default and change impact) plus what only a running program can hand over.
import type { z } from 'zod';
import type { peerSchema } from '../config/peer.js';
import type { LivenessSource } from '../liveness.js';

export type FamilyName = 'ipv4' | 'ipv6';

/** The peer settings as the schema outputs them (policies as Policy objects). */
export type PeerSettings = z.output<typeof peerSchema>;

export interface PeerRuntime {
  /** An external liveness source (e.g. BFD) for this peer (RFC 5882). */
  liveness?: LivenessSource;
}

export type PeerConfig = PeerSettings & PeerRuntime;

export const DEFAULT_FAMILIES: FamilyName[] = ['ipv4', 'ipv6'];
