// Policy → libnftables JSON commands (schema 1), table by table, each command tagged with the model
// item it came from so an nft error can be mapped back to a rule or list.
import { createHash } from 'node:crypto';
import { type JsonObject, type JsonValue, compileMatch, compileStatement } from './expressions.js';
import type { AddressList, BaseChainSpec, Chain, FirewallPolicy, Origin, Table } from './model.js';
import { tableKey } from './model.js';
import { type Prefix, collapsePrefixes, formatAddress, parsePrefix } from './prefix.js';
import { ruleId, validatePolicy } from './validate.js';

/**
 * A regular chain in every owned table holding one `return` rule whose comment is the digest of the
 * table's compiled content: applying an unchanged table is then skipped (counters and set timeouts
 * are kept) and ownership is visible in `nft list ruleset`. nft 1.0.6 ignores table comments in JSON,
 * so a rule comment is the only place to keep it.
 */
export const FINGERPRINT_CHAIN = 'cairn_fingerprint';
const FINGERPRINT_PREFIX = 'cairn sha256 ';

/** What a table should look like when read back (`nft -j list table`). */
export interface ExpectedTable {
  chains: { name: string; base?: BaseChainSpec; ruleComments: string[] }[];
  sets: string[];
  /** Digest of each set's elements (listContentDigest), compared with a read-back that lists them. */
  setContents: Map<string, string>;
}

export interface CompiledTable {
  family: Table['family'];
  name: string;
  /** `ip6 oob_filter` */
  key: string;
  fingerprint: string;
  /** Digest of each part (`list <name>`, `chain <name>`), in compile order; the fingerprint covers them. */
  parts: Map<string, string>;
  /** The commands of each part (a list's set and elements; a chain's `add chain` and rules). */
  partCommands: Map<string, { commands: JsonObject[]; origins: Origin[] }>;
  /** Commands that fill an empty table (chains, sets, elements, rules, fingerprint), in order. */
  commands: JsonObject[];
  /** origins[i] names the model item commands[i] came from. */
  origins: Origin[];
  expected: ExpectedTable;
}

export interface CompiledPolicy {
  tables: CompiledTable[];
}

export function fingerprintComment(fingerprint: string): string {
  return `${FINGERPRINT_PREFIX}${fingerprint}`;
}

export function parseFingerprintComment(comment: string | undefined): string | undefined {
  return comment?.startsWith(FINGERPRINT_PREFIX) ? comment.slice(FINGERPRINT_PREFIX.length) : undefined;
}

/** Elements of an address list as nft JSON, overlapping entries merged. */
export function listElements(list: Pick<AddressList, 'version' | 'elements'>): JsonValue[] {
  return collapsePrefixes(list.elements.map((e) => parsePrefix(e, list.version))).map(prefixElement);
}

function prefixElement(p: Prefix): JsonValue {
  const addr = formatAddress(p.network, p.version);
  return p.length === (p.version === 4 ? 32 : 128) ? addr : { prefix: { addr, len: p.length } };
}

/**
 * A set element (nft JSON, as sent or as listed) in one canonical text, whatever the address notation:
 * `<version>:<network as an integer>/<length>`; anything but an address or prefix (a range added by
 * hand, an element with a timeout) keeps its JSON, so it never equals an element Cairn writes.
 */
export function elementKey(element: JsonValue): string {
  let text: string | undefined;
  if (typeof element === 'string') text = element;
  else if (element && typeof element === 'object' && !Array.isArray(element) && typeof element.prefix === 'object') {
    const { addr, len } = (element.prefix ?? {}) as { addr?: unknown; len?: unknown };
    if (typeof addr === 'string' && typeof len === 'number') text = `${addr}/${len}`;
  }
  if (text !== undefined) {
    try {
      const p = parsePrefix(text);
      return `${p.version}:${p.network}/${p.length}`;
    } catch {
      // not an address: falls through to its JSON
    }
  }
  return `json:${JSON.stringify(element)}`;
}

