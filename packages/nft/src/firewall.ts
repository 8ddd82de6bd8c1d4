// Firewall: applies compiled policies atomically with the nft binary, verifies them by reading them
// back, skips unchanged tables, and updates one address list or one chain incrementally.
import type { Logger } from 'pino';
import {
  type CompiledTable,
  FINGERPRINT_CHAIN,
  chainCommand,
  chainPart,
  compilePolicy,
  elementCommand,
  fingerprintCommands,
  listContentDigest,
  fingerprintComments,
  partComment,
  listElements,
  listPart,
  replacementBatch,
  tableFingerprint,
} from './compile.js';
import { NftApplyError, NftCommandError, NftUnknownTargetError, NftVerifyError } from './errors.js';
import type { JsonObject, JsonValue } from './expressions.js';
import {
  type BaseChainSpec,
  type Chain,
  type FirewallPolicy,
  type Origin,
  type Table,
  type TableFamily,
  tableKey,
} from './model.js';
import { compareTable, parseRuleset, type ObservedTable } from './readback.js';
import { DEFAULT_LOCK_DIRECTORY, lockNetns } from './netns-lock.js';
import { CURRENT_NAMESPACE, type NftRunner, nftBinary } from './runner.js';
import { validateListElements, validatePolicy } from './validate.js';

export interface FirewallOptions {
  logger: Logger;
  /** How nft is run (default: the `nft` binary in the current network namespace). */
  runner?: NftRunner;
  /** Milliseconds clock, for reported durations (default Date.now). */
  clock?: () => number;
  /**
   * Run `nft -c` on a full apply's batch before applying it (default true). The transaction is atomic
   * either way; incremental updates never run it separately (a failure is located with `nft -c` then).
   */
  check?: boolean;
  /**
   * Read the ruleset back after `updateAddressList`/`replaceChain` too (default true). The kernel applies
   * the transaction all-or-nothing either way; the read-back is one `nft -j -t list ruleset`, which on a
   * 10,000-rule table costs far more than the change itself.
   */
  verifyIncremental?: boolean;
  /**
   * Directory of the per-network-namespace lock files (default /run/cairn/nft). Every Firewall that
   * changes a namespace — in this process or another — takes its lock for the whole operation.
   */
  lockDirectory?: string;
  /** How long to wait for another holder of the namespace's lock before NftLockError (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * Compare every set's elements with the policy on `apply` (default true): an element added or
   * removed behind Cairn's back is then repaired. It costs one full listing; nft 1.0.6 needs about 2 s
   * for a 100,000-element set, against milliseconds for the terse listing used without it.
   */
  compareListContents?: boolean;
}

export interface ApplyResult {
  /** Tables replaced by this apply (`ip6 oob_filter`). */
  replaced: string[];
  /**
   * Tables that existed with an earlier policy of Cairn's: only their changed chains and lists were
   * rewritten (counters of the others keep counting), in the same transaction.
   */
  updated: string[];
  /** Tables already in force with the same content (fingerprint and read-back structure). */
  unchanged: string[];
  /** Tables owned by an earlier apply that the new policy no longer has. */
  removed: string[];
  durationMs: number;
}

export interface TableRef {
  family: TableFamily;
  name: string;
}

/** What the Firewall remembers of an applied table. */
type AppliedState = Pick<CompiledTable, 'family' | 'name' | 'key' | 'fingerprint' | 'parts' | 'expected'> & {
  /** Elements of lists changed incrementally, as nft JSON keyed by their JSON text (saves re-parsing them). */
  elements?: Map<string, Map<string, JsonValue>>;
};

type Batch = { document: { nftables: JsonValue[] }; origins: (Origin | undefined)[] };

