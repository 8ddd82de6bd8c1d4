export { KernelFib, type KernelFibOptions } from './kernel-fib.js';
export { diffFib, type FibChanges } from './fib-diff.js';
export { type FibRoute, type FibNextHop, parsePrefix, addressBytes, formatAddress, routeKey } from './route.js';
