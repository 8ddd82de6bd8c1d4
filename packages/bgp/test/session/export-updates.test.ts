import { describe, expect, it } from 'vitest';
import { exportUpdates } from '../../src/session/export-updates.js';
import { decodeMessage, parsePrefix } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT, type CodecContext, type UpdateMessage } from '../../src/wire/types.js';

const ctx: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };
const attributes = { origin: 0 as const, asPath: [{ type: 'sequence' as const, asns: [65053] }] };
const decode = (bytes: Uint8Array, c = ctx) => decodeMessage(bytes, c) as UpdateMessage;

describe('export batch → UPDATEs', () => {
  it('puts IPv4 with an IPv4 next hop in the body and IPv6 in MP_REACH_NLRI', () => {
    const [v4, v6] = exportUpdates(
      {
        withdrawn: [],
        announce: [
          { afi: 1, attributes, nextHop: '10.200.0.101', nlri: [parsePrefix('202.38.80.16/28')] },
          { afi: 2, attributes, nextHop: 'fc00:2024:9:7::101', nlri: [parsePrefix('2a02:1810:248b::/48')] },
        ],
      },
      () => true,
      ctx,
    ).messages.map((b) => decode(b));
    expect(v4).toMatchObject({
      nlri: [parsePrefix('202.38.80.16/28')],
      attributes: { nextHop: '10.200.0.101', asPath: [{ asns: [65053] }] },
    });
    expect(v6!.attributes.mpReach).toMatchObject({
      afi: 2,
      nextHop: 'fc00:2024:9:7::101',
      nlri: [parsePrefix('2a02:1810:248b::/48')],
    });
  });

  it('leaves out families the session did not negotiate, withdrawals included', () => {
    const out = exportUpdates(
      {
        withdrawn: [parsePrefix('198.51.100.0/24'), parsePrefix('2001:db8::/32')],
        announce: [{ afi: 2, attributes, nextHop: 'fc00::1', nlri: [parsePrefix('2001:db8:1::/48')] }],
      },
      (afi) => afi === 1,
      ctx,
    ).messages.map((b) => decode(b));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ withdrawn: [parsePrefix('198.51.100.0/24')], nlri: [] });
  });

  it('carries IPv4 with an IPv6 next hop in MP_REACH_NLRI when RFC 8950 is negotiated', () => {
    const extended: CodecContext = { ...ctx, extendedNextHop: new Set(['1/1']) };
    const [update] = exportUpdates(
      {
        withdrawn: [],
        announce: [{ afi: 1, attributes, nextHop: 'fc00:2024:9:7::101', nlri: [parsePrefix('202.38.80.16/28')] }],
      },
      () => true,
      extended,
    ).messages;
    expect(decode(update!, extended).attributes.mpReach).toMatchObject({
      afi: 1,
      nextHop: 'fc00:2024:9:7::101',
      nlri: [parsePrefix('202.38.80.16/28')],
    });
  });
});
