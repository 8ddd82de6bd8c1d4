import { encodeMessage, type RouterAdvertisement, type RouterSolicitation } from '../wire/messages.js';
import type { NdOption } from '../wire/options.js';
import { buildAdvertisement, configuredOptions, optionKey, withZeroLifetimes } from './advertisement.js';
import type { ResolvedInterfaceConfig } from './config.js';
import {
  MAX_INITIAL_RTR_ADVERT_INTERVAL,
  MAX_INITIAL_RTR_ADVERTISEMENTS,
  MAX_PENDING_UNICAST_REPLIES,
  MIN_DELAY_BETWEEN_RAS,
  UNICAST_REFUSED_HOLDOFF,
  WITHDRAWAL_ADVERTISEMENTS,
} from './constants.js';

export const ALL_NODES = 'ff02::1';
export const UNSPECIFIED = '::';

/** A removed prefix, route or DNS entry, sent with zero lifetimes in the next few multicast RAs. */
export interface Withdrawal {
  option: NdOption;
  remaining: number;
}

/** Everything the advertiser knows about one interface. Plain data: the machine never mutates it. */
export interface InterfaceState {
  readonly config: ResolvedInterfaceConfig;
  /** True while the link is up with a link-local address, i.e. while RAs can be sent (RFC 4861 §6.2.2). */
  readonly advertising: boolean;
  readonly linkLayerAddress: string | undefined;
  /** Initial advertisements still to send (RFC 4861 §6.2.4). */
  readonly initialRemaining: number;
  readonly nextUnsolicitedAt: number | undefined;
  readonly lastMulticastAt: number | undefined;
  /** A multicast answer to solicitations, when scheduled (RFC 4861 §6.2.6). */
  readonly solicitedMulticastAt: number | undefined;
  /** Unicast answers (the `unicastSolicitedReplies` option), at most MAX_PENDING_UNICAST_REPLIES. */
  readonly unicastReplies: readonly { destination: string; at: number }[];
  /** Until when solicitations are answered by multicast because the kernel refused a unicast answer. */
  readonly unicastRefusedUntil: number | undefined;
  readonly withdrawals: readonly Withdrawal[];
}

export type InterfaceEvent =
  /** The link is up and has a link-local address (again, or a new one): start advertising afresh. */
  | { type: 'link-up'; linkLayerAddress: string | undefined }
  /** The link went down or lost its link-local address: nothing can be sent. */
  | { type: 'link-down' }
  /** The clock reached `nextWakeAt(state)`. */
  | { type: 'timer' }
  | { type: 'solicitation'; source: string; hopLimit: number; message: RouterSolicitation }
  | { type: 'advertisement'; source: string; hopLimit: number; message: RouterAdvertisement }
  | { type: 'reconfigure'; config: ResolvedInterfaceConfig }
  /** The kernel refused a unicast answer to `destination` (a full neighbour table, no route to it). */
  | { type: 'unicast-refused'; destination: string }
  /** The advertiser stops or the interface leaves the configuration (RFC 4861 §6.2.5). */
  | { type: 'shutdown' };

export type SendReason = 'unsolicited' | 'solicited' | 'final';

export type InterfaceAction =
  | { type: 'send'; destination: string; message: RouterAdvertisement; reason: SendReason }
  | { type: 'discard'; what: 'solicitation' | 'advertisement'; source: string; reason: string }
  /** RFC 4861 §6.2.7: another router on the link advertises something different. */
  | {
      type: 'inconsistent';
      source: string;
      field: string;
      ours: string | number | boolean;
      theirs: string | number | boolean;
    };

export interface StepResult {
  state: InterfaceState;
  actions: InterfaceAction[];
}

/** A random source returning values in [0, 1), injected so tests are deterministic. */
export type Random = () => number;

export function initialState(config: ResolvedInterfaceConfig): InterfaceState {
  return {
    config,
    advertising: false,
    linkLayerAddress: undefined,
    initialRemaining: 0,
    nextUnsolicitedAt: undefined,
    lastMulticastAt: undefined,
    solicitedMulticastAt: undefined,
    unicastReplies: [],
    unicastRefusedUntil: undefined,
    withdrawals: [],
  };
}

