export * from './wire/index.js';
export type { LivenessSource } from './liveness.js';
export * from './fsm/index.js';
export * from './rib/index.js';
export * from './policy/index.js';
export * from './transport/index.js';
export * from './speaker/index.js';
export * from './config/index.js';
export { BgpControlClient, DEFAULT_CONTROL_SOCKET, type ControlRequest } from './daemon/control.js';
