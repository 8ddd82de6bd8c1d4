export * from './types.js';
export * from './notification-codes.js';
export { createFsm, reconfigure, step, keepaliveInterval, OPEN_SENT_HOLD_TIME } from './machine.js';
export { nextDeadline, expiredTimer } from './timers.js';
export { resolveCollision, type CollisionWinner } from './collision.js';
