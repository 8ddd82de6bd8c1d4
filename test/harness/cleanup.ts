import { execaSync } from 'execa';
import { isAlive, ownerPid } from './naming.js';

export function listNamespaces(): string[] {
  const out = execaSync('ip', ['netns', 'list'], { reject: false }).stdout;
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.length > 0);
}

/** Kills every process inside a namespace, then deletes it (its veth ends go with it). */
export function destroyNamespace(namespace: string): void {
  const pids = execaSync('ip', ['netns', 'pids', namespace], { reject: false }).stdout.split('\n').filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  execaSync('ip', ['netns', 'delete', namespace], { reject: false });
}

/**
 * Removes namespaces left by harness runs whose process is gone (a crash, a SIGKILL, a timeout).
 * Returns the names it removed.
 */
export function cleanupLeftovers(): string[] {
  const removed: string[] = [];
  for (const namespace of listNamespaces()) {
    const pid = ownerPid(namespace);
    if (pid !== undefined && !isAlive(pid)) {
      destroyNamespace(namespace);
      removed.push(namespace);
    }
  }
  return removed;
}
