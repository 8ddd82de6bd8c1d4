// Static checks of a policy before nft sees it: every reference resolves, names are unique, and the
// limits nft 1.0.6 enforces (or crashes on) are respected. Each failure names the rule or list.
import { NftPolicyError } from './errors.js';
import { type AddressList, type FirewallPolicy, type Origin, type Table, tableKey } from './model.js';
import { PrefixSyntaxError, collapsePrefixes, parsePrefix } from './prefix.js';

/** nft keeps rule comments in a 128-byte attribute (NFTNL_UDATA_COMMENT_MAXLEN). */
export const MAX_COMMENT_BYTES = 128;
/** The log prefix must fit NF_LOG_PREFIXLEN (128) with its NUL; nft 1.0.6 aborts on longer ones in JSON. */
export const MAX_LOG_PREFIX_BYTES = 127;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/;
/** IFNAMSIZ (16) with its NUL: the longest interface name Linux accepts (include/uapi/linux/if.h). */
export const MAX_INTERFACE_NAME_BYTES = 15;

/**
 * Why `name` cannot be an interface name, or undefined. Linux's dev_valid_name() refuses empty names,
 * `.` and `..`, `/`, `:` and whitespace; quotes, backslashes and control characters are refused too,
 * as they would end or escape the string in nft's own syntax (`nft list` prints `iifname "…"`).
 */
export function interfaceNameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (name.length === 0) return 'an interface name cannot be empty';
  if (Buffer.byteLength(name) > MAX_INTERFACE_NAME_BYTES) {
    return `interface name ${shown} is longer than ${MAX_INTERFACE_NAME_BYTES} bytes (IFNAMSIZ)`;
  }
  if (name === '.' || name === '..') return `interface name ${shown} is not allowed`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  const bad = /[\s/:"'\\\x00-\x1f\x7f]/.exec(name);
  if (bad) return `interface name ${shown} contains ${JSON.stringify(bad[0])}, which no Linux interface name has`;
  return undefined;
}

export function ruleId(chain: string, index: number, id: string | undefined): string {
  return id ?? `${chain}#${index}`;
}

export interface ValidateOptions {
  /** Parse every address-list element (default true); incremental chain updates skip the unchanged lists. */
  elements?: boolean;
}

export function validatePolicy(policy: FirewallPolicy, options: ValidateOptions = {}): void {
  const seen = new Set<string>();
  for (const table of policy.tables) {
    const key = tableKey(table);
    if (seen.has(key)) throw new NftPolicyError({ kind: 'table', table: key }, 'the table appears twice in the policy');
    seen.add(key);
    validateTable(table, options);
  }
}

/** Checks every element of one address list. */
export function validateListElements(table: string, list: AddressList): void {
  for (const element of list.elements) {
    try {
      parsePrefix(element, list.version);
    } catch (error) {
      if (error instanceof PrefixSyntaxError)
        throw new NftPolicyError({ kind: 'address-list', table, list: list.name }, error.message);
      throw error;
    }
  }
}

function validateTable(table: Table, options: ValidateOptions): void {
  const key = tableKey(table);
  if (!NAME.test(table.name)) throw new NftPolicyError({ kind: 'table', table: key }, 'invalid table name');
  const lists = new Map<string, 4 | 6>();
  for (const list of table.addressLists ?? []) {
    const origin: Origin = { kind: 'address-list', table: key, list: list.name };
    if (!NAME.test(list.name)) throw new NftPolicyError(origin, 'invalid list name (letters, digits, _ . -)');
    if (lists.has(list.name)) throw new NftPolicyError(origin, 'the list is defined twice');
    if (table.family !== 'inet' && (table.family === 'ip') !== (list.version === 4)) {
      throw new NftPolicyError(origin, `an IPv${list.version} list cannot live in an ${table.family} table`);
    }
    lists.set(list.name, list.version);
    if (options.elements !== false) validateListElements(key, list);
  }
  const chains = new Map(table.chains.map((c) => [c.name, c]));
  if (chains.size !== table.chains.length) {
    const dup = table.chains.find((c, i) => table.chains.findIndex((d) => d.name === c.name) !== i);
    throw new NftPolicyError({ kind: 'chain', table: key, chain: dup?.name ?? '?' }, 'the chain is defined twice');
  }
  for (const chain of table.chains) {
    const ids = new Set<string>();
    if (!NAME.test(chain.name))
      throw new NftPolicyError({ kind: 'chain', table: key, chain: chain.name }, 'invalid chain name');
    chain.rules.forEach((rule, index) => {
      const id = ruleId(chain.name, index, rule.id);
      const origin: Origin = { kind: 'rule', table: key, chain: chain.name, rule: id, index };
      const fail = (reason: string): never => {
        throw new NftPolicyError(origin, reason);
      };
      if (ids.has(id)) fail('another rule of the chain has the same id');
      ids.add(id);
      if (Buffer.byteLength(id) > MAX_COMMENT_BYTES) fail(`the rule id is longer than ${MAX_COMMENT_BYTES} bytes`);
      if (rule.then.length === 0 && (rule.match ?? []).length === 0)
        fail('the rule has neither matches nor statements');
      for (const m of rule.match ?? []) {
        if (m.kind === 'address') {
          if ((m.list === undefined) === (m.prefixes === undefined))
            fail('an address match needs exactly one of prefixes or list');
          if (m.list !== undefined) {
            const version = lists.get(m.list);
            if (version === undefined)
              fail(`address list "${m.list}" does not exist in the table; define it in addressLists`);
            if (version !== m.version)
              fail(`address list "${m.list}" holds IPv${version} prefixes, the match is IPv${m.version}`);
          }
          if (m.prefixes?.length === 0) fail('an address match with an empty prefix list never matches; drop the rule');
          for (const p of m.prefixes ?? []) {
            try {
              parsePrefix(p, m.version);
            } catch (error) {
              fail((error as Error).message);
            }
          }
        }
        if (m.kind === 'port' && m.ports.length === 0) fail('a port match needs at least one port');
        if (m.kind === 'interface') {
          if (m.names.length === 0) fail('an interface match needs at least one name');
          for (const name of m.names) {
            const problem = interfaceNameProblem(name);
            if (problem) fail(problem);
          }
        }
      }
      for (const s of rule.then) {
        const targets =
          s.kind === 'jump' || s.kind === 'goto'
            ? [s.chain]
            : s.kind === 'dispatch'
              ? s.entries.flatMap((e) =>
                  typeof e.verdict === 'string' ? [] : ['jump' in e.verdict ? e.verdict.jump : e.verdict.goto],
                )
              : [];
        for (const target of targets) {
          const chain = chains.get(target);
          if (!chain) fail(`chain "${target}" does not exist in the table`);
          if (chain?.base) fail(`chain "${target}" is a base chain; jump only to regular chains`);
        }
        if (s.kind === 'log' && Buffer.byteLength(s.prefix) > MAX_LOG_PREFIX_BYTES)
          fail(`the log prefix is longer than ${MAX_LOG_PREFIX_BYTES} bytes`);
        if (s.kind === 'dispatch') {
          const prefixes = s.entries.map((e) => {
            try {
              return parsePrefix(e.prefix, s.version);
            } catch (error) {
              return fail((error as Error).message);
            }
          });
          // A verdict map has no longest-prefix match: nft 1.0.6 rejects overlapping keys ("conflicting intervals").
          if (collapsePrefixes(prefixes).length !== prefixes.length)
            fail('the dispatch prefixes overlap; a verdict map needs disjoint keys');
        }
      }
    });
  }
}
