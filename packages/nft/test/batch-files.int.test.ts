// Batch files left behind by a SIGKILLed process: the next nftBinary removes them, and only them.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, requireCommands, waitFor } from '@cairn/harness';
import { nftBinary } from '../src/index.js';

const CHILD = new URL('./fixtures/check-forever.ts', import.meta.url).pathname;

describe('nft batch files', () => {
  const lab = Lab.create('nft-batch');
  const directory = mkdtempSync(join(tmpdir(), 'nft-batch-test-'));
  afterAll(async () => {
    await lab.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it("a SIGKILLed applier's batch file is removed by the next start; a live process's is kept", async () => {
    requireCommands({ nft: 'nftables' });
    const ns = await lab.namespace('router');
    const child = execa(process.execPath, ['--import', 'tsx', CHILD, ns.name, directory], { reject: false });
    const pid = child.pid!;
    const mine = () => readdirSync(directory).filter((name) => name.startsWith(`cairn-nft-${pid}-`));
    try {
      await waitFor(() => mine().length > 0, { what: 'the child to write a batch file', timeoutMs: 60_000 });
    } finally {
      child.kill('SIGKILL');
    }
    expect((await child).signal).toBe('SIGKILL');
    const left = mine();
    expect(left).toHaveLength(1);

    // A live process's batch file (this one's) and a name without a pid are not touched.
    const live = `cairn-nft-${process.pid}-keep`;
    mkdirSync(join(directory, live));
    mkdirSync(join(directory, 'cairn-nft-unknown'));
    const result = await nftBinary({ netns: ns.name, temporaryDirectory: directory }).run(['list', 'tables']);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(directory).sort()).toEqual(['cairn-nft-unknown', live].sort());
  });
});