/** When the machine next needs a `timer` event, or undefined when it is idle. */
export function nextWakeAt(state: InterfaceState): number | undefined {
  if (!state.advertising) return undefined;
  const times = [state.nextUnsolicitedAt, state.solicitedMulticastAt, ...state.unicastReplies.map((r) => r.at)].filter(
    (t): t is number => t !== undefined,
  );
  return times.length === 0 ? undefined : Math.min(...times);
}

// Memo of the last RA built per configuration object: an interface sends the same RA for hours, and
// equal inputs always give an equal message (callers must not mutate it), so reuse keeps sends cheap.
const built = new WeakMap<
  ResolvedInterfaceConfig,
  {
    withdrawals: readonly Withdrawal[];
    linkLayerAddress: string | undefined;
    final: boolean;
    message: RouterAdvertisement;
  }
>();

/** The RA this interface currently advertises (what `rdisc6` would see). The result is shared: do not mutate it. */
export function currentAdvertisement(state: InterfaceState, final = false): RouterAdvertisement {
  const memo = built.get(state.config);
  if (
    memo &&
    memo.withdrawals === state.withdrawals &&
    memo.linkLayerAddress === state.linkLayerAddress &&
    memo.final === final
  )
    return memo.message;
  const message = buildAdvertisement({
    config: state.config,
    linkLayerAddress: state.linkLayerAddress,
    withdrawals: state.withdrawals.map((w) => w.option),
    final,
  });
  built.set(state.config, { withdrawals: state.withdrawals, linkLayerAddress: state.linkLayerAddress, final, message });
  return message;
}

/** The earliest time a multicast RA may go out (RFC 4861 §6.2.4/§6.2.6 MIN_DELAY_BETWEEN_RAS). */
function earliestMulticast(state: InterfaceState, at: number): number {
  return state.lastMulticastAt === undefined ? at : Math.max(at, state.lastMulticastAt + MIN_DELAY_BETWEEN_RAS);
}

/** RFC 4861 §6.2.4: a uniformly random interval in [Min, Max], capped at 16 s while initial RAs remain. */
function unsolicitedInterval(config: ResolvedInterfaceConfig, initialRemaining: number, random: Random): number {
  const interval = (config.minInterval + random() * (config.maxInterval - config.minInterval)) * 1000;
  return initialRemaining > 0 ? Math.min(interval, MAX_INITIAL_RTR_ADVERT_INTERVAL) : interval;
}

/**
 * The per-interface router state machine of RFC 4861 §6.2: `(state, event, now) → (state, actions)`.
 * Pure: time (`now`, milliseconds) and randomness come from the caller.
 */
export function step(state: InterfaceState, event: InterfaceEvent, now: number, random: Random): StepResult {
  switch (event.type) {
    case 'link-up':
      // RFC 4861 §6.2.4: an interface that becomes an advertising interface sends up to
      // MAX_INITIAL_RTR_ADVERTISEMENTS at short intervals, the first at once (within the 3 s limit).
      return {
        state: {
          ...state,
          advertising: true,
          linkLayerAddress: event.linkLayerAddress,
          initialRemaining: MAX_INITIAL_RTR_ADVERTISEMENTS,
          nextUnsolicitedAt: earliestMulticast(state, now),
          solicitedMulticastAt: undefined,
          unicastReplies: [],
        },
        actions: [],
      };
    case 'link-down':
      return {
        state: {
          ...state,
          advertising: false,
          nextUnsolicitedAt: undefined,
          solicitedMulticastAt: undefined,
          unicastReplies: [],
        },
        actions: [],
      };
    case 'timer':
      return onTimer(state, now, random);
    case 'solicitation':
      return onSolicitation(state, event, now, random);
    case 'advertisement':
      return { state, actions: checkConsistency(state, event) };
    case 'reconfigure':
      return onReconfigure(state, event.config, now);
    case 'unicast-refused':
      // The host still gets its answer, by multicast; so do the others waiting for a unicast one.
      return {
        state: {
          ...scheduleMulticastAnswer(state, now, random),
          unicastReplies: [],
          unicastRefusedUntil: now + UNICAST_REFUSED_HOLDOFF,
        },
        actions: [],
      };
    case 'shutdown': {
      const actions: InterfaceAction[] = state.advertising
        ? [{ type: 'send', destination: ALL_NODES, message: currentAdvertisement(state, true), reason: 'final' }]
        : [];
      return {
        state: { ...initialState(state.config), lastMulticastAt: state.advertising ? now : state.lastMulticastAt },
        actions,
      };
    }
  }
}

