export { BgpFibSync, type FibWriter } from './bgp-fib-sync.js';