export class Firewall {
  private readonly logger: Logger;
  private readonly runner: NftRunner;
  private readonly clock: () => number;
  private readonly check: boolean;
  private readonly verifyIncremental: boolean;
  private readonly lockDirectory: string;
  private readonly lockTimeoutMs: number;
  private readonly compareListContents: boolean;
  /** The descriptor of the namespace lock while an operation holds it (handed to `nft -f`). */
  private lockFd: number | undefined;
  /** Operations run one at a time, in call order (each reads, then changes, the kernel state). */
  private queue: Promise<unknown> = Promise.resolve();
  /** The tables last applied, by key, with their compiled form. */
  private readonly applied = new Map<string, { table: Table; state: AppliedState }>();

  constructor(options: FirewallOptions) {
    this.logger = options.logger;
    this.runner = options.runner ?? nftBinary();
    this.clock = options.clock ?? Date.now;
    this.check = options.check ?? true;
    this.verifyIncremental = options.verifyIncremental ?? true;
    this.lockDirectory = options.lockDirectory ?? DEFAULT_LOCK_DIRECTORY;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.compareListContents = options.compareListContents ?? true;
  }

  /**
   * Makes the kernel hold exactly `policy`'s tables, in one atomic transaction. Tables not in the
   * policy (and not owned by an earlier apply of this Firewall) are never touched. Unchanged tables are
   * left alone, so applying the same policy twice changes nothing (counters keep counting).
   */
  apply(policy: FirewallPolicy): Promise<ApplyResult> {
    return this.serialized(() => this.applyNow(policy));
  }

  /**
   * Changes one address list of an applied table in one transaction: adds and deletes elements
   * (after merging overlaps, like the full compile), and updates the table's fingerprint.
   */
  updateAddressList(
    ref: TableRef,
    list: string,
    change: { add?: readonly string[]; delete?: readonly string[] } | { replace: readonly string[] },
  ): Promise<{ added: number; deleted: number }> {
    return this.serialized(() => this.updateAddressListNow(ref, list, change));
  }

  /** Replaces the rules of one chain (flush chain + add rules, one transaction); adds the chain if new. */
  replaceChain(ref: TableRef, chain: Chain): Promise<void> {
    return this.serialized(() => this.replaceChainNow(ref, chain));
  }