function onTimer(state: InterfaceState, now: number, random: Random): StepResult {
  if (!state.advertising) return { state, actions: [] };
  const actions: InterfaceAction[] = [];
  const message = currentAdvertisement(state);
  const dueUnicast = state.unicastReplies.filter((r) => r.at <= now);
  for (const reply of dueUnicast)
    actions.push({ type: 'send', destination: reply.destination, message, reason: 'solicited' });
  let next: InterfaceState = { ...state, unicastReplies: state.unicastReplies.filter((r) => r.at > now) };

  const unsolicitedDue = state.nextUnsolicitedAt !== undefined && state.nextUnsolicitedAt <= now;
  const solicitedDue = state.solicitedMulticastAt !== undefined && state.solicitedMulticastAt <= now;
  if (unsolicitedDue || solicitedDue) {
    actions.push({
      type: 'send',
      destination: ALL_NODES,
      message,
      reason: unsolicitedDue ? 'unsolicited' : 'solicited',
    });
    const initialRemaining = Math.max(0, state.initialRemaining - 1);
    // Any multicast RA restarts the unsolicited interval (RFC 4861 §6.2.6 last paragraph).
    const nextUnsolicitedAt = Math.max(
      now + unsolicitedInterval(state.config, initialRemaining, random),
      now + MIN_DELAY_BETWEEN_RAS,
    );
    next = {
      ...next,
      initialRemaining,
      lastMulticastAt: now,
      nextUnsolicitedAt,
      solicitedMulticastAt: undefined,
      // Keep the same (empty) array when nothing is withdrawn, so the memoised RA stays valid.
      withdrawals:
        state.withdrawals.length === 0
          ? state.withdrawals
          : state.withdrawals.map((w) => ({ ...w, remaining: w.remaining - 1 })).filter((w) => w.remaining > 0),
    };
  }
  return { state: next, actions };
}

const isLinkLocal = (address: string) => /^fe[89ab][0-9a-f]:/i.test(address);

function onSolicitation(
  state: InterfaceState,
  event: Extract<InterfaceEvent, { type: 'solicitation' }>,
  now: number,
  random: Random,
): StepResult {
  const discard = (reason: string): StepResult => ({
    state,
    actions: [{ type: 'discard', what: 'solicitation', source: event.source, reason }],
  });
  // RFC 4861 §6.1.1 validity checks (the checksum is checked by the kernel; lengths by the codec).
  if (event.hopLimit !== 255) return discard(`hop limit ${event.hopLimit}, not 255 (RFC 4861 §6.1.1)`);
  if (event.message.code !== 0) return discard(`ICMP code ${event.message.code}, not 0 (RFC 4861 §6.1.1)`);
  const unspecified = event.source === UNSPECIFIED;
  if (unspecified && event.message.options.some((o) => o.kind === 'source-link-layer-address')) {
    return discard('source link-layer address option from the unspecified address (RFC 4861 §6.1.1)');
  }
  if (!state.advertising) return { state, actions: [] };

  if (state.config.unicastSolicitedReplies && !unspecified && unicastAllowed(state, now)) {
    if (state.unicastReplies.some((r) => r.destination === event.source)) return { state, actions: [] };
    // RFC 4861 §6.2.6: answer after a random delay in [0, MAX_RA_DELAY_TIME].
    const at = now + random() * state.config.maxReplyDelay;
    const unicastReplies = [...state.unicastReplies, { destination: event.source, at }];
    return { state: { ...state, unicastReplies }, actions: [] };
  }
  return { state: scheduleMulticastAnswer(state, now, random), actions: [] };
}

