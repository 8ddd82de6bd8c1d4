import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@cairn/harness';
import { exportUpdates } from '../../src/session/export-updates.js';
import { decodeMessage, encodeMessage, formatPrefix, parsePrefix } from '../../src/wire/index.js';
import {
  DEFAULT_CODEC_CONTEXT,
  type AsPathSegment,
  type BgpMessage,
  type CodecContext,
  type UpdateMessage,
} from '../../src/wire/types.js';
import { type LoopbackLab, loopbackLab } from '../support/loopback-peers.js';
import type { ScriptedPeer } from '../support/scripted-peer.js';

// A peer can send one legal UPDATE whose attributes fit its own message but not the one the speaker
// sends on (RFC 4271 §4: 4096 bytes): the route is withheld from (and withdrawn at) that peer only,
// logged and counted; nothing throws, no session moves.
const SOURCE = '127.0.0.2';
const FOUR_OCTET = '127.0.0.3';
const TWO_OCTET = '127.0.0.4';
const PREFIX = '198.51.100.0/24';

/** 1,000 one-AS AS_SEQUENCE segments: 4,004 bytes of AS_PATH on a 2-octet session, 6,004 on a 4-octet one. */
const longPath: AsPathSegment[] = Array.from({ length: 1000 }, (_, i) => ({
  type: 'sequence',
  asns: [i === 0 ? 65002 : 1000 + i],
}));
const shortPath: AsPathSegment[] = [{ type: 'sequence', asns: [65002] }];

const announce = (prefix: string, asPath: AsPathSegment[]): BgpMessage => ({
  type: 2,
  withdrawn: [],
  nlri: [parsePrefix(prefix)],
  attributes: { origin: 0, asPath, nextHop: SOURCE },
});
const updates = (peer: ScriptedPeer) => peer.received.filter((m): m is UpdateMessage => m.type === 2);
const announced = (peer: ScriptedPeer, prefix: string) =>
  updates(peer).filter((u) => u.nlri.some((p) => formatPrefix(p) === prefix));
const withdrawn = (peer: ScriptedPeer, prefix: string) =>
  updates(peer).filter((u) => u.withdrawn.some((p) => formatPrefix(p) === prefix));

let lab: LoopbackLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

describe('routes that cannot be encoded for a peer', () => {
  it('are withdrawn from and counted for that peer only; the 2-octet peer still gets them', async () => {
    lab = await loopbackLab([
      { address: SOURCE, remoteAs: 65002, twoOctet: true },
      { address: FOUR_OCTET, remoteAs: 65003 },
      { address: TWO_OCTET, remoteAs: 65004, twoOctet: true },
    ]);
    const source = await lab.establish(SOURCE);
    const four = await lab.establish(FOUR_OCTET);
    const two = await lab.establish(TWO_OCTET);

    source.sendMessage(announce(PREFIX, shortPath));
    await waitFor(() => announced(four, PREFIX).length > 0 && announced(two, PREFIX).length > 0, {
      what: 'the short-path route at both peers',
    });

    const long = announce(PREFIX, longPath);
    expect(encodeMessage(long, DEFAULT_CODEC_CONTEXT)).toHaveLength(4042); // a legal UPDATE on the 2-octet session
    source.sendMessage(long);
    await waitFor(() => withdrawn(four, PREFIX).length > 0, { what: 'the route withdrawn at the 4-octet peer' });
    await waitFor(() => announced(two, PREFIX).length > 1, { what: 'the long-path route at the 2-octet peer' });
    const got = announced(two, PREFIX).at(-1)!;
    expect(got.attributes.asPath!.flatMap((s) => s.asns)).toHaveLength(1001); // our AS prepended (RFC 4271 §5.1.2)

    const summary = lab.speaker.summary().ipv4Unicast!.peers;
    expect(summary[FOUR_OCTET]).toMatchObject({ state: 'Established', unsendableRoutes: 1, pfxSnt: 0 });
    expect(summary[TWO_OCTET]).toMatchObject({ state: 'Established', unsendableRoutes: 0, pfxSnt: 1 });
    for (const address of [SOURCE, FOUR_OCTET, TWO_OCTET])
      expect(lab.peers.get(address)!.notification()).toBeUndefined();

    // Back to an encodable path: the 4-octet peer gets the route again and the count goes.
    source.sendMessage(announce(PREFIX, shortPath));
    await waitFor(() => announced(four, PREFIX).length > 1, { what: 'the route again at the 4-octet peer' });
    expect(lab.speaker.summary().ipv4Unicast!.peers[FOUR_OCTET]).toMatchObject({ unsendableRoutes: 0, pfxSnt: 1 });
  });
});

describe('exportUpdates with attributes too large for the session', () => {
  const ctx: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };
  const asPath: AsPathSegment[] = [{ type: 'sequence', asns: [65053, 65002] }];
  // 1,011 communities: the 4,095-byte UPDATE they came in, plus our AS, is past 4,096 bytes.
  const communities = Array.from({ length: 1011 }, (_, i) => 0xfde80000 + i);

  it('reports the group, withdraws its prefixes and still encodes the others', () => {
    const { messages, unsendable } = exportUpdates(
      {
        withdrawn: [parsePrefix('192.0.2.0/24')],
        announce: [
          {
            afi: 1,
            attributes: { origin: 0, asPath, communities },
            nextHop: '10.0.0.100',
            nlri: [parsePrefix(PREFIX)],
          },
          { afi: 1, attributes: { origin: 0, asPath }, nextHop: '10.0.0.100', nlri: [parsePrefix('203.0.113.0/24')] },
        ],
      },
      () => true,
      ctx,
    );
    expect(unsendable).toHaveLength(1);
    expect(unsendable[0]!.reason).toMatch(/room|4096|bytes/);
    const decoded = messages.map((m) => decodeMessage(m, ctx) as UpdateMessage);
    expect(decoded[0]!.withdrawn.map(formatPrefix)).toEqual(['192.0.2.0/24', PREFIX]);
    expect(decoded[1]!.nlri.map(formatPrefix)).toEqual(['203.0.113.0/24']);
  });

  it('refuses an IPv6 next hop for IPv4 without RFC 8950 the same way', () => {
    const { messages, unsendable } = exportUpdates(
      {
        withdrawn: [],
        announce: [{ afi: 1, attributes: { origin: 0, asPath }, nextHop: 'fc00::1', nlri: [parsePrefix(PREFIX)] }],
      },
      () => true,
      ctx,
    );
    expect(unsendable[0]!.reason).toMatch(/extended next hop/);
    expect((decodeMessage(messages[0]!, ctx) as UpdateMessage).withdrawn.map(formatPrefix)).toEqual([PREFIX]);
  });
});
