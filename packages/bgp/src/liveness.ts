// A BGP peer's liveness source (RFC 5882), e.g. BFD: the interface is shared with the sources in @cairn/sys.
export type { LivenessSource } from '@cairn/sys';
