import { describe, expect, it } from 'vitest';
import {
  initialState,
  nextWakeAt,
  resolveInterfaceConfig,
  step,
  type InterfaceAction,
  type InterfaceConfig,
  type InterfaceEvent,
  type InterfaceState,
  type RouterAdvertisement,
} from '@cairn/ra';

const MAC = '02:00:00:00:00:01';
const base: InterfaceConfig = {
  name: 'eth0',
  maxInterval: 600,
  minInterval: 200,
  linkMtu: 1500,
  prefixes: [{ prefix: '2001:db8:1::/64' }],
  rdnss: [{ servers: ['2001:db8::53', '2001:db8::54'] }],
  dnssl: [{ domains: ['oob.example.net'] }],
  routes: [{ prefix: '2001:db8:100::/48', preference: 'high' }],
};

/** Drives one interface through events, collecting sends with their times. */
class Driver {
  state: InterfaceState;
  now = 0;
  sent: { at: number; destination: string; message: RouterAdvertisement; reason: string }[] = [];
  other: InterfaceAction[] = [];
  constructor(
    config: InterfaceConfig = base,
    private readonly random: () => number = () => 0.5,
  ) {
    this.state = initialState(resolveInterfaceConfig(config));
  }
  apply(event: InterfaceEvent): void {
    const { state, actions } = step(this.state, event, this.now, this.random);
    this.state = state;
    for (const action of actions) {
      if (action.type === 'send')
        this.sent.push({
          at: this.now,
          destination: action.destination,
          message: action.message,
          reason: action.reason,
        });
      else this.other.push(action);
    }
  }
  /** Advances the clock to `until`, firing every timer on the way. */
  runUntil(until: number): void {
    for (;;) {
      const wake = nextWakeAt(this.state);
      if (wake === undefined || wake > until) break;
      this.now = Math.max(this.now, wake);
      this.apply({ type: 'timer' });
    }
    this.now = until;
  }
  rs(source = 'fe80::2'): void {
    this.apply({
      type: 'solicitation',
      source,
      hopLimit: 255,
      message: { type: 'router-solicitation', code: 0, options: [] },
    });
  }
}

describe('RFC 4861 §6.2.4 unsolicited advertisements', () => {
  it('sends 3 initial RAs at most 16 s apart, then one every [Min, Max]', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(3600_000);
    const times = d.sent.map((s) => s.at);
    expect(times.slice(0, 3)).toEqual([0, 16_000, 32_000]);
    // random() = 0.5 → 200 + 0.5 × 400 = 400 s between the later RAs.
    expect(times[3]).toBe(32_000 + 400_000);
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(400_000);
    expect(d.sent.every((s) => s.destination === 'ff02::1' && s.reason === 'unsolicited')).toBe(true);
  });

  it('draws each interval from the random source across [Min, Max]', () => {
    const draws = [0, 0.999, 0.25];
    let i = 0;
    const d = new Driver({ ...base, maxInterval: 10, minInterval: 4 }, () => draws[i++ % draws.length]!);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(100_000);
    const gaps = d.sent.slice(1).map((s, k) => s.at - d.sent[k]!.at);
    expect(gaps.slice(0, 3)).toEqual([4_000, 9_994, 5_500]);
  });

  it('advertises the configured fields, options and the SLLA', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(0);
    const ra = d.sent[0]!.message;
    expect(ra).toMatchObject({ curHopLimit: 64, routerLifetime: 1800, managed: false, otherConfig: false });
    expect(ra.options.map((o) => o.kind)).toEqual([
      'prefix-information',
      'route-information',
      'rdnss',
      'dnssl',
      'mtu',
      'source-link-layer-address',
    ]);
  });

  it('sends nothing while the link is down and starts afresh when it comes back', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(1000);
    d.apply({ type: 'link-down' });
    d.runUntil(100_000);
    expect(d.sent.length).toBe(1);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(100_000);
    expect(d.sent.map((s) => s.at)).toEqual([0, 100_000]);
  });
});

