export * from './fib/index.js';
