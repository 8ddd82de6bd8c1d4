// Two processes applying different policies to the same table at once, against nft 1.0.6: the
// per-namespace lock makes one apply wait for the other, so the table ends up holding exactly one of
// the two policies, never a mix of one's list and the other's chain and fingerprint.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ResultPromise, execa } from 'execa';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands, waitFor } from '@cairn/harness';
import { Firewall, NftLockError, lockFileFor, nftBinary } from '../src/index.js';
import { RACE_POLICIES } from './fixtures/race-policies.js';
import { nft } from './support.js';

const CHILD = new URL('./fixtures/apply-on-command.ts', import.meta.url).pathname;
const LARGE = new URL('./fixtures/apply-large-forever.ts', import.meta.url).pathname;
const ROUNDS = 12;

type Json = { [key: string]: unknown };

/** `nft -j list table inet cairn_race` without handles and counter values, sets and chains by name. */
async function tableState(ns: Namespace): Promise<string> {
  const listing = await nft(ns, '-j', 'list', 'table', 'inet', 'cairn_race');
  const items = (JSON.parse(listing) as { nftables: Json[] }).nftables;
  const sets: Record<string, unknown> = {};
  const chains: Record<string, unknown[]> = {};
  for (const item of items) {
    if (item.set) {
      const { handle: _handle, elem, ...set } = item.set as Json;
      sets[set.name as string] = { ...set, elem: ((elem as unknown[]) ?? []).map((e) => JSON.stringify(e)).sort() };
    } else if (item.chain) {
      const { handle: _handle, ...chain } = item.chain as Json;
      chains[chain.name as string] = [chain];
    } else if (item.rule) {
      const { handle: _handle, ...rule } = item.rule as Json;
      const text = JSON.stringify(rule).replace(/"counter":\{"packets":\d+,"bytes":\d+\}/g, '"counter":null');
      chains[rule.chain as string]!.push(JSON.parse(text));
    }
  }
  const byName = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ sets: byName(sets), chains: byName(chains) });
}

/** A child process applying one policy per line it reads; `apply()` resolves to its answer. */
interface Applier {
  child: ResultPromise;
  apply(): Promise<string>;
}

function applier(ns: Namespace, which: 'a' | 'b', lockDirectory: string): Applier {
  const args = ['--import', 'tsx', CHILD, ns.name, which, lockDirectory];
  const child = execa(process.execPath, args, { reject: false, stdin: 'pipe' });
  const answers: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else answers.push(line);
  });
  return {
    child,
    apply() {
      child.stdin!.write('apply\n');
      return new Promise((resolve) => {
        const ready = answers.shift();
        if (ready !== undefined) resolve(ready);
        else waiting.push(resolve);
      });
    },
  };
}