/** Unicast answers are off while the kernel refuses them, and past MAX_PENDING_UNICAST_REPLIES waiting. */
function unicastAllowed(state: InterfaceState, now: number): boolean {
  if (state.unicastRefusedUntil !== undefined && now < state.unicastRefusedUntil) return false;
  return state.unicastReplies.length < MAX_PENDING_UNICAST_REPLIES;
}

/**
 * RFC 4861 §6.2.6: a multicast answer after a random delay in [0, MAX_RA_DELAY_TIME], at most one per
 * MIN_DELAY_BETWEEN_RAS ("MIN_DELAY_BETWEEN_RAS plus the random value after the previous advertisement"
 * when one went out recently); nothing new when an RA is already due by then.
 */
function scheduleMulticastAnswer(state: InterfaceState, now: number, random: Random): InterfaceState {
  const delay = random() * state.config.maxReplyDelay;
  const at =
    state.lastMulticastAt !== undefined && now - state.lastMulticastAt < MIN_DELAY_BETWEEN_RAS
      ? state.lastMulticastAt + MIN_DELAY_BETWEEN_RAS + delay
      : now + delay;
  const alreadyCovered =
    (state.solicitedMulticastAt !== undefined && state.solicitedMulticastAt <= at) ||
    (state.nextUnsolicitedAt !== undefined && state.nextUnsolicitedAt <= at);
  return alreadyCovered ? state : { ...state, solicitedMulticastAt: at };
}

/** RFC 4861 §6.2.7: compares another router's RA with ours; differences are reported, never acted on. */
function checkConsistency(
  state: InterfaceState,
  event: Extract<InterfaceEvent, { type: 'advertisement' }>,
): InterfaceAction[] {
  const discard = (reason: string): InterfaceAction[] => [
    { type: 'discard', what: 'advertisement', source: event.source, reason },
  ];
  // RFC 4861 §6.1.2 validity checks.
  if (event.hopLimit !== 255) return discard(`hop limit ${event.hopLimit}, not 255 (RFC 4861 §6.1.2)`);
  if (event.message.code !== 0) return discard(`ICMP code ${event.message.code}, not 0 (RFC 4861 §6.1.2)`);
  if (!isLinkLocal(event.source)) return discard('source is not a link-local address (RFC 4861 §6.1.2)');

  const ours = currentAdvertisement(state);
  const theirs = event.message;
  const found: InterfaceAction[] = [];
  const report = (field: string, a: string | number | boolean, b: string | number | boolean) => {
    if (a !== b) found.push({ type: 'inconsistent', source: event.source, field, ours: a, theirs: b });
  };
  if (ours.curHopLimit !== 0 && theirs.curHopLimit !== 0) report('curHopLimit', ours.curHopLimit, theirs.curHopLimit);
  report('managed', ours.managed, theirs.managed);
  report('otherConfig', ours.otherConfig, theirs.otherConfig);
  if (ours.reachableTime !== 0 && theirs.reachableTime !== 0)
    report('reachableTime', ours.reachableTime, theirs.reachableTime);
  if (ours.retransTimer !== 0 && theirs.retransTimer !== 0)
    report('retransTimer', ours.retransTimer, theirs.retransTimer);
  const mtu = (ra: RouterAdvertisement) => ra.options.find((o) => o.kind === 'mtu');
  const ourMtu = mtu(ours);
  const theirMtu = mtu(theirs);
  if (ourMtu && theirMtu) report('mtu', ourMtu.mtu, theirMtu.mtu);
  for (const option of theirs.options) {
    if (option.kind !== 'prefix-information') continue;
    const mine = ours.options.find(
      (o) => o.kind === 'prefix-information' && o.prefix === option.prefix && o.prefixLength === option.prefixLength,
    );
    if (mine?.kind !== 'prefix-information') continue;
    const name = `prefix ${option.prefix}/${option.prefixLength}`;
    report(`${name} validLifetime`, mine.validLifetime, option.validLifetime);
    report(`${name} preferredLifetime`, mine.preferredLifetime, option.preferredLifetime);
  }
  return found;
}

