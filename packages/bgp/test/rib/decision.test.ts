// Table-driven tests of the decision process, one row per RFC 4271 §9.1.2.2 tie-break (and the
// RFC 4456 additions): two or three candidates that differ in exactly what the row is about.
import { describe, expect, it } from 'vitest';
import { selectBest, type Candidate, type CandidateAttributes, type CandidateSource } from '../../src/index.js';

interface Spec {
  name: string;
  local?: boolean;
  ebgp?: boolean;
  routerId?: number;
  address?: string;
  attrs?: Partial<CandidateAttributes>;
}

type Named = Candidate & { name: string };

function candidate(spec: Spec): Named {
  const source: CandidateSource = {
    isLocal: spec.local ?? false,
    isEbgp: spec.ebgp ?? true,
    routerId: spec.routerId ?? 1,
    addressOrder: spec.address ?? '4',
  };
  return {
    name: spec.name,
    source,
    localPref: 100,
    asPathLength: 2,
    origin: 0,
    med: 0,
    neighborAs: 64999,
    originatorId: undefined,
    clusterListLength: 0,
    ...spec.attrs,
  };
}

const rows: { rule: string; candidates: Spec[]; best: string }[] = [
  {
    rule: 'locally originated first',
    candidates: [
      { name: 'learned', attrs: { localPref: 500 } },
      { name: 'local', local: true, ebgp: false },
    ],
    best: 'local',
  },
  {
    rule: '§9.1.1 highest LOCAL_PREF',
    candidates: [{ name: 'lp100' }, { name: 'lp200', attrs: { localPref: 200, asPathLength: 9 } }],
    best: 'lp200',
  },
  {
    rule: '§9.1.2.2 (a) shortest AS_PATH',
    candidates: [
      { name: 'long', attrs: { asPathLength: 3 } },
      { name: 'short', attrs: { asPathLength: 1, origin: 2 } },
    ],
    best: 'short',
  },
  {
    rule: '§9.1.2.2 (b) lowest ORIGIN',
    candidates: [
      { name: 'incomplete', attrs: { origin: 2 } },
      { name: 'egp', attrs: { origin: 1 } },
      { name: 'igp', attrs: { origin: 0, med: 50 } },
    ],
    best: 'igp',
  },
  {
    rule: '§9.1.2.2 (c) lowest MED from the same neighbour AS',
    candidates: [
      { name: 'med10', attrs: { med: 10 }, routerId: 1 },
      { name: 'med5', attrs: { med: 5 }, routerId: 9 },
    ],
    best: 'med5',
  },
  {
    rule: '§9.1.2.2 (c) MED not compared across neighbour ASes',
    candidates: [
      { name: 'as1-med10', attrs: { med: 10, neighborAs: 1 }, routerId: 1 },
      { name: 'as2-med5', attrs: { med: 5, neighborAs: 2 }, routerId: 9 },
    ],
    best: 'as1-med10',
  },
  {
    rule: '§9.1.2.2 (c) missing MED counts as 0',
    candidates: [
      { name: 'med1', attrs: { med: 1 }, routerId: 1 },
      { name: 'none', attrs: { med: 0 }, routerId: 2 },
    ],
    best: 'none',
  },
  {
    rule: '§9.1.2.2 (d) eBGP over iBGP',
    candidates: [
      { name: 'ibgp', ebgp: false, routerId: 1 },
      { name: 'ebgp', ebgp: true, routerId: 9 },
    ],
    best: 'ebgp',
  },
  {
    rule: '§9.1.2.2 (f) lowest BGP identifier',
    candidates: [
      { name: 'id9', routerId: 9, address: '4a' },
      { name: 'id3', routerId: 3, address: '4b' },
    ],
    best: 'id3',
  },
  {
    rule: 'RFC 4456 §9: ORIGINATOR_ID replaces the identifier',
    candidates: [
      { name: 'orig8', ebgp: false, routerId: 1, attrs: { originatorId: 8 } },
      { name: 'id5', ebgp: false, routerId: 5 },
    ],
    best: 'id5',
  },
  {
    rule: 'RFC 4456 §9: shortest CLUSTER_LIST',
    candidates: [
      { name: 'cl2', ebgp: false, attrs: { originatorId: 7, clusterListLength: 2 } },
      { name: 'cl1', ebgp: false, attrs: { originatorId: 7, clusterListLength: 1 } },
    ],
    best: 'cl1',
  },
  {
    rule: '§9.1.2.2 (g) lowest peer address',
    candidates: [
      { name: 'addr2', address: '40a000002' },
      { name: 'addr1', address: '40a000001' },
    ],
    best: 'addr1',
  },
];

describe('decision process (RFC 4271 §9.1)', () => {
  for (const row of rows) {
    it(`${row.rule}`, () => {
      const candidates = row.candidates.map(candidate);
      expect(selectBest(candidates).best?.name).toBe(row.best);
      expect(selectBest(candidates.slice().reverse()).best?.name).toBe(row.best);
    });
  }

  it('excludes routes whose next hop is not resolvable', () => {
    const candidates = [
      candidate({ name: 'good', attrs: { localPref: 50 } }),
      candidate({ name: 'unresolvable', attrs: { localPref: 500 } }),
    ];
    expect(selectBest(candidates, { feasible: (c) => (c as Named).name !== 'unresolvable' }).best?.name).toBe('good');
    expect(selectBest([candidates[1]!], { feasible: () => false }).best).toBeUndefined();
  });

  it('MED elimination is over the whole set, so the result does not depend on order', () => {
    // The classic non-transitive trio: pairwise comparison would cycle.
    const trio = [
      candidate({ name: 'a', attrs: { neighborAs: 1, med: 20 }, routerId: 1 }),
      candidate({ name: 'b', attrs: { neighborAs: 2, med: 0 }, routerId: 3 }),
      candidate({ name: 'c', attrs: { neighborAs: 1, med: 10 }, routerId: 2 }),
    ];
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const winners = new Set(orders.map((o) => selectBest(o.map((i) => trio[i]!)).best?.name));
    expect([...winners]).toEqual(['c']);
  });

  it('multipath: equal routes from the same neighbour AS, up to maxPaths, best first', () => {
    const candidates = [
      candidate({ name: 'p3', routerId: 3 }),
      candidate({ name: 'p1', routerId: 1 }),
      candidate({ name: 'p2', routerId: 2 }),
      candidate({ name: 'other-as', routerId: 0, attrs: { neighborAs: 7 } }),
      candidate({ name: 'longer', routerId: 0, attrs: { asPathLength: 3 } }),
    ];
    const selection = selectBest(candidates, { maxPaths: 2 });
    expect(selection.best?.name).toBe('other-as');
    expect(selection.multipath.map((c) => (c as Named).name)).toEqual(['other-as']);
    const sameAs = candidates.filter((c) => c.name !== 'other-as');
    expect(selectBest(sameAs, { maxPaths: 2 }).multipath.map((c) => (c as Named).name)).toEqual(['p1', 'p2']);
    expect(selectBest(sameAs, { maxPaths: 8 }).multipath.map((c) => (c as Named).name)).toEqual(['p1', 'p2', 'p3']);
    expect(selectBest(sameAs).multipath.map((c) => (c as Named).name)).toEqual(['p1']);
  });
});
