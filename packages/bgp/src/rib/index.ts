// The routing half of the speaker: RIBs, the decision process, origination and aggregates.
//
// The speaker drives one RibManager; everything is synchronous and pure (no I/O, no timers):
//
//   const rib = new RibManager({ localAs: 65053, routerId: '10.200.0.101', logger, maxPaths: 1 });
//   rib.addPeer({ id: '10.200.0.1', address: '10.200.0.1', remoteAs: 64999,
//                 importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, maxPrefixes: 1_100_000 });
//   // session Established:
//   rib.peerUp('10.200.0.1', { routerId: '10.200.0.1', nextHopSelf: { ipv4: '10.200.0.101', ipv6: 'fc00::101' } });
//   send(rib.fullExport('10.200.0.1'));                  // then End-of-RIB
//   // each decoded UPDATE:
//   const { changes, maxPrefixExceeded } = rib.updateFromPeer('10.200.0.1', update);
//   if (maxPrefixExceeded) { /* NOTIFICATION Cease/1 (RFC 4486), then rib.peerDown(id) */ }
//   // after any change (per MRAI tick), for every Established peer:
//   send(rib.pendingExports(peerId));                    // { withdrawn, announce: [{ afi, attributes, nextHop, nlri }] }
//   // origination at run time:
//   rib.originate('202.38.80.16/28', { communities: ['65053:100'] });
//   rib.originate('2a02:1810:248b::/48', {}, { aggregate: true, onlyWithContributors: true });
//   rib.withdrawOriginated('202.38.80.16/28');
//   // session down: rib.peerDown(id) — or, as graceful-restart helper (RFC 4724 §4.2),
//   // rib.peerDown(id, { gracefulRestart: true }) and later rib.sweepStale(id, [afi]) on End-of-RIB
//   // or when the restart/stale timer fires.
//   // ROUTE-REFRESH received: send(rib.fullExport(id)). Queries: rib.lookup(prefix), rib.counts(id),
//   // rib.policyBlocks(id) (RFC 8212 reasons), rib.forEachBest(visit).
//
// Every method that changes the Loc-RIB returns BestPathChange[] for the speaker's events stream.
// Layout for a full table: attributes are interned (one object per distinct set), a route is one
// Map slot per RIB keyed by a Smi (IPv4) or a short string (IPv6); see prefix-map.ts.
export {
  RibManager,
  LOCAL_PEER_ID,
  type RibOptions,
  type BestPathChange,
  type UpdateResult,
  type MaxPrefixExceeded,
  type ExportBatch,
  type ExportGroup,
  type PrefixCounts,
  type OriginateAttributes,
  type OriginateOptions,
  type RouteLookup,
} from './rib-manager.js';
export { RFC8212_NO_IMPORT, RFC8212_NO_EXPORT, type RibPeerConfig, type RibSessionInfo } from './rib-peer.js';
export { RouteAttributes, DEFAULT_LOCAL_PREF, type Route, type RouteSource } from './route-attributes.js';
export {
  selectBest,
  compareTieBreaks,
  type Candidate,
  type CandidateSource,
  type CandidateAttributes,
  type Selection,
} from './decision.js';
export { PrefixMap } from './prefix-map.js';
export { toPrefix, prefixCovers } from './prefix-text.js';
export { RibError } from './errors.js';
