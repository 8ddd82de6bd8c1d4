export * from './fib/index.js';
export * from './routing/index.js';