describe('RFC 4861 §6.2.6 solicitations', () => {
  it('answers after the random delay, by multicast', () => {
    const d = new Driver(base, () => 0.5);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(10_000);
    d.rs();
    d.runUntil(11_000);
    expect(d.sent.at(-1)).toMatchObject({ at: 10_250, destination: 'ff02::1', reason: 'solicited' });
  });

  it('never sends multicast RAs closer than 3 s (MIN_DELAY_BETWEEN_RAS) and merges solicitations', () => {
    const d = new Driver(base, () => 0.5);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(1000);
    d.rs('fe80::2');
    d.rs('fe80::3');
    d.runUntil(2000);
    d.rs('fe80::4');
    d.runUntil(10_000);
    // The initial RA at 0, then one answer for all three at 0 + 3000 + 250.
    expect(d.sent.map((s) => s.at)).toEqual([0, 3_250]);
  });

  it('answers by unicast to the soliciting host when configured, without the 3 s limit', () => {
    const d = new Driver({ ...base, unicastSolicitedReplies: true }, () => 0);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(500);
    d.rs('fe80::2');
    d.rs('::');
    d.runUntil(600);
    // fe80::2 is answered directly; the RS from :: can only be answered by multicast, 3 s after the last one.
    expect(d.sent.map((s) => [s.at, s.destination])).toEqual([
      [0, 'ff02::1'],
      [500, 'fe80::2'],
    ]);
    d.runUntil(3_000);
    expect(d.sent.at(-1)).toMatchObject({ at: 3_000, destination: 'ff02::1', reason: 'solicited' });
  });

  it('under a flood answers 64 hosts by unicast at a time, the rest by one multicast RA (RFC 4861 §6.2.6)', () => {
    const d = new Driver({ ...base, unicastSolicitedReplies: true }, () => 0.5);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(10_000);
    const before = d.sent.length;
    for (let i = 0; i < 4096; i++) d.rs(`fe80::${(i + 1).toString(16)}`);
    expect(d.state.unicastReplies).toHaveLength(64);
    d.runUntil(20_000);
    const answers = d.sent.slice(before);
    expect(answers.filter((s) => s.destination !== 'ff02::1')).toHaveLength(64);
    const multicast = answers.filter((s) => s.destination === 'ff02::1');
    expect(multicast.map((s) => [s.at, s.reason])).toEqual([[10_250, 'solicited']]);
  });

  it('when the kernel refuses a unicast answer, answers by multicast for 10 s, the refused host included', () => {
    const d = new Driver({ ...base, unicastSolicitedReplies: true }, () => 0);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(10_000);
    d.rs('fe80::2');
    d.rs('fe80::3');
    d.apply({ type: 'unicast-refused', destination: 'fe80::2' });
    expect(d.state.unicastReplies).toEqual([]);
    d.rs('fe80::4');
    d.runUntil(15_000);
    expect(d.sent.slice(-1).map((s) => [s.at, s.destination, s.reason])).toEqual([[10_000, 'ff02::1', 'solicited']]);
    d.now = 20_000;
    d.rs('fe80::5');
    d.runUntil(20_000);
    expect(d.sent.at(-1)).toMatchObject({ at: 20_000, destination: 'fe80::5' });
  });

  it('with maxReplyDelay 0 answers at once', () => {
    const d = new Driver({ ...base, maxReplyDelay: 0 }, () => 0.9);
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(5_000);
    d.rs();
    expect(nextWakeAt(d.state)).toBe(5_000);
  });

  it.each([
    ['hop limit 254', () => ({ source: 'fe80::2', hopLimit: 254, code: 0, options: [] })],
    ['code 1', () => ({ source: 'fe80::2', hopLimit: 255, code: 1, options: [] })],
    [
      'an SLLA from ::',
      () => ({
        source: '::',
        hopLimit: 255,
        code: 0,
        options: [{ kind: 'source-link-layer-address' as const, address: MAC }],
      }),
    ],
  ])('discards an RS with %s (RFC 4861 §6.1.1)', (_what, make) => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(10_000);
    const { source, hopLimit, code, options } = make();
    d.apply({ type: 'solicitation', source, hopLimit, message: { type: 'router-solicitation', code, options } });
    d.runUntil(15_000); // before the second initial RA at 16 s
    expect(d.sent.length).toBe(1);
    expect(d.other).toMatchObject([{ type: 'discard', what: 'solicitation' }]);
  });
});

