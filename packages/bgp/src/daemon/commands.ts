// What each cairn-bgp control request does: the commands of the control socket, apart from how requests
// travel (control.ts).
import type { BfdService } from '@cairn/bfd';
import type { OriginateAttributes, OriginateOptions } from '../rib/rib-manager.js';
import type { BgpSpeaker } from '../speaker/speaker.js';

export type ControlRequest =
  | { command: 'summary' }
  | { command: 'routes'; prefix?: string }
  | { command: 'announce'; prefix: string; attributes?: OriginateAttributes; options?: OriginateOptions }
  | { command: 'withdraw'; prefix: string }
  | { command: 'bfd-peers' };

export type ControlResponse = { ok: true; result: unknown } | { ok: false; error: string };

export function executeControlRequest(speaker: BgpSpeaker, request: ControlRequest, bfd: BfdService | undefined): unknown {
  switch (request.command) {
    case 'summary':
      return speaker.summary();
    case 'routes':
      return speaker.routes(request.prefix);
    case 'announce':
      speaker.announce(request.prefix, request.attributes ?? {}, request.options ?? {});
      return { announced: request.prefix };
    case 'withdraw':
      speaker.withdraw(request.prefix);
      return { withdrawn: request.prefix };
    case 'bfd-peers':
      // Rows shaped like FRR's `show bfd peers json`; empty when no peer has `bfd: true`.
      return bfd?.bfdPeersSnapshot() ?? [];
    default:
      throw new Error(`unknown command ${(request as { command?: unknown }).command}: use summary, routes, announce, withdraw or bfd-peers`);
  }
}