  /**
   * Runs `operation` after the earlier ones, holding the namespace's lock: each operation reads the
   * kernel state, then changes it, and a second applier in between (another process) would make the
   * change go to a state it was not computed for.
   */
  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const namespace = this.runner.namespacePath?.() ?? CURRENT_NAMESPACE;
      const lock = await lockNetns(this.lockDirectory, namespace, this.lockTimeoutMs);
      this.lockFd = lock.fd;
      try {
        return await operation();
      } finally {
        this.lockFd = undefined;
        lock.release();
      }
    };
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(policy: FirewallPolicy): Promise<ApplyResult> {
    const started = this.clock();
    // nft lists the ruleset while this process compiles (two cores do both at once). With set elements:
    // an element added or removed behind Cairn's back must be seen, whatever the fingerprint says.
    const reading = this.readRuleset({ elements: this.compareListContents });
    reading.catch(() => undefined); // awaited below; a compile error must not leave it unhandled
    const compiled = compilePolicy(policy).tables;
    const observed = await reading;
    const replaced: CompiledTable[] = [];
    const updated: { table: CompiledTable; commands: JsonObject[]; origins: Origin[] }[] = [];
    const unchanged: string[] = [];
    for (const table of compiled) {
      const seen = observed.get(table.key);
      if (!seen) replaced.push(table);
      else if (seen.fingerprint === table.fingerprint && compareTable(table.expected, seen).length === 0)
        unchanged.push(table.key);
      else {
        const partial = partialUpdate(table, seen);
        if (partial) updated.push({ table, ...partial });
        else replaced.push(table);
      }
    }
    const wanted = new Set(compiled.map((t) => t.key));
    const removed = [...this.applied.values()]
      .map((a) => a.state)
      .filter((t) => !wanted.has(t.key) && observed.has(t.key));
    const batch = replacementBatch(replaced);
    for (const u of updated) u.commands.forEach((command, i) => this.push(batch, command, u.origins[i]));
    for (const t of removed)
      this.push(batch, { delete: { table: { family: t.family, name: t.name } } }, { kind: 'table', table: t.key });
    if (batch.document.nftables.length > 1) await this.commit(batch);
    if (replaced.length + updated.length > 0) await this.verify([...replaced, ...updated.map((u) => u.table)]);
    for (const t of removed) this.applied.delete(t.key);
    policy.tables.forEach((table, i) =>
      this.applied.set(tableKey(table), { table, state: compiled[i] as CompiledTable }),
    );
    const result: ApplyResult = {
      replaced: replaced.map((t) => t.key),
      updated: updated.map((u) => u.table.key),
      unchanged,
      removed: removed.map((t) => t.key),
      durationMs: this.clock() - started,
    };
    this.logger.info(result, 'nft policy applied');
    return result;
  }

  private async updateAddressListNow(
    ref: TableRef,
    list: string,
    change: { add?: readonly string[]; delete?: readonly string[] } | { replace: readonly string[] },
  ): Promise<{ added: number; deleted: number }> {
    const { table, state: compiled } = this.appliedTable(ref);
    const lists = table.addressLists ?? [];
    const current = lists.find((l) => l.name === list);
    if (!current) throw new NftUnknownTargetError(`address list "${list}" of table ${compiled.key}`);
    let elements: string[];
    if ('replace' in change) elements = [...change.replace];
    else {
      const removing = new Set(change.delete ?? []);
      elements = [...current.elements.filter((e) => !removing.has(e)), ...(change.add ?? [])];
    }
    const next = { ...current, elements };
    const nextTable: Table = { ...table, addressLists: lists.map((l) => (l.name === list ? next : l)) };
    validateListElements(compiled.key, next);
    const nextElements = listElements(next);
    const before = compiled.elements?.get(list) ?? new Map(listElements(current).map((e) => [JSON.stringify(e), e]));
    const after = new Map(nextElements.map((e) => [JSON.stringify(e), e]));
    const toDelete = [...before].filter(([k]) => !after.has(k)).map(([, e]) => e);
    const toAdd = [...after].filter(([k]) => !before.has(k)).map(([, e]) => e);
    const origin: Origin = { kind: 'address-list', table: compiled.key, list };
    const batch: Batch = { document: { nftables: [{ metainfo: { json_schema_version: 1 } }] }, origins: [undefined] };
    // Deletes first: a prefix that replaces a narrower one must not overlap it inside the set.
    if (toDelete.length > 0) this.push(batch, elementCommand(table, list, 'delete', toDelete), origin);
    if (toAdd.length > 0) this.push(batch, elementCommand(table, list, 'add', toAdd), origin);
    const parts = new Map(compiled.parts);
    parts.set(`list ${list}`, listPart(table, next, nextElements).digest);
    await this.commitIncremental(batch, ref, nextTable, parts, { list, contents: listContentDigest(nextElements) });
    const state = this.appliedTable(ref).state;
    state.elements = new Map(state.elements ?? []);
    state.elements.set(list, after);
    return { added: toAdd.length, deleted: toDelete.length };
  }

  private async replaceChainNow(ref: TableRef, chain: Chain): Promise<void> {
    const { table, state: compiled } = this.appliedTable(ref);
    const previous = table.chains.find((c) => c.name === chain.name);
    const exists = previous !== undefined;
    const nextTable: Table = {
      ...table,
      chains: exists ? table.chains.map((c) => (c.name === chain.name ? chain : c)) : [...table.chains, chain],
    };
    validatePolicy({ tables: [nextTable] }, { elements: false });
    const key = compiled.key;
    const batch: Batch = { document: { nftables: [{ metainfo: { json_schema_version: 1 } }] }, origins: [undefined] };
    const chainOrigin: Origin = { kind: 'chain', table: key, chain: chain.name };
    const chainRef = { family: table.family, table: table.name, name: chain.name };
    if (previous && !sameBase(previous.base, chain.base)) {
      // A chain cannot be re-hooked in place: empty it, delete it, add it anew (same transaction).
      this.push(batch, { flush: { chain: chainRef } }, chainOrigin);
      this.push(batch, { delete: { chain: chainRef } }, chainOrigin);
      this.push(batch, chainCommand(table, chain), chainOrigin);
    } else {
      this.push(batch, chainCommand(table, chain), chainOrigin);
      this.push(batch, { flush: { chain: chainRef } }, chainOrigin);
    }
    const part = chainPart(table, chain);
    part.commands.forEach((command, i) => this.push(batch, command, part.origins[i]));
    const parts = new Map(compiled.parts);
    parts.set(`chain ${chain.name}`, part.digest);
    const changed = { chain: { name: chain.name, comments: part.comments } };
    await this.commitIncremental(batch, ref, nextTable, parts, changed);
  }

  /** The ruleset of one table as nft prints it (`nft list table`), for operators and golden tests. */
  async listTable(ref: TableRef): Promise<string> {
    return (await this.nft(['list', 'table', ref.family, ref.name])).stdout;
  }

  private appliedTable(ref: TableRef): { table: Table; state: AppliedState } {
    const entry = this.applied.get(tableKey(ref));
    if (!entry) throw new NftUnknownTargetError(`table ${tableKey(ref)}`);
    return entry;
  }

  private push(batch: Batch, command: Record<string, JsonValue>, origin: Origin | undefined): void {
    batch.document.nftables.push(command);
    batch.origins.push(origin);
  }

  /** Commits an incremental batch together with the new fingerprint, then verifies and records the table. */
  private async commitIncremental(
    batch: Batch,
    ref: TableRef,
    nextTable: Table,
    parts: Map<string, string>,
    changed: { chain?: { name: string; comments: string[] }; list?: string; contents?: string },
  ): Promise<void> {
    const changedChain = changed.chain;
    const { state } = this.appliedTable(ref);
    const fingerprint = tableFingerprint(parts);
    const fpOrigin: Origin = { kind: 'fingerprint', table: state.key };
    this.push(batch, { flush: { chain: { family: ref.family, table: ref.name, name: FINGERPRINT_CHAIN } } }, fpOrigin);
    for (const command of fingerprintCommands(ref, fingerprint, parts)) this.push(batch, command, fpOrigin);
    // One nft run: a transaction is all-or-nothing, and a failure is still located with `nft -c`.
    await this.commit(batch, false);
    const chains = state.expected.chains.filter((c) => c.name !== FINGERPRINT_CHAIN);
    if (changedChain) {
      const chain = nextTable.chains.find((c) => c.name === changedChain.name);
      const entry = {
        name: changedChain.name,
        ...(chain?.base ? { base: chain.base } : {}),
        ruleComments: changedChain.comments,
      };
      const at = chains.findIndex((c) => c.name === changedChain.name);
      if (at >= 0) chains[at] = entry;
      else chains.push(entry);
    }
    chains.push({ name: FINGERPRINT_CHAIN, ruleComments: fingerprintComments(fingerprint, parts) });
    const setContents = new Map(state.expected.setContents);
    if (changed.list !== undefined && changed.contents !== undefined) setContents.set(changed.list, changed.contents);
    const expected = { sets: state.expected.sets, setContents, chains };
    const next: AppliedState = { ...state, fingerprint, parts, expected };
    if (this.verifyIncremental) await this.verify([next]);
    this.applied.set(state.key, { table: nextTable, state: next });
  }

  private async commit(batch: Batch, check = this.check): Promise<void> {
    const input = JSON.stringify(batch.document);
    if (check) {
      const checked = await this.runner.run(['-c', '-j', '-f', '-'], input);
      if (checked.exitCode !== 0) throw await this.locate(batch, checked.stderr);
    }
    const inherit = this.lockFd === undefined ? [] : [this.lockFd];
    const applied = await this.runner.run(['-j', '-f', '-'], input, { inherit });
    if (applied.exitCode !== 0) throw await this.locate(batch, applied.stderr);
  }

  /**
   * nft reports JSON errors without a location (`internal:0:0-0`), so the failing command is found by
   * checking growing prefixes of the batch (binary search, log2(n) `nft -c` runs).
   */
  private async locate(batch: Batch, message: string): Promise<NftApplyError> {
    const all = batch.document.nftables;
    const fails = async (count: number) =>
      (await this.runner.run(['-c', '-j', '-f', '-'], JSON.stringify({ nftables: all.slice(0, count) }))).exitCode !==
      0;
    let good = 1; // the metainfo alone is always accepted
    let bad = all.length;
    if (!(await fails(bad))) return new NftApplyError(undefined, message);
    while (bad - good > 1) {
      const mid = Math.floor((good + bad) / 2);
      if (await fails(mid)) bad = mid;
      else good = mid;
    }
    const origin = batch.origins[bad - 1];
    const precise = await this.runner.run(['-c', '-j', '-f', '-'], JSON.stringify({ nftables: all.slice(0, bad) }));
    const error = new NftApplyError(origin, cleanNftError(precise.stderr || message));
    this.logger.warn({ origin, nft: error.nftMessage }, 'nft rejected the batch');
    return error;
  }

  private async verify(tables: readonly AppliedState[]): Promise<void> {
    const observed = await this.readRuleset();
    for (const table of tables) {
      const differences = compareTable(table.expected, observed.get(table.key));
      if (differences.length > 0) throw new NftVerifyError(table.key, differences);
    }
  }

  /**
   * The ruleset as nft lists it. Without `elements` the listing is terse (`-t`): listing a
   * 100,000-element set costs nft 1.0.6 about 1.7 s, a terse listing milliseconds.
   */
  private async readRuleset(options: { elements?: boolean } = {}): Promise<Map<string, ObservedTable>> {
    const args = options.elements ? ['-j', 'list', 'ruleset'] : ['-j', '-t', 'list', 'ruleset'];
    return parseRuleset((await this.nft(args)).stdout, options);
  }

  private async nft(args: string[]): Promise<{ stdout: string }> {
    const result = await this.runner.run(args);
    if (result.exitCode !== 0) throw new NftCommandError(args, result.exitCode, result.stderr);
    return result;
  }
}

