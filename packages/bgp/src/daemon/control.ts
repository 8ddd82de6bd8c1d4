// The control socket of cairn-bgp: the @cairn/sys skeleton (bounded, 0600, SO_PEERCRED, one instance)
// answering the commands of commands.ts; and a typed client for programs that drive cairn-bgp.
import type { Logger } from 'pino';
import { type BfdPeerSnapshot, type BfdService } from '@cairn/bfd';
import { ControlServer as SkeletonServer, controlItems, controlRequest as skeletonRequest } from '@cairn/sys';
import type { BgpSpeaker } from '../speaker/speaker.js';
import type { RouteView } from '../speaker/route-view.js';
import type { Summary } from '../speaker/summary.js';
import { type ControlRequest, executeControlRequest } from './commands.js';

export { ControlError } from '@cairn/sys';
export type { ControlRequest, ControlResponse } from './commands.js';

export const DEFAULT_CONTROL_SOCKET = '/run/cairn-bgp.sock';

/** Who else may use the socket: a group gets 0660 and access (root and the daemon's user always may). */
export interface ControlAccess {
  group?: number;
}

export class ControlServer {
  private readonly server: SkeletonServer;

  constructor(
    speaker: BgpSpeaker,
    readonly path: string,
    logger: Logger,
    bfd?: BfdService,
    access: ControlAccess = {},
  ) {
    this.server = new SkeletonServer({
      path,
      daemon: 'cairn-bgp',
      logger,
      ...(access.group !== undefined ? { group: access.group } : {}),
      handle: (request) => executeControlRequest(speaker, request as ControlRequest, bfd),
    });
  }

  /** Throws AlreadyRunningError when another cairn-bgp answers on the path: call before opening BGP sockets. */
  listen(): Promise<void> {
    return this.server.listen();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** Sends one request to a running cairn-bgp and returns its result (ControlError when refused). */
export function controlRequest(path: string, request: ControlRequest): Promise<unknown> {
  return skeletonRequest(path, request, { daemon: 'cairn-bgp' });
}

/** A typed client of a running cairn-bgp, for an orchestrator that drives it without shelling out. */
export class BgpControlClient {
  constructor(readonly path: string = DEFAULT_CONTROL_SOCKET) {}

  summary(): Promise<Summary> {
    return controlRequest(this.path, { command: 'summary' }) as Promise<Summary>;
  }

  /** The Loc-RIB (or one prefix's candidates), read from the daemon as it is consumed. */
  routes(prefix?: string): AsyncIterable<RouteView> {
    return controlItems(
      this.path,
      { command: 'routes', ...(prefix ? { prefix } : {}) },
      { daemon: 'cairn-bgp' },
    ) as AsyncIterable<RouteView>;
  }

  bfdPeers(): Promise<BfdPeerSnapshot[]> {
    return controlRequest(this.path, { command: 'bfd-peers' }) as Promise<BfdPeerSnapshot[]>;
  }

  async announce(request: Omit<Extract<ControlRequest, { command: 'announce' }>, 'command'>): Promise<void> {
    await controlRequest(this.path, { command: 'announce', ...request });
  }

  async withdraw(prefix: string): Promise<void> {
    await controlRequest(this.path, { command: 'withdraw', prefix });
  }
}