/** Digest of a set's elements, independent of their order and notation (see elementKey). */
export function listContentDigest(elements: readonly JsonValue[]): string {
  return createHash('sha256').update(elements.map(elementKey).sort().join('\n')).digest('hex').slice(0, 32);
}

export function chainCommand(table: Pick<Table, 'family' | 'name'>, chain: Pick<Chain, 'name' | 'base'>): JsonObject {
  const body: JsonObject = { family: table.family, table: table.name, name: chain.name };
  if (chain.base)
    Object.assign(body, {
      type: chain.base.type,
      hook: chain.base.hook,
      prio: chain.base.priority,
      policy: chain.base.policy,
    });
  return { add: { chain: body } };
}

export function ruleCommands(
  table: Pick<Table, 'family' | 'name'>,
  chain: Chain,
): { commands: JsonObject[]; origins: Origin[]; comments: string[] } {
  const key = tableKey(table);
  const commands: JsonObject[] = [];
  const origins: Origin[] = [];
  const comments: string[] = [];
  chain.rules.forEach((rule, index) => {
    const id = ruleId(chain.name, index, rule.id);
    const expr: JsonValue[] = [...(rule.match ?? []).flatMap(compileMatch), ...rule.then.map(compileStatement)];
    commands.push({ add: { rule: { family: table.family, table: table.name, chain: chain.name, expr, comment: id } } });
    origins.push({ kind: 'rule', table: key, chain: chain.name, rule: id, index });
    comments.push(id);
  });
  return { commands, origins, comments };
}

export function setCommand(table: Pick<Table, 'family' | 'name'>, list: AddressList): JsonObject {
  return {
    add: {
      set: {
        family: table.family,
        table: table.name,
        name: list.name,
        type: list.version === 4 ? 'ipv4_addr' : 'ipv6_addr',
        flags: ['interval'],
      },
    },
  };
}

export function elementCommand(
  table: Pick<Table, 'family' | 'name'>,
  list: string,
  verb: 'add' | 'delete',
  elem: JsonValue[],
): JsonObject {
  return { [verb]: { element: { family: table.family, table: table.name, name: list, elem } } };
}

/**
 * The comment recording one part's digest (`cairn part <digest> chain FORWARD`): a later apply compares
 * these to rewrite only the chains and lists that changed. Keys too long for a 128-byte comment are hashed.
 */
export function partComment(key: string, partDigest: string): string {
  const comment = `cairn part ${partDigest} ${key}`;
  return Buffer.byteLength(comment) <= 128 ? comment : `cairn part ${partDigest} #${digest(key).slice(0, 16)}`;
}

/** The fingerprint chain's rule comments: the table fingerprint, then one per part. */
export function fingerprintComments(fingerprint: string, parts: ReadonlyMap<string, string>): string[] {
  return [fingerprintComment(fingerprint), ...[...parts].map(([key, partDigest]) => partComment(key, partDigest))];
}