describe('concurrent appliers', () => {
  const lab = Lab.create('nft-race');
  const lockDirectory = mkdtempSync(join(tmpdir(), 'nft-locks-'));
  const children: ResultPromise[] = [];
  const directories = [lockDirectory];
  afterAll(async () => {
    for (const child of children) child.kill();
    await lab.destroy();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });
  const logger = pino({ level: 'silent' });
  const firewall = (ns: Namespace, lockTimeoutMs = 60_000) =>
    new Firewall({ logger, runner: nftBinary({ netns: ns.name }), lockDirectory, lockTimeoutMs });

  it(`two processes apply different policies at once, ${ROUNDS} times: the table ends up exactly one`, async () => {
    requireCommands({ nft: 'nftables' });
    const router = await lab.namespace('router');
    const onlyA = await lab.namespace('only-a');
    const onlyB = await lab.namespace('only-b');
    await firewall(onlyA).apply(RACE_POLICIES.a);
    await firewall(onlyB).apply(RACE_POLICIES.b);
    const states = { a: await tableState(onlyA), b: await tableState(onlyB) };
    const a = applier(router, 'a', lockDirectory);
    const b = applier(router, 'b', lockDirectory);
    children.push(a.child, b.child);
    // Warm up (tsx compiles the child once) so that the rounds below really start together.
    await firewall(router).apply(RACE_POLICIES.base);
    expect(await a.apply()).toMatch(/^done /);
    expect(await b.apply()).toMatch(/^done /);
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await firewall(router).apply(RACE_POLICIES.base);
      const answers = await Promise.all([a.apply(), b.apply()]);
      const state = await tableState(router);
      const outcome = state === states.a ? 'a' : state === states.b ? 'b' : 'mixed';
      outcomes.push(outcome);
      expect({ round, outcome }, answers.join('\n')).not.toEqual({ round, outcome: 'mixed' });
      const verbs = answers.map((line) => line.split(' ')[0]);
      expect({ round, verbs }, answers.join('\n')).toEqual({ round, verbs: ['done', 'done'] });
    }
    expect(outcomes.every((o) => o === 'a' || o === 'b')).toBe(true);
  });

  it('waits for a holder of the lock, and gives up with NftLockError naming the lock file', async () => {
    const ns = await lab.namespace('locked');
    const path = lockFileFor(lockDirectory, `/run/netns/${ns.name}`);
    // A real second process holds the lock: flock(1) on the same file, for 2 s.
    const holder = execa('flock', ['-x', path, 'sleep', '2'], { reject: false });
    children.push(holder);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const impatient = firewall(ns, 100);
    await expect(impatient.apply(RACE_POLICIES.base)).rejects.toThrow(NftLockError);
    const message = new RegExp(`nft lock ${path} for over 100 ms; nothing was applied`);
    await expect(impatient.apply(RACE_POLICIES.base)).rejects.toThrow(message);
    expect(await nft(ns, 'list', 'tables')).toBe('');
    // A patient one applies once the holder is gone.
    expect(await firewall(ns).apply(RACE_POLICIES.base)).toMatchObject({ replaced: ['inet cairn_race'] });
    expect((await holder).exitCode).toBe(0);
  });

  it('an nft -f that outlives its SIGKILLed applier keeps the lock until it exits', async () => {
    const ns = await lab.namespace('orphan');
    const batches = mkdtempSync(join(tmpdir(), 'nft-orphan-'));
    directories.push(batches);
    const args = ['--import', 'tsx', LARGE, ns.name, lockDirectory, batches];
    const child = execa(process.execPath, args, { reject: false });
    children.push(child);
    // The applier's `nft -j -f <batch>` (first `ip netns exec`, then nft itself), found by its batch path.
    const nftApplying = () =>
      readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .find((pid) => {
          try {
            const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            return argv.includes('-f') && argv.some((arg) => arg.startsWith(batches));
          } catch {
            return false;
          }
        });
    try {
      await waitFor(nftApplying, { what: 'the child to run nft -f', timeoutMs: 60_000 });
    } finally {
      child.kill('SIGKILL');
    }
    expect((await child).signal).toBe('SIGKILL');
    const orphan = nftApplying();
    expect(orphan, 'the orphaned nft -f is still running').toBeDefined();
    await expect(firewall(ns, 100).apply(RACE_POLICIES.base)).rejects.toThrow(NftLockError);
    await waitFor(() => !existsSync(`/proc/${orphan}`), { what: 'the orphaned nft to exit', timeoutMs: 60_000 });
    expect(await firewall(ns, 100).apply(RACE_POLICIES.base)).toMatchObject({ replaced: ['inet cairn_race'] });
  });

  it('a namespace that does not exist or an unusable lock directory is an NftLockError, not a crash', async () => {
    const gone = new Firewall({ logger, runner: nftBinary({ netns: 'cairn-no-such-netns' }), lockDirectory });
    await expect(gone.apply(RACE_POLICIES.base)).rejects.toThrow(
      'cannot find the network namespace /run/netns/cairn-no-such-netns (ENOENT); nothing was applied',
    );
    const ns = await lab.namespace('badlock');
    const file = join(lockDirectory, 'not-a-directory');
    writeFileSync(file, '');
    const runner = nftBinary({ netns: ns.name });
    const unusable = new Firewall({ logger, runner, lockDirectory: join(file, 'locks') });
    await expect(unusable.apply(RACE_POLICIES.base)).rejects.toThrow(NftLockError);
    const message = /cannot open the nft lock file .*not-a-directory\/locks\/netns-\d+\.lock \(ENOTDIR\): set lock/;
    await expect(unusable.apply(RACE_POLICIES.base)).rejects.toThrow(message);
    expect(await nft(ns, 'list', 'tables')).toBe('');
  });
});
