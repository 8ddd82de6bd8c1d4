// Linux socket constants (linux/in6.h, linux/icmpv6.h, asm-generic/socket.h).
export const AF_INET6 = 10;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ICMPV6 = 58;
export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_LEAVE_GROUP = 21;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const ICMP6_FILTER = 1;
export const SOCK_NONBLOCK = 0o4000;
export const MSG_DONTWAIT = 0x40;
// fcntl(2)
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_SETOWN = 8;
export const O_ASYNC = 0o20000;
export const F_SETSIG = 10;
export const SIGURG = 23;
