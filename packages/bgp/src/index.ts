export const PACKAGE = '@cairn/bgp';
export type { LivenessSource } from './liveness.js';
export * from './fsm/index.js';
