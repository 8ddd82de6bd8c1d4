export { type Libc, libcLibrary, SyscallError, type SyscallErrorClass, check, errno, int32, loadLibc } from './libc.js';
export { enterNetns, inNetns } from './netns.js';
export { AF_INET, AF_INET6, addressBytes, familyOf, sockaddr, writeSockaddr } from './sockaddr.js';
export { formatIpv6Groups } from './address-text.js';
export * from './config/index.js';
export type { LivenessSource } from './liveness.js';
export { type SocketFilterInstruction, attachSocketFilter } from './socket-filter.js';
export * from './log/index.js';
export * from './daemon/index.js';
