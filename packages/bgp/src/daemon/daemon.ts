// cairn-bgp as a process: a BgpSpeaker from a configuration file, on the Linux transport (TCP-MD5,
// GTSM), with a control socket.
import type { Logger } from 'pino';
import { BfdService } from '@cairn/bfd';
import type { OriginateAttributes } from '../rib/rib-manager.js';
import { BgpSpeaker } from '../speaker/speaker.js';
import { LinuxTransport } from '../transport/linux.js';
import { ORIGIN } from '../wire/types.js';
import { peerConfigOf, type DaemonAnnouncement, type DaemonConfig } from './config.js';
import { ControlServer, DEFAULT_CONTROL_SOCKET } from './control.js';

export interface RunningDaemon {
  speaker: BgpSpeaker;
  /** BFD sessions of the peers with `bfd: true`, if any (`show bfd peers`). */
  bfd: BfdService | undefined;
  control: ControlServer;
  stop(message?: string): Promise<void>;
}

export function announcementAttributes(a: DaemonAnnouncement): OriginateAttributes {
  const attributes: OriginateAttributes = {};
  if (a.origin) attributes.origin = ORIGIN[a.origin.toUpperCase() as 'IGP' | 'EGP' | 'INCOMPLETE'];
  if (a.med !== undefined) attributes.med = a.med;
  if (a.localPref !== undefined) attributes.localPref = a.localPref;
  if (a.communities) attributes.communities = a.communities;
  if (a.largeCommunities) attributes.largeCommunities = a.largeCommunities;
  return attributes;
}

export async function runDaemon(config: DaemonConfig, logger: Logger): Promise<RunningDaemon> {
  const transport = new LinuxTransport({
    ...(config.listen ? { listenAddresses: config.listen } : {}),
    ...(config.port ? { port: config.port } : {}),
    logger,
  });
  const speaker = new BgpSpeaker({ localAs: config.localAs, routerId: config.routerId, logger, transport });
  // RFC 5882: one BFD service for every peer configured with `bfd: true`.
  const bfd = config.peers.some((p) => p.bfd) ? new BfdService({ logger, ...(config.bfd ? { defaults: config.bfd } : {}) }) : undefined;
  for (const peer of config.peers) speaker.addPeer({ ...peerConfigOf(peer), ...(peer.bfd && bfd ? { liveness: bfd } : {}) });
  for (const a of config.announce ?? []) {
    speaker.announce(a.prefix, announcementAttributes(a), { ...(a.aggregate ? { aggregate: true } : {}), ...(a.onlyWithContributors ? { onlyWithContributors: true } : {}) });
  }
  const control = new ControlServer(speaker, config.control ?? DEFAULT_CONTROL_SOCKET, logger, bfd);
  await control.listen();
  await speaker.start();
  logger.info({ localAs: config.localAs, routerId: config.routerId, peers: config.peers.length, control: control.path }, 'cairn-bgp running');
  return {
    speaker,
    bfd,
    control,
    async stop(message?: string) {
      await control.close();
      await speaker.stop(message);
      await bfd?.close();
    },
  };
}