/** Drops nft's meaningless `internal:0:0-0:` location (JSON input has none) and joins the lines. */
export function cleanNftError(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^internal:0:0-0: /, '').trim())
    .filter((line) => line.length > 0)
    .join('; ');
}

function sameBase(a: BaseChainSpec | undefined, b: BaseChainSpec | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.hook === b.hook && a.priority === b.priority && a.policy === b.policy;
}

/**
 * The commands that turn a table holding an earlier Cairn policy into `table` by rewriting only the
 * parts (chains, lists) whose digest differs, or undefined when the table cannot be trusted to hold
 * what its fingerprint chain says (then it is replaced whole).
 */
export function partialUpdate(
  table: CompiledTable,
  seen: ObservedTable,
): { commands: JsonObject[]; origins: Origin[] } | undefined {
  const recorded = seen.chains.get(FINGERPRINT_CHAIN);
  if (!recorded) return undefined;
  const known = new Set(recorded.ruleComments);
  const expectedChains = new Map(table.expected.chains.map((c) => [c.name, c]));
  const changedChains: string[] = [];
  const changedLists: string[] = [];
  for (const [key, partDigest] of table.parts) {
    const space = key.indexOf(' ');
    const kind = key.slice(0, space);
    const name = key.slice(space + 1);
    const same = known.has(partComment(key, partDigest));
    if (kind === 'chain') {
      const expected = expectedChains.get(name);
      const observed = seen.chains.get(name);
      if (!same) changedChains.push(name);
      else if (
        !expected ||
        !observed ||
        !sameBase(expected.base, observed.base) ||
        expected.ruleComments.join('\n') !== observed.ruleComments.join('\n')
      )
        return undefined;
    } else if (!seen.sets.has(name)) {
      if (same) return undefined;
      changedLists.push(name);
    } else if (!same || (seen.setContents && seen.setContents.get(name) !== table.expected.setContents.get(name))) {
      // A list whose recorded digest matches but whose elements differ was changed behind Cairn's back
      // (or by an apply that raced this one): it is refilled like a changed list.
      changedLists.push(name);
    }
  }
  const removedChains = [...seen.chains.keys()].filter(
    (name) => name !== FINGERPRINT_CHAIN && !expectedChains.has(name),
  );
  const lists = new Set(table.expected.sets);
  const removedLists = [...seen.sets].filter((name) => !lists.has(name));

  const ref = { family: table.family, table: table.name };
  const commands: JsonObject[] = [];
  const origins: Origin[] = [];
  const push = (command: JsonObject, origin: Origin) => {
    commands.push(command);
    origins.push(origin);
  };
  const chainOrigin = (chain: string): Origin => ({ kind: 'chain', table: table.key, chain });
  // 1. Empty every chain that changes or goes, so nothing references what is deleted or re-created next.
  for (const name of [...changedChains, ...removedChains])
    if (seen.chains.has(name)) push({ flush: { chain: { ...ref, name } } }, chainOrigin(name));
  // 2. Delete chains that go, and chains whose hook, type, priority or policy changes (re-added below).
  for (const name of removedChains) push({ delete: { chain: { ...ref, name } } }, chainOrigin(name));
  for (const name of changedChains) {
    const observed = seen.chains.get(name);
    if (observed && !sameBase(observed.base, expectedChains.get(name)?.base))
      push({ delete: { chain: { ...ref, name } } }, chainOrigin(name));
  }
  // 3. Lists: delete the ones that go; refill changed ones in place when their type stays.
  for (const name of removedLists)
    push({ delete: { set: { ...ref, name } } }, { kind: 'address-list', table: table.key, list: name });
  for (const name of changedLists) {
    const part = table.partCommands.get(`list ${name}`);
    if (!part) return undefined;
    const origin: Origin = { kind: 'address-list', table: table.key, list: name };
    const [setCommand, ...elementCommands] = part.commands;
    const type = (setCommand as { add: { set: { type: string } } }).add.set.type;
    if (seen.sets.has(name) && seen.setTypes.get(name) === type) push({ flush: { set: { ...ref, name } } }, origin);
    else {
      if (seen.sets.has(name)) push({ delete: { set: { ...ref, name } } }, origin);
      push(setCommand as JsonObject, origin);
    }
    for (const command of elementCommands) push(command, origin);
  }
  // 4. Chains: every `add chain` first (rules may jump to a chain that is new), then the rules.
  const chainParts = changedChains.map((name) => table.partCommands.get(`chain ${name}`));
  if (chainParts.some((p) => p === undefined)) return undefined;
  for (const part of chainParts) push(part!.commands[0] as JsonObject, part!.origins[0] as Origin);
  for (const part of chainParts)
    part!.commands.slice(1).forEach((command, i) => push(command, part!.origins[i + 1] as Origin));
  // 5. The new fingerprint.
  push({ flush: { chain: { ...ref, name: FINGERPRINT_CHAIN } } }, { kind: 'fingerprint', table: table.key });
  for (const command of fingerprintCommands(table, table.fingerprint, table.parts))
    push(command, { kind: 'fingerprint', table: table.key });
  return { commands, origins };
}
