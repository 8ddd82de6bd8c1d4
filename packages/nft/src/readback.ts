// Reads tables back from the kernel (`nft -j list ruleset`, or `-t`: terse, without set elements) and
// compares them with what was compiled.
import { type ExpectedTable, FINGERPRINT_CHAIN, listContentDigest, parseFingerprintComment } from './compile.js';
import type { JsonValue } from './expressions.js';
import type { BaseChainSpec, ChainType, Hook, Verdict } from './model.js';

export interface ObservedTable {
  chains: Map<string, { base?: BaseChainSpec; ruleComments: string[] }>;
  sets: Set<string>;
  /** Key type of each set (`ipv4_addr`). */
  setTypes: Map<string, string>;
  /** Digest of each set's elements (listContentDigest); absent when read tersely. */
  setContents?: Map<string, string>;
  /** The digest kept in the fingerprint chain, if the table has one. */
  fingerprint?: string;
}

export interface ParseOptions {
  /** The listing holds set elements (not `-t`): record each set's content digest. */
  elements?: boolean;
}

interface NftListItem {
  table?: { family: string; name: string };
  chain?: { family: string; table: string; name: string; type?: string; hook?: string; prio?: number; policy?: string };
  rule?: { family: string; table: string; chain: string; comment?: string };
  set?: { family: string; table: string; name: string; type?: string; elem?: JsonValue[] };
  map?: { family: string; table: string; name: string };
}

/** Parses `nft -j list ruleset` (or `list table`) output into per-table summaries keyed `family name`. */
export function parseRuleset(json: string, options: ParseOptions = {}): Map<string, ObservedTable> {
  const tables = new Map<string, ObservedTable>();
  const doc = JSON.parse(json) as { nftables?: NftListItem[] };
  const tableOf = (family: string, name: string): ObservedTable => {
    const key = `${family} ${name}`;
    let t = tables.get(key);
    if (!t) {
      t = { chains: new Map(), sets: new Set(), setTypes: new Map() };
      if (options.elements) t.setContents = new Map();
      tables.set(key, t);
    }
    return t;
  };
  for (const item of doc.nftables ?? []) {
    if (item.table) tableOf(item.table.family, item.table.name);
    else if (item.chain) {
      const c = item.chain;
      const base =
        c.hook !== undefined
          ? {
              type: c.type as ChainType,
              hook: c.hook as Hook,
              priority: c.prio ?? 0,
              policy: (c.policy ?? 'accept') as Verdict,
            }
          : undefined;
      tableOf(c.family, c.table).chains.set(c.name, { ...(base ? { base } : {}), ruleComments: [] });
    } else if (item.rule) {
      const r = item.rule;
      const t = tableOf(r.family, r.table);
      const chain = t.chains.get(r.chain);
      chain?.ruleComments.push(r.comment ?? '');
      if (r.chain === FINGERPRINT_CHAIN) {
        const fingerprint = parseFingerprintComment(r.comment);
        if (fingerprint !== undefined) t.fingerprint = fingerprint;
      }
    } else if (item.set) {
      const t = tableOf(item.set.family, item.set.table);
      t.sets.add(item.set.name);
      if (typeof item.set.type === 'string') t.setTypes.set(item.set.name, item.set.type);
      t.setContents?.set(item.set.name, listContentDigest(item.set.elem ?? []));
    } else if (item.map) tableOf(item.map.family, item.map.table).sets.add(item.map.name);
  }
  return tables;
}

/** Differences between the compiled expectation and the observed table (empty when they agree). */
export function compareTable(expected: ExpectedTable, observed: ObservedTable | undefined): string[] {
  if (!observed) return ['the table is missing'];
  const differences: string[] = [];
  const expectedNames = new Set(expected.chains.map((c) => c.name));
  for (const name of observed.chains.keys()) if (!expectedNames.has(name)) differences.push(`unexpected chain ${name}`);
  for (const chain of expected.chains) {
    const seen = observed.chains.get(chain.name);
    if (!seen) {
      differences.push(`chain ${chain.name} is missing`);
      continue;
    }
    const a = chain.base;
    const b = seen.base;
    if (
      (a === undefined) !== (b === undefined) ||
      (a && b && (a.type !== b.type || a.hook !== b.hook || a.priority !== b.priority || a.policy !== b.policy))
    ) {
      differences.push(
        `chain ${chain.name} is attached as ${JSON.stringify(b ?? 'regular')}, expected ${JSON.stringify(a ?? 'regular')}`,
      );
    }
    if (
      seen.ruleComments.length !== chain.ruleComments.length ||
      seen.ruleComments.some((c, i) => c !== chain.ruleComments[i])
    ) {
      differences.push(
        `chain ${chain.name} holds rules [${seen.ruleComments.join(', ')}], expected [${chain.ruleComments.join(', ')}]`,
      );
    }
  }
  const expectedSets = new Set(expected.sets);
  for (const name of observed.sets) if (!expectedSets.has(name)) differences.push(`unexpected set ${name}`);
  for (const name of expected.sets) {
    if (!observed.sets.has(name)) differences.push(`set ${name} is missing`);
    else if (observed.setContents && observed.setContents.get(name) !== expected.setContents.get(name)) {
      differences.push(`set ${name} holds other elements than the policy`);
    }
  }
  return differences;
}
