// cairn-bgp as a process: a BgpSpeaker from a configuration file, on the Linux transport (TCP-MD5,
// GTSM), with a control socket, and a reload that applies the difference to a new configuration.
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, formatProblem } from '@cairn/sys';
import type { Logger } from 'pino';
import { BfdService } from '@cairn/bfd';
import { type CairnBgpConfig, cairnBgpConfigSchema, prefixKey } from '../config/cairn-bgp.js';
import { impactOf } from '../config/peer.js';
import { BgpSpeaker } from '../speaker/speaker.js';
import { LinuxTransport } from '../transport/linux.js';
import { normalizeAddress } from '../transport/types.js';
import { announcementAttributes, announcementOptions, loadConfig, peerConfigOf } from './config.js';
import { ControlServer, DEFAULT_CONTROL_SOCKET } from './control.js';

export interface DaemonOptions {
  /** The control socket, over the file's `control` (cairn-bgp run --socket). */
  control?: string;
}

/** What a reload did, or why it did nothing. */
export interface ReloadResult {
  applied: boolean;
  /** Why the new configuration was refused (one line each); empty when applied. */
  problems: string[];
  peersAdded: string[];
  peersRemoved: string[];
  peersChanged: string[];
  announced: string[];
  withdrawn: string[];
}

export interface RunningDaemon {
  speaker: BgpSpeaker;
  /** BFD sessions of the peers with `bfd: true`, if any (`show bfd peers`). */
  bfd: BfdService | undefined;
  control: ControlServer;
  /** The configuration now applied. */
  readonly config: CairnBgpConfig;
  /** Applies the difference to `config`: peers added, removed and changed (updatePeer), announcements. */
  reload(config: CairnBgpConfig): ReloadResult;
  /** Reads `path` and reloads it; a bad file keeps the running configuration and logs each problem. */
  reloadFile(path: string): ReloadResult;
  stop(message?: string): Promise<void>;
}

type ConfiguredPeer = CairnBgpConfig['peers'][number];

/** The keys a running daemon cannot change (their impact is `restart`). */
const RESTART_KEYS = Object.entries(cairnBgpConfigSchema.shape)
  .filter(([, field]) => impactOf(field) === 'restart')
  .map(([key]) => key as keyof CairnBgpConfig);

function refused(problems: string[]): ReloadResult {
  return { applied: false, problems, peersAdded: [], peersRemoved: [], peersChanged: [], announced: [], withdrawn: [] };
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

export async function runDaemon(
  initial: CairnBgpConfig,
  logger: Logger,
  options: DaemonOptions = {},
): Promise<RunningDaemon> {
  const transport = new LinuxTransport({
    ...(initial.listen ? { listenAddresses: initial.listen } : {}),
    ...(initial.port ? { port: initial.port } : {}),
    logger,
  });
  const speaker = new BgpSpeaker({
    localAs: initial.localAs,
    routerId: initial.routerId,
    logger,
    transport,
    ...(initial.pathAttributes ? { pathAttributes: initial.pathAttributes } : {}),
  });
  // RFC 5882: one BFD service for every peer configured with `bfd: true`.
  const bfd = initial.peers.some((p) => p.bfd)
    ? new BfdService({ logger, ...(initial.bfd ? { defaults: initial.bfd } : {}) })
    : undefined;
  let config = initial;
  const speakerPeer = (peer: ConfiguredPeer, from: CairnBgpConfig) => ({
    ...peerConfigOf(peer, from),
    ...(peer.bfd && bfd ? { liveness: bfd } : {}),
  });
  for (const peer of initial.peers) speaker.addPeer(speakerPeer(peer, initial));
  for (const a of initial.announce ?? []) speaker.announce(a.prefix, announcementAttributes(a), announcementOptions(a));
  const control = new ControlServer(speaker, options.control ?? initial.control ?? DEFAULT_CONTROL_SOCKET, logger, bfd);
  await control.listen();
  await speaker.start();
  const { localAs, routerId } = initial;
  logger.info({ localAs, routerId, peers: initial.peers.length, control: control.path }, 'cairn-bgp running');

  /** What the running daemon cannot take without a restart. */
  function restartProblems(next: CairnBgpConfig): string[] {
    const changed = RESTART_KEYS.filter((key) => !isDeepStrictEqual(config[key], next[key]));
    const running = (key: keyof CairnBgpConfig) => JSON.stringify(config[key]) ?? 'default';
    const problems = changed.map(
      (key) => `${key}: changing it needs a restart of cairn-bgp (running: ${running(key)})`,
    );
    if (!bfd) {
      next.peers.forEach((peer, index) => {
        if (!peer.bfd) return;
        problems.push(`peers[${index}].bfd: cairn-bgp started without BFD peers: restart it to enable BFD`);
      });
    }
    return problems;
  }

  function reload(next: CairnBgpConfig): ReloadResult {
    const problems = restartProblems(next);
    if (problems.length > 0) {
      for (const problem of problems) logger.error({ problem }, `configuration not reloaded: ${problem}`);
      return refused(problems);
    }
    const result = refused([]);
    result.applied = true;
    logger.level = next.logLevel ?? 'info';
    const before = byKey(config.peers, (p) => normalizeAddress(p.address));
    const after = byKey(next.peers, (p) => normalizeAddress(p.address));
    for (const address of before.keys()) {
      if (after.has(address)) continue;
      speaker.removePeer(address);
      result.peersRemoved.push(address);
    }
    for (const [address, peer] of after) {
      const old = before.get(address);
      if (!old) continue;
      const updated = speakerPeer(peer, next);
      if (isDeepStrictEqual(speakerPeer(old, config), updated)) continue;
      // The speaker decides from each setting's change impact: policy only, limits, transport or a reset.
      speaker.updatePeer(updated);
      result.peersChanged.push(address);
    }
    for (const [address, peer] of after) {
      if (before.has(address)) continue;
      speaker.addPeer(speakerPeer(peer, next));
      result.peersAdded.push(address);
    }
    const announcedBefore = byKey(config.announce ?? [], (a) => prefixKey(a.prefix));
    const announcedAfter = byKey(next.announce ?? [], (a) => prefixKey(a.prefix));
    for (const prefix of announcedBefore.keys()) {
      if (announcedAfter.has(prefix)) continue;
      speaker.withdraw(prefix);
      result.withdrawn.push(prefix);
    }
    for (const [prefix, a] of announcedAfter) {
      if (isDeepStrictEqual(announcedBefore.get(prefix), a)) continue;
      speaker.announce(a.prefix, announcementAttributes(a), announcementOptions(a));
      result.announced.push(prefix);
    }
    config = next;
    const { applied: _applied, problems: _problems, ...changes } = result;
    logger.info(changes, 'configuration reloaded');
    return result;
  }

  function reloadFile(path: string): ReloadResult {
    let next: CairnBgpConfig;
    try {
      next = loadConfig(path);
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems.map(formatProblem) : [(error as Error).message];
      for (const problem of problems) logger.error({ file: path, problem }, `${path} not reloaded: ${problem}`);
      return refused(problems);
    }
    try {
      return reload(next);
    } catch (error) {
      // Validated above, so the speaker should take all of it; if it does not, say so rather than die.
      const problem = (error as Error).message;
      logger.error({ file: path, problem }, `${path} reload failed: ${problem}`);
      return refused([problem]);
    }
  }

  return {
    speaker,
    bfd,
    control,
    get config() {
      return config;
    },
    reload,
    reloadFile,
    async stop(message?: string) {
      await control.close();
      await speaker.stop(message);
      await bfd?.close();
    },
  };
}
