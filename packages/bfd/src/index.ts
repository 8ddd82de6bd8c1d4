// @cairn/bfd — Bidirectional Forwarding Detection (RFC 5880 asynchronous mode, RFC 5881 single hop),
// usable on its own or as the liveness source of BGP peers (RFC 5882).
export * from './constants.js';
export * from './errors.js';
export * from './packet.js';
export * from './session.js';
export * from './snapshot.js';
export * from './service.js';
export { BfdSocketError } from './socket-options.js';
export type { BfdPath, BfdDatagramSource } from './udp-transport.js';
export { formatBfdPeers } from './format.js';
