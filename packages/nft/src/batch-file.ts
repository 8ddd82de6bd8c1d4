// The private temporary files nft reads its batches from (`nft -f <file>`), and the sweep that removes
// the ones a killed process left behind. Each is a directory `cairn-nft-<pid>-<random>`: the pid says
// whether its owner still runs.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'cairn-nft-';
const OWNED = /^cairn-nft-(\d+)-/;

/** Writes `input` to a new private file under `directory`; `remove` deletes it again. */
export function writeBatchFile(directory: string, input: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(directory, `${PREFIX}${process.pid}-`));
  const path = join(dir, 'batch.json');
  writeFileSync(path, input, { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the batch files under `directory` whose owner process is gone (SIGKILL, OOM, power loss
 * leave them behind); files of live processes and names without a pid are left alone. Returns the
 * names removed.
 */
export function removeOrphanedBatchFiles(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = OWNED.exec(name);
    if (!owner || processExists(Number(owner[1]))) continue;
    try {
      rmSync(join(directory, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process sweeping the same directory got there first, or it is not ours to remove.
    }
  }
  return removed;
}