export function fingerprintCommands(
  table: Pick<Table, 'family' | 'name'>,
  fingerprint: string,
  parts: ReadonlyMap<string, string>,
): JsonObject[] {
  return [
    { add: { chain: { family: table.family, table: table.name, name: FINGERPRINT_CHAIN } } },
    ...fingerprintComments(fingerprint, parts).map((comment) => ({
      add: {
        rule: { family: table.family, table: table.name, chain: FINGERPRINT_CHAIN, expr: [{ return: null }], comment },
      },
    })),
  ];
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/** The table fingerprint: a digest over the digests of its parts (each list, each chain), in order. */
export function tableFingerprint(parts: ReadonlyMap<string, string>): string {
  return digest([...parts]);
}

/** A list's commands and digest; `elements` may be passed when already computed (they are the costly part). */
export function listPart(
  table: Pick<Table, 'family' | 'name'>,
  list: AddressList,
  elements: JsonValue[] = listElements(list),
): { commands: JsonObject[]; digest: string } {
  const commands = [setCommand(table, list)];
  if (elements.length > 0) commands.push(elementCommand(table, list.name, 'add', elements));
  return { commands, digest: digest(commands) };
}

export function chainPart(
  table: Pick<Table, 'family' | 'name'>,
  chain: Chain,
): { commands: JsonObject[]; origins: Origin[]; comments: string[]; digest: string } {
  const rules = ruleCommands(table, chain);
  const head = chainCommand(table, chain);
  return { ...rules, digest: digest([head, rules.commands]) };
}

export function compileTable(table: Table): CompiledTable {
  const key = tableKey(table);
  const commands: JsonObject[] = [];
  const origins: Origin[] = [];
  const expected: ExpectedTable = { chains: [], sets: [], setContents: new Map() };
  const parts = new Map<string, string>();
  const partCommands = new Map<string, { commands: JsonObject[]; origins: Origin[] }>();
  for (const list of table.addressLists ?? []) {
    const elements = listElements(list);
    const part = listPart(table, list, elements);
    const listOrigins = part.commands.map((): Origin => ({ kind: 'address-list', table: key, list: list.name }));
    commands.push(...part.commands);
    origins.push(...listOrigins);
    parts.set(`list ${list.name}`, part.digest);
    partCommands.set(`list ${list.name}`, { commands: part.commands, origins: listOrigins });
    expected.sets.push(list.name);
    expected.setContents.set(list.name, listContentDigest(elements));
  }
  // All chains first, so rules can jump forward to chains defined later.
  for (const chain of table.chains) {
    commands.push(chainCommand(table, chain));
    origins.push({ kind: 'chain', table: key, chain: chain.name });
  }
  for (const chain of table.chains) {
    const part = chainPart(table, chain);
    commands.push(...part.commands);
    origins.push(...part.origins);
    parts.set(`chain ${chain.name}`, part.digest);
    partCommands.set(`chain ${chain.name}`, {
      commands: [chainCommand(table, chain), ...part.commands],
      origins: [{ kind: 'chain', table: key, chain: chain.name }, ...part.origins],
    });
    expected.chains.push({
      name: chain.name,
      ...(chain.base ? { base: chain.base } : {}),
      ruleComments: part.comments,
    });
  }
  const fingerprint = tableFingerprint(parts);
  for (const command of fingerprintCommands(table, fingerprint, parts)) {
    commands.push(command);
    origins.push({ kind: 'fingerprint', table: key });
  }
  expected.chains.push({ name: FINGERPRINT_CHAIN, ruleComments: fingerprintComments(fingerprint, parts) });
  return { family: table.family, name: table.name, key, fingerprint, parts, partCommands, commands, origins, expected };
}

/** Validates the policy and compiles every table. Throws NftPolicyError naming the offending item. */
export function compilePolicy(policy: FirewallPolicy): CompiledPolicy {
  validatePolicy(policy);
  return { tables: policy.tables.map(compileTable) };
}

/** The libnftables JSON document that replaces the given tables (add, delete, add: nft 1.0.6 has no `destroy`). */
export function replacementBatch(tables: readonly CompiledTable[]): {
  document: { nftables: JsonValue[] };
  origins: (Origin | undefined)[];
} {
  const nftables: JsonValue[] = [{ metainfo: { json_schema_version: 1 } }];
  const origins: (Origin | undefined)[] = [undefined];
  for (const t of tables) {
    const ref = { family: t.family, name: t.name };
    nftables.push({ add: { table: ref } }, { delete: { table: ref } }, { add: { table: ref } });
    origins.push({ kind: 'table', table: t.key }, { kind: 'table', table: t.key }, { kind: 'table', table: t.key });
    nftables.push(...t.commands);
    origins.push(...t.origins);
  }
  return { document: { nftables }, origins };
}
