// RFC 4861 §10 protocol constants for routers (milliseconds where they are times).
export const MAX_INITIAL_RTR_ADVERT_INTERVAL = 16_000;
export const MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
export const MAX_FINAL_RTR_ADVERTISEMENTS = 3;
export const MIN_DELAY_BETWEEN_RAS = 3_000;
export const MAX_RA_DELAY_TIME = 500;
/** How many multicast RAs still carry a removed prefix, route or DNS entry with zero lifetimes. */
export const WITHDRAWAL_ADVERTISEMENTS = MAX_INITIAL_RTR_ADVERTISEMENTS;
/**
 * Unicast answers waiting for their random delay, per interface. RFC 4861 §6.2.6 lets a router unicast its
 * answer, "but the usual case is to multicast" it: past this many, solicitations get the multicast answer,
 * which one RA every MIN_DELAY_BETWEEN_RAS gives to every host, so a flood cannot grow the queue.
 */
export const MAX_PENDING_UNICAST_REPLIES = 64;
/**
 * After the kernel refuses a unicast answer (neighbour table full, no route to a spoofed source), answers go
 * by multicast for this long: every further unicast would cost a neighbour entry the kernel does not have.
 */
export const UNICAST_REFUSED_HOLDOFF = 10_000;
