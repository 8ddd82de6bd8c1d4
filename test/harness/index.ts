export { Lab, Namespace, namespacesOf, type LabProcess, type LinkOptions, type ExecResult } from './lab.js';
export { FrrInstance, frrNeighborState, type FrrDaemon, type FrrOptions } from './frr.js';
export { waitFor, type WaitOptions } from './wait.js';
export { requireRoot, requireCommands, FRR_DIR } from './requirements.js';
export { cleanupLeftovers, listNamespaces, destroyNamespace } from './cleanup.js';
export { enterNetns, withNetns } from './setns.js';
export { isAlive } from './naming.js';
