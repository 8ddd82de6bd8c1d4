// The peer schema: every setting of one BGP neighbour, each with its meaning, its default and what changing it
// touches (the speaker's updatePeer and the daemon's reload act on these tags; there is no other list).
import { asNumber, ipAddress, ipv4Address, ipv6Address, port } from '@cairn/sys';
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import { type ChangeImpact, setting } from './impact.js';
import { integer } from './numbers.js';
import { policyReference } from './policy.js';
import { ROUTE_CARRYING_ATTRIBUTES } from '../session/path-attributes.js';

/** RFC 2385 / Linux TCP_MD5SIG_MAXKEYLEN: a TCP-MD5 key is at most 80 bytes. */
export const TCP_MD5_MAX_KEY_BYTES = 80;

const seconds = (min: number, max = 65535) => integer(min, max);

/** RFC 4271 §4.2: the Hold Time is 0 or at least three seconds. */
const holdTime = integer(0, 65535).refine((value) => value === 0 || value >= 3, {
  message: 'the hold time must be 0 or 3–65535 seconds (RFC 4271 §4.2)',
});

const password = z
  .string()
  .min(1, { error: 'an empty TCP-MD5 key: leave `password` out for none' })
  .refine((value) => Buffer.byteLength(value, 'utf8') <= TCP_MD5_MAX_KEY_BYTES, {
    error: (issue) =>
      `the TCP-MD5 key has ${Buffer.byteLength(String(issue.input), 'utf8')} bytes; ` +
      `at most ${TCP_MD5_MAX_KEY_BYTES} (RFC 2385)`,
  });

const attributeTypes = z
  .array(
    integer(1, 255).superRefine((type, context) => {
      const name = ROUTE_CARRYING_ATTRIBUTES.get(type);
      if (name)
        context.addIssue({
          code: 'custom',
          message: `${name} (${type}) carries the route itself and cannot be configured`,
        });
    }),
  )
  .optional();

/** Per-attribute handling of received path attributes, by attribute type code. */
export const pathAttributesSchema = z.strictObject({
  discard: attributeTypes.meta({ description: 'attribute type codes removed from received UPDATEs' }),
  treatAsWithdraw: attributeTypes.meta({
    description: 'attribute type codes whose presence makes the UPDATE a withdrawal (RFC 7606 §2)',
  }),
});

/** RFC 9003: the shutdown communication is at most 255 octets of UTF-8. */
const shutdown = z.union([z.boolean(), z.string().max(255)], { error: 'expected true, false or a message' });

const families = z
  .array(z.enum(['ipv4', 'ipv6']))
  .min(1, { error: 'at least one family' })
  .refine((list) => new Set(list).size === list.length, { message: 'a family is listed twice' });

