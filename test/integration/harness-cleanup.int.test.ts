import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { Lab, cleanupLeftovers, listNamespaces, waitFor, isAlive } from '@cairn/harness';

describe('harness cleanup', () => {
  it('removes the namespaces and processes of a run that was killed with SIGKILL', async () => {
    const child = execa(
      process.execPath,
      ['--import', 'tsx', new URL('./fixtures/leave-lab.ts', import.meta.url).pathname],
      {
        reject: false,
      },
    );
    const names = await new Promise<string[]>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as string[]));
      void child.then((result) => reject(new Error(`fixture exited early: ${result.stderr}`)));
    });
    expect(listNamespaces()).toEqual(expect.arrayContaining(names));
    const sleeper = (await execa('ip', ['netns', 'pids', names[0]!])).stdout.trim();
    expect(sleeper).not.toBe('');

    child.kill('SIGKILL');
    await child;
    // A SIGKILLed process runs no exit hook: its namespaces are still there until a cleanup runs.
    expect(listNamespaces()).toEqual(expect.arrayContaining(names));
    const removed = cleanupLeftovers();
    expect(removed).toEqual(expect.arrayContaining(names));
    expect(listNamespaces().filter((name) => names.includes(name))).toEqual([]);
    await waitFor(() => !isAlive(Number(sleeper)), {
      what: 'the sleeper inside the killed lab to be gone',
      timeoutMs: 5000,
    });
  });

  it('tears a lab down on destroy even when a command in it failed', async () => {
    const lab = Lab.create('failing');
    const ns = await lab.namespace('only');
    await expect(ns.exec('ip', ['link', 'set', 'nonexistent0', 'up'])).rejects.toThrow(
      /nonexistent0|Cannot find device/,
    );
    await lab.destroy();
    expect(listNamespaces().filter((name) => name.startsWith(lab.id))).toEqual([]);
  });
});
