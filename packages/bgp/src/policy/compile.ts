// A policy compiled for evaluation. Evaluation is split in two so a whole UPDATE is cheap: the
// attribute conditions are checked once per attribute set (`forAttributes`), then each prefix only
// walks the prefix conditions of the terms still in play.
import { AFI, type PathAttributes, type Prefix } from '../wire/types.js';
import { applyActions, compileActions, type CompiledActions } from './actions.js';
import { largeCommunityEquals, parseCommunity, parseLargeCommunity } from './community.js';
import { PrefixListMatcher } from './prefix-list.js';
import type { Policy, PolicyTerm } from './types.js';

interface CompiledTerm {
  index: number;
  accept: boolean;
  prefixList?: PrefixListMatcher;
  afi?: number;
  attributesMatch: (attributes: PathAttributes) => boolean;
  actions: CompiledActions;
}

/** The term that decided a route: its index in `policy.terms`, or -1 for the default. */
export type TermIndex = number;

export class CompiledPolicy {
  private readonly terms: CompiledTerm[];
  private readonly defaultAccept: boolean;

  constructor(readonly policy: Policy) {
    this.terms = policy.terms.map(compileTerm);
    this.defaultAccept = policy.defaultResult === 'accept';
  }

  /** True when the policy has no terms: every route gets the default result, unchanged. */
  get trivial(): boolean {
    return this.terms.length === 0;
  }

  /** Binds the attribute conditions to one attribute set; the result picks the deciding term per prefix. */
  forAttributes(attributes: PathAttributes): (prefix: Prefix) => TermIndex {
    const live = this.terms.filter((t) => t.attributesMatch(attributes));
    return (prefix) => {
      for (const term of live) {
        if (term.afi !== undefined && term.afi !== prefix.afi) continue;
        if (term.prefixList && !term.prefixList.matches(prefix)) continue;
        return term.index;
      }
      return -1;
    };
  }

  /** Whether the deciding term accepts. */
  accepts(term: TermIndex): boolean {
    return term < 0 ? this.defaultAccept : this.terms[term]!.accept;
  }

  /** The attributes after the deciding term's actions (only for accepted routes). */
  transform(term: TermIndex, attributes: PathAttributes, localAs: number): PathAttributes {
    return term < 0 ? attributes : applyActions(attributes, this.terms[term]!.actions, localAs);
  }

  /** Whether the deciding term asks for next-hop-self. */
  nextHopSelf(term: TermIndex): boolean {
    return term >= 0 && this.terms[term]!.actions.nextHopSelf;
  }

  /** Convenience for one route: the resulting attributes, or null when rejected. */
  evaluate(prefix: Prefix, attributes: PathAttributes, localAs: number): PathAttributes | null {
    const term = this.forAttributes(attributes)(prefix);
    return this.accepts(term) ? this.transform(term, attributes, localAs) : null;
  }
}

function compileTerm(term: PolicyTerm, index: number): CompiledTerm {
  const m = term.match ?? {};
  const communities = m.community?.map(parseCommunity);
  const large = m.largeCommunity?.map(parseLargeCommunity);
  const asn = m.asPathContains;
  return {
    index,
    accept: term.result === 'accept',
    prefixList: m.prefixList && new PrefixListMatcher(m.prefixList),
    afi: m.family === undefined ? undefined : m.family === 'ipv4' ? AFI.IPV4 : AFI.IPV6,
    attributesMatch: (a) => {
      if (communities && !communities.some((c) => a.communities?.includes(c))) return false;
      if (large && !large.some((c) => a.largeCommunities?.some((x) => largeCommunityEquals(x, c)))) return false;
      if (asn !== undefined && !a.asPath?.some((s) => s.asns.includes(asn))) return false;
      return true;
    },
    actions: compileActions(term.actions),
  };
}
