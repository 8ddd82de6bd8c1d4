/**
 * Names of everything a test run creates start with `cairnt-<pid>-`, so a later run can find and remove
 * what a crashed or killed run left behind (its pid is no longer alive).
 */
export const RUN_PREFIX = 'cairnt-';

export function runTag(pid = process.pid): string {
  return `${RUN_PREFIX}${pid}-`;
}

/** The pid encoded in a namespace name made by the harness, or undefined if it is not ours. */
export function ownerPid(namespace: string): number | undefined {
  const match = /^cairnt-(\d+)-/.exec(namespace);
  return match ? Number(match[1]) : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
