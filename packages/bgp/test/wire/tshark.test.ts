// Wireshark's BGP dissector as an independent oracle: every message kind Cairn encodes, wrapped in
// Ethernet/IPv4/TCP port 179 frames written here, must dissect with no "Malformed" and no expert
// warning or error. Needs tshark (Debian package tshark); fails with a clear message without it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUpdates, encodeMessage, endOfRib, parsePrefix } from '../../src/wire/index.js';
import type { BgpMessage } from '../../src/wire/index.js';
import { CTX4, context } from './helpers.js';
import { requireTshark, writeBgpPcap } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: BgpMessage = {
  type: 1,
  version: 4,
  asn: 4200000001,
  holdTime: 90,
  routerId: '10.200.0.101',
  capabilities: [
    { code: 1, afi: 1, safi: 1 },
    { code: 1, afi: 2, safi: 1 },
    { code: 2 },
    { code: 5, entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
    { code: 6 },
    { code: 9, role: 3 },
    {
      code: 64,
      restarting: false,
      notification: true,
      restartTime: 120,
      families: [{ afi: 1, safi: 1, forwardingPreserved: true }],
    },
    { code: 65, asn: 4200000001 },
    { code: 69, families: [{ afi: 1, safi: 1, direction: 'both' }] },
    { code: 70 },
    { code: 71, families: [{ afi: 1, safi: 1, forwardingPreserved: false, staleTime: 3600 }] },
    { code: 73, hostname: 'cairn-vr', domain: 'example.net' },
    { code: 75, version: 'Cairn/0.1.0' },
  ],
};

const fullAttributes = {
  origin: 0 as const,
  asPath: [
    { type: 'sequence' as const, asns: [65053, 64999, 4200000001] },
    { type: 'set' as const, asns: [64512, 64513] },
  ],
  nextHop: '10.200.0.101',
  med: 10,
  localPref: 200,
  atomicAggregate: true,
  aggregator: { asn: 65053, address: '10.200.0.101' },
  communities: [0xfde90064, 0xffffff01, 0xffff029a],
  originatorId: '10.200.0.1',
  clusterList: ['10.200.0.1'],
  extendedCommunities: [Uint8Array.of(0, 2, 0xfd, 0x1d, 0, 0, 0, 42)],
  largeCommunities: [{ globalAdmin: 65053, local1: 1, local2: 2 }],
  onlyToCustomer: 65053,
  unknown: [{ flags: 0xc0, typeCode: 0xf0, value: Uint8Array.of(1, 2, 3) }],
};

const mpAttributes = {
  origin: 0 as const,
  asPath: [{ type: 'sequence' as const, asns: [65053] }],
  mpReach: { afi: 2 as const, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1', nlri: [] },
};

async function dissect(name: string, payloads: Uint8Array[]): Promise<string> {
  await requireTshark();
  const pcap = join(dir, `${name}.pcap`);
  writeBgpPcap(pcap, payloads);
  const { stdout } = await execa('tshark', ['-r', pcap, '-V', '-o', 'tcp.analyze_sequence_numbers:FALSE']);
  return stdout;
}

function expectClean(output: string, messages: number): void {
  expect(output).not.toMatch(/\[Malformed Packet/);
  expect(output).not.toMatch(/Expert Info \((Warning|Error)/);
  expect(output.match(/Border Gateway Protocol - /g)?.length).toBe(messages);
}

describe('tshark -V dissects the encoder output cleanly', () => {
  it('OPEN with every capability, KEEPALIVE, NOTIFICATION (RFC 9003), ROUTE-REFRESH (RFC 7313)', async () => {
    const ctx = CTX4;
    const payloads = [
      encodeMessage(open, ctx),
      encodeMessage({ type: 4 }, ctx),
      encodeMessage({ type: 5, afi: 1, subtype: 0, safi: 1 }, ctx),
      encodeMessage({ type: 5, afi: 2, subtype: 1, safi: 1 }, ctx),
      encodeMessage({ type: 5, afi: 2, subtype: 2, safi: 1 }, ctx),
      encodeMessage({ type: 3, code: 6, subcode: 2, data: new Uint8Array(0), message: 'maintenance window' }, ctx),
      encodeMessage({ type: 3, code: 3, subcode: 11, data: new Uint8Array(0) }, ctx),
    ];
    const out = await dissect('control', payloads);
    expectClean(out, payloads.length);
    expect(out).toContain('FQDN');
    expect(out).toContain('maintenance window');
  });

  it('UPDATEs: every attribute, IPv6 MP_REACH with link-local, withdrawals, End-of-RIB', async () => {
    const ctx = CTX4;
    const payloads = [
      ...buildUpdates(
        { nlri: [parsePrefix('202.38.80.16/28'), parsePrefix('202.38.80.32/28')], attributes: fullAttributes },
        ctx,
      ),
      ...buildUpdates(
        {
          nlri: [parsePrefix('2a02:1810:248b:3b0a::/64'), parsePrefix('2a02:1810:248b::/48')],
          attributes: mpAttributes,
        },
        ctx,
      ),
      ...buildUpdates({ withdrawn: [parsePrefix('202.38.80.16/28'), parsePrefix('2a02:1810:248b::/48')] }, ctx),
      endOfRib({ afi: 1, safi: 1 }, ctx),
      endOfRib({ afi: 2, safi: 1 }, ctx),
    ];
    const out = await dissect('updates', payloads);
    expectClean(out, payloads.length);
    for (const text of [
      '202.38.80.16/28',
      '2a02:1810:248b:3b0a::/64',
      'fe80::1',
      'LARGE_COMMUNITY',
      'MP_UNREACH_NLRI',
    ]) {
      expect(out, text).toContain(text);
    }
    // Wireshark 4.0 (Debian 12) predates RFC 9234 and shows ONLY_TO_CUSTOMER as an unknown optional transitive attribute.
    expect(out).toContain('Path Attribute - Unknown (35)');
  });

  it('a 2-octet AS session: AS_TRANS with AS4_PATH and AS4_AGGREGATOR', async () => {
    const ctx = context();
    const payloads = buildUpdates(
      {
        nlri: [parsePrefix('202.38.80.16/28')],
        attributes: { ...fullAttributes, aggregator: { asn: 4200000001, address: '10.200.0.101' } },
      },
      ctx,
    );
    const out = await dissect('as4', payloads);
    expectClean(out, payloads.length);
    expect(out).toContain('AS4_PATH');
    expect(out).toContain('AS4_AGGREGATOR');
  });
});
