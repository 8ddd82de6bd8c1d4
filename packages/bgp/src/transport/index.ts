export * from './types.js';
export { TcpTransport, type TcpTransportOptions } from './tcp.js';
export { LinuxTransport, type LinuxTransportOptions } from './linux.js';
export { SyscallError as SocketCallError } from '@cairn/sys';
