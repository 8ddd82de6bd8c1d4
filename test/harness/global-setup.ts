import { cleanupLeftovers } from './cleanup.js';
import { requireCommands, requireRoot } from './requirements.js';

/** Runs once before the integration tests: checks the basics and clears leftovers of crashed runs. */
export default function setup(): void {
  requireRoot();
  requireCommands({ ip: 'iproute2' });
  const removed = cleanupLeftovers();
  if (removed.length > 0) console.warn(`harness: removed leftovers of crashed runs: ${removed.join(', ')}`);
}
