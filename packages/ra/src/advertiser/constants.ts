// RFC 4861 §10 protocol constants for routers (milliseconds where they are times).
export const MAX_INITIAL_RTR_ADVERT_INTERVAL = 16_000;
export const MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
export const MAX_FINAL_RTR_ADVERTISEMENTS = 3;
export const MIN_DELAY_BETWEEN_RAS = 3_000;
export const MAX_RA_DELAY_TIME = 500;
/** How many multicast RAs still carry a removed prefix, route or DNS entry with zero lifetimes. */
export const WITHDRAWAL_ADVERTISEMENTS = MAX_INITIAL_RTR_ADVERTISEMENTS;
