import { describe, expect, it } from 'vitest';
import { BfdState } from '../src/constants.js';
import { formatBfdPeers } from '../src/format.js';
import { createSession, detectionTimeUs, stepSession, transmitIntervalUs } from '../src/session.js';
import { peerSnapshot } from '../src/snapshot.js';

describe('show bfd peers (FRR layout)', () => {
  it('prints a session brought Up by a remote packet with FRR field names and Cairn counters', () => {
    let session = createSession(
      { localDiscriminator: 7, desiredMinTxUs: 300_000, requiredMinRxUs: 300_000, detectMultiplier: 3 },
      0,
    );
    const remote = {
      diagnostic: 0 as const,
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      detectMultiplier: 3,
      myDiscriminator: 99,
      desiredMinTxUs: 300_000,
      requiredMinRxUs: 300_000,
      requiredMinEchoRxUs: 0,
    };
    session = stepSession(
      session,
      { type: 'packet', packet: { ...remote, state: BfdState.Down, yourDiscriminator: 0 } },
      10,
    ).session;
    session = stepSession(
      session,
      { type: 'packet', packet: { ...remote, state: BfdState.Up, yourDiscriminator: 7 } },
      20,
    ).session;
    expect(session.sessionState).toBe(BfdState.Up);
    const row = peerSnapshot(
      { peer: '10.0.0.1', local: '10.0.0.2' },
      session,
      3_720_020,
      transmitIntervalUs(session),
      detectionTimeUs(session),
    );
    expect(row).toMatchObject({
      status: 'up',
      uptime: 3720,
      id: 7,
      'remote-id': 99,
      'session-up': 1,
      'control-packet-input': 2,
    });
    const text = formatBfdPeers([row]);
    expect(text).toContain('\tpeer 10.0.0.1 local-address 10.0.0.2 vrf default\n');
    expect(text).toContain('\t\tStatus: up\n\t\tUptime: 1 hour(s), 2 minute(s), 0 second(s)\n');
    expect(text).toContain('\t\tRemote ID: 99\n');
    expect(text).toContain('\t\t\tReceive interval: 300ms\n');
    expect(text).toContain('Negotiated: transmit every 300ms, detection time 900ms');
  });
});