/** Items the old configuration announced and the new one no longer does, each with zero lifetimes. */
function removedItems(before: ResolvedInterfaceConfig, after: ResolvedInterfaceConfig): NdOption[] {
  const now = configuredOptions(after);
  const keys = new Set(now.map(optionKey));
  const servers = new Set(now.flatMap((o) => (o.kind === 'rdnss' ? o.servers : [])));
  const domains = new Set(now.flatMap((o) => (o.kind === 'dnssl' ? o.domains : [])));
  const removed: NdOption[] = [];
  for (const option of configuredOptions(before)) {
    if (option.kind === 'rdnss') {
      // Withdraw only the servers that left, so a server that stays is never told lifetime 0.
      const gone = option.servers.filter((s) => !servers.has(s));
      if (gone.length > 0) removed.push({ kind: 'rdnss', servers: gone, lifetime: 0 });
    } else if (option.kind === 'dnssl') {
      const gone = option.domains.filter((d) => !domains.has(d));
      if (gone.length > 0) removed.push({ kind: 'dnssl', domains: gone, lifetime: 0 });
    } else {
      const key = optionKey(option);
      if (key !== undefined && !keys.has(key)) removed.push(withZeroLifetimes(option));
    }
  }
  return removed;
}

function onReconfigure(state: InterfaceState, config: ResolvedInterfaceConfig, now: number): StepResult {
  const before = encodeMessage(currentAdvertisement(state));
  const removed = removedItems(state.config, config);
  const withdrawals: Withdrawal[] = [
    ...state.withdrawals,
    ...removed.map((option) => ({ option, remaining: WITHDRAWAL_ADVERTISEMENTS })),
  ]
    // An item configured again stops being withdrawn.
    .flatMap((w) => {
      const option = stillWithdrawn(w.option, config);
      return option ? [{ ...w, option }] : [];
    });
  const next: InterfaceState = { ...state, config, withdrawals };
  const after = encodeMessage(currentAdvertisement(next));
  if (Buffer.compare(before, after) === 0) {
    // Nothing a host would notice changed (RFC 4861 §6.2.4 only allows extra RAs when it does): keep
    // the schedule, only pull the next RA in if the new MaxRtrAdvInterval is shorter.
    const latest = now + config.maxInterval * 1000;
    const nextUnsolicitedAt =
      state.nextUnsolicitedAt === undefined ? undefined : Math.min(state.nextUnsolicitedAt, latest);
    return { state: { ...next, nextUnsolicitedAt }, actions: [] };
  }
  if (!state.advertising) return { state: next, actions: [] };
  // RFC 4861 §6.2.4: changed information may be sent like at start-up, up to MAX_INITIAL_RTR_ADVERTISEMENTS.
  return {
    state: {
      ...next,
      initialRemaining: MAX_INITIAL_RTR_ADVERTISEMENTS,
      nextUnsolicitedAt: earliestMulticast(state, now),
    },
    actions: [],
  };
}

/** What of withdrawal `option` is still not configured again, or undefined when all of it is back. */
function stillWithdrawn(option: NdOption, config: ResolvedInterfaceConfig): NdOption | undefined {
  if (option.kind === 'rdnss') {
    const servers = option.servers.filter((s) => !config.rdnss.some((r) => r.servers.includes(s)));
    return servers.length > 0 ? { ...option, servers } : undefined;
  }
  if (option.kind === 'dnssl') {
    const domains = option.domains.filter((d) => !config.dnssl.some((r) => r.domains.includes(d)));
    return domains.length > 0 ? { ...option, domains } : undefined;
  }
  return configuredOptions(config).some((o) => optionKey(o) === optionKey(option)) ? undefined : option;
}