export const peerShape = {
  address: setting(ipAddress, {
    description: "the peer's address; also its id in events, summaries and the RIB",
    impact: 'session reset',
  }),
  remoteAs: setting(asNumber, {
    description: "the peer's AS; equal to the local AS for iBGP",
    impact: 'session reset',
  }),
  description: setting(z.string().optional(), { description: 'free text shown in the summary', impact: 'nothing' }),
  localAddress: setting(ipAddress.optional(), {
    description: 'source address of our connections, and the next hop advertised for its family',
    default: 'chosen by the kernel',
    impact: 'session reset',
  }),
  port: setting(port.optional(), { description: 'TCP port to connect to', default: '179', impact: 'transport' }),
  password: setting(password.optional(), {
    description: `TCP-MD5 key (RFC 2385), at most ${TCP_MD5_MAX_KEY_BYTES} bytes`,
    default: 'none',
    impact: 'transport',
  }),
  ttlSecurityHops: setting(integer(1, 254).optional(), {
    description: 'GTSM (RFC 5082): accept only packets from at most this many hops away',
    default: 'off',
    impact: 'transport',
  }),
  passive: setting(z.boolean().optional(), {
    description: "never connect, only accept the peer's connection",
    default: 'false',
    impact: 'nothing',
  }),
  holdTime: setting(holdTime.optional(), {
    description: 'Hold Time offered in OPEN, seconds (RFC 4271 §4.2)',
    default: '90',
    impact: 'session reset',
  }),
  keepaliveTime: setting(seconds(0).optional(), {
    description: 'seconds between KEEPALIVEs (RFC 4271 §10)',
    default: '30',
    impact: 'session reset',
  }),
  connectRetryTime: setting(seconds(1).optional(), {
    description: 'seconds between connection attempts (RFC 4271 §10)',
    default: '30',
    impact: 'nothing',
  }),
  idleHoldTime: setting(seconds(0).optional(), {
    description: 'initial IdleHold time of the flap back-off, seconds (RFC 4271 §8.1.1)',
    default: '5',
    impact: 'nothing',
  }),
  maxIdleHoldTime: setting(seconds(0).optional(), {
    description: 'largest IdleHold time of the flap back-off, seconds',
    default: '120',
    impact: 'nothing',
  }),
  delayOpenTime: setting(seconds(0, 240).optional(), {
    description: "DelayOpen (RFC 4271 §8.1.1): seconds to wait for the peer's OPEN before sending ours",
    default: '0 (off)',
    impact: 'nothing',
  }),
  families: setting(families.optional(), {
    description: 'address families to negotiate (RFC 4760)',
    default: '[ipv4, ipv6]',
    impact: 'session reset',
  }),
  nextHopIpv4: setting(ipv4Address.optional(), {
    description: 'next hop for IPv4 routes on a session over IPv6 (next-hop-self per family)',
    impact: 'session reset',
  }),
  nextHopIpv6: setting(ipv6Address.optional(), {
    description: 'a global IPv6 next hop for IPv6 routes on a session over IPv4',
    impact: 'session reset',
  }),
  extendedNextHop: setting(z.boolean().optional(), {
    description: "RFC 8950: on an IPv6 session, IPv4 routes with this speaker's IPv6 address as next hop",
    default: 'true (used only when the peer offers it and no nextHopIpv4 is set)',
    impact: 'session reset',
  }),
  importPolicy: setting(policyReference.optional(), {
    description: 'policy for routes from the peer: `accept-all`, `reject-all` or a policy',
    default: 'none: an eBGP peer accepts nothing (RFC 8212), an iBGP peer everything',
    impact: 'policy re-evaluation',
    typeName: '`accept-all`, `reject-all` or policy (see [policy](#policy))',
  }),
  exportPolicy: setting(policyReference.optional(), {
    description: 'policy for routes to the peer: `accept-all`, `reject-all` or a policy',
    default: 'none: an eBGP peer is sent nothing (RFC 8212), an iBGP peer everything',
    impact: 'policy re-evaluation',
    typeName: '`accept-all`, `reject-all` or policy (see [policy](#policy))',
  }),
  maxPrefixes: setting(integer(1, 4294967295).optional(), {
    description: 'close with Cease/Maximum Number of Prefixes Reached (RFC 4486) beyond this many per family',
    default: 'no limit',
    impact: 'RIB limits',
  }),
  gracefulRestart: setting(z.boolean().optional(), {
    description: "graceful restart helper (RFC 4724): keep a restarting peer's routes as stale",
    default: 'true',
    impact: 'session reset',
  }),
  enforceFirstAs: setting(z.boolean().optional(), {
    description: "treat an UPDATE whose AS_PATH does not start with the peer's AS as an error (RFC 4271 §6.3)",
    default: 'on for eBGP, off for iBGP',
    impact: 'nothing',
  }),
  pathAttributes: setting(pathAttributesSchema.optional(), {
    description: 'what to do with received path attributes of given type codes (1–255)',
    default: "the router's pathAttributes",
    impact: 'policy re-evaluation',
  }),
  shutdown: setting(shutdown.optional(), {
    description: 'administratively down; a text is sent to the peer as the RFC 9003 shutdown message',
    default: 'false',
    impact: 'session reset',
  }),
};

function checkPeer(peer: { address: string; localAddress?: string | undefined }, context: z.RefinementCtx): void {
  if (peer.localAddress !== undefined && isIPv6(peer.localAddress) !== isIPv6(peer.address)) {
    context.addIssue({
      code: 'custom',
      path: ['localAddress'],
      message: `not of the family of the peer address ${peer.address}`,
    });
  }
}

/** One BGP neighbour. */
export const peerSchema = z.strictObject(peerShape).superRefine(checkPeer);

/** The change impact a setting's meta gives it. */
export function impactOf(field: z.ZodType): ChangeImpact | undefined {
  return (z.globalRegistry.get(field) as { impact?: ChangeImpact } | undefined)?.impact;
}

/** A peer setting name. */
export type PeerSettingKey = keyof typeof peerShape;

/** What changing each peer setting touches, read from the schema. */
export const PEER_SETTING_IMPACT = Object.fromEntries(
  Object.entries(peerShape).map(([key, field]) => [key, impactOf(field)]),
) as Record<PeerSettingKey, ChangeImpact>;

/** A peer in the cairn-bgp file: the peer schema plus its binding to the daemon's BFD service. */
export const daemonPeerSchema = z
  .strictObject({
    ...peerShape,
    bfd: setting(z.boolean().optional(), {
      description: 'bind the session to a BFD session to the peer (RFC 5882), timers from the top-level `bfd`',
      default: 'false',
      impact: 'nothing',
    }),
  })
  .superRefine(checkPeer);
