// `npm run clean-lab`: removes what crashed test runs left behind.
import { cleanupLeftovers } from './cleanup.js';

const removed = cleanupLeftovers();
console.log(removed.length === 0 ? 'nothing to clean' : `removed ${removed.join(', ')}`);