describe('RFC 4861 §6.2.5 and reconfiguration', () => {
  it('shutdown sends one final RA: router lifetime 0, routes and DNS lifetimes 0, prefixes kept', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(1000);
    d.apply({ type: 'shutdown' });
    const final = d.sent.at(-1)!;
    expect(final.reason).toBe('final');
    expect(final.message.routerLifetime).toBe(0);
    expect(final.message.options).toContainEqual({
      kind: 'rdnss',
      lifetime: 0,
      servers: ['2001:db8::53', '2001:db8::54'],
    });
    expect(final.message.options).toContainEqual(expect.objectContaining({ kind: 'route-information', lifetime: 0 }));
    expect(final.message.options).toContainEqual(
      expect.objectContaining({ kind: 'prefix-information', validLifetime: 2592000 }),
    );
    expect(nextWakeAt(d.state)).toBeUndefined();
  });

  it('a reload that changes nothing sends nothing and keeps the schedule', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(100_000);
    const before = { wake: nextWakeAt(d.state), sent: d.sent.length };
    d.apply({
      type: 'reconfigure',
      config: resolveInterfaceConfig({ ...base, rdnss: [{ servers: ['2001:db8:0::53', '2001:db8::54'] }] }),
    });
    expect({ wake: nextWakeAt(d.state), sent: d.sent.length }).toEqual(before);
  });

  it('a removed prefix is deprecated with zero lifetimes for 3 RAs, then dropped', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(100_000);
    const count = d.sent.length;
    d.apply({
      type: 'reconfigure',
      config: resolveInterfaceConfig({
        ...base,
        prefixes: [{ prefix: '2001:db8:2::/64' }],
        rdnss: [{ servers: ['2001:db8::54'] }],
      }),
    });
    d.runUntil(2_000_000);
    const after = d.sent.slice(count);
    expect(after[0]!.at).toBe(100_000); // changed information goes out at once (RFC 4861 §6.2.4)
    const pios = (ra: RouterAdvertisement) =>
      ra.options
        .filter((o) => o.kind === 'prefix-information')
        .map((o) => [o.prefix, o.validLifetime, o.preferredLifetime]);
    expect(pios(after[0]!.message)).toEqual([
      ['2001:db8:2::', 2592000, 604800],
      ['2001:db8:1::', 0, 0],
    ]);
    expect(after[0]!.message.options).toContainEqual({ kind: 'rdnss', servers: ['2001:db8::53'], lifetime: 0 });
    expect(pios(after[2]!.message)).toHaveLength(2);
    expect(pios(after[3]!.message)).toEqual([['2001:db8:2::', 2592000, 604800]]);
  });

  it('a prefix configured again stops being withdrawn', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    d.runUntil(1000);
    d.apply({ type: 'reconfigure', config: resolveInterfaceConfig({ ...base, prefixes: [] }) });
    d.apply({ type: 'reconfigure', config: resolveInterfaceConfig(base) });
    expect(d.state.withdrawals).toEqual([]);
  });
});

describe('RFC 4861 §6.2.7 consistency of other routers', () => {
  const theirs = (patch: Partial<RouterAdvertisement>): RouterAdvertisement => ({
    type: 'router-advertisement',
    code: 0,
    curHopLimit: 64,
    managed: false,
    otherConfig: false,
    homeAgent: false,
    preference: 'medium',
    proxy: false,
    routerLifetime: 1800,
    reachableTime: 0,
    retransTimer: 0,
    options: [],
    ...patch,
  });

  it('reports each differing field and lifetime, ignoring unspecified values', () => {
    const d = new Driver();
    d.apply({ type: 'link-up', linkLayerAddress: MAC });
    const message = theirs({
      curHopLimit: 0,
      managed: true,
      reachableTime: 30000,
      options: [
        { kind: 'mtu', mtu: 9000 },
        {
          kind: 'prefix-information',
          prefix: '2001:db8:1::',
          prefixLength: 64,
          onLink: true,
          autonomous: true,
          routerAddress: false,
          validLifetime: 2592000,
          preferredLifetime: 1,
        },
      ],
    });
    d.apply({ type: 'advertisement', source: 'fe80::99', hopLimit: 255, message });
    expect(d.other.map((a) => (a.type === 'inconsistent' ? [a.field, a.ours, a.theirs] : a.type))).toEqual([
      ['managed', false, true],
      ['mtu', 1500, 9000],
      ['prefix 2001:db8:1::/64 preferredLifetime', 604800, 1],
    ]);
  });

  it('discards RAs from non-link-local sources or with hop limit below 255 (RFC 4861 §6.1.2)', () => {
    const d = new Driver();
    d.apply({ type: 'advertisement', source: '2001:db8::1', hopLimit: 255, message: theirs({ managed: true }) });
    d.apply({ type: 'advertisement', source: 'fe80::1', hopLimit: 64, message: theirs({ managed: true }) });
    expect(d.other.map((a) => a.type)).toEqual(['discard', 'discard']);
  });
});
