import { describe, expect, it } from 'vitest';
import { executeControlRequest } from '../../src/daemon/commands.js';
import { BgpSpeaker } from '../../src/speaker/index.js';
import { TcpTransport } from '../../src/transport/index.js';

// Control requests are checked with the announcement schema before anything is stored: a bad one names the
// field and leaves the daemon's state as it was.
function speaker(): BgpSpeaker {
  return new BgpSpeaker({ localAs: 65053, routerId: '10.0.0.1', transport: new TcpTransport({ listenAddresses: [] }) });
}

function state(s: BgpSpeaker) {
  return { announced: s.announcements(), routes: s.routes() };
}

function refused(request: unknown): string {
  const s = speaker();
  executeControlRequest(s, { command: 'announce', prefix: '192.0.2.0/24' }, undefined);
  const before = state(s);
  let message = '';
  try {
    executeControlRequest(s, request, undefined);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).not.toBe('');
  expect(state(s)).toEqual(before);
  return message;
}

const announce = (attributes: Record<string, unknown>, prefix = '202.38.80.16/28') => ({
  command: 'announce',
  prefix,
  attributes,
});

describe('control requests', () => {
  it('announces and withdraws a valid prefix', () => {
    const s = speaker();
    expect(
      executeControlRequest(
        s,
        announce({ med: 10, communities: ['65053:100', 'no-export', 7], origin: 'egp' }),
        undefined,
      ),
    ).toEqual({ announced: '202.38.80.16/28' });
    expect(s.routes()).toEqual([
      expect.objectContaining({ prefix: '202.38.80.16/28', med: 10, origin: 'egp', from: 'local' }),
    ]);
    executeControlRequest(s, { command: 'withdraw', prefix: '202.38.80.16/28' }, undefined);
    expect(s.routes()).toEqual([]);
  });

  it('refuses a MED that is not an integer 0–4294967295', () => {
    expect(refused(announce({ med: 'x' }))).toBe('attributes.med: expected an integer 0–4294967295');
    expect(refused(announce({ med: -1 }))).toBe('attributes.med: expected an integer 0–4294967295');
    expect(refused(announce({ med: 1e30 }))).toBe('attributes.med: expected an integer 0–4294967295');
    expect(refused(announce({ med: null }))).toBe('attributes.med: expected an integer 0–4294967295');
  });

  it('refuses a bad origin, prefix, community or key', () => {
    expect(refused(announce({ origin: 99 }))).toBe(
      'attributes.origin: Invalid option: expected one of "igp"|"egp"|"incomplete"',
    );
    expect(refused(announce({}, '202.38.80.17/28'))).toBe('prefix: host bits are set: did you mean 202.38.80.16/28?');
    expect(refused(announce({}, 'zzz'))).toMatch(/^prefix: not a prefix/);
    expect(refused(announce({ communities: ['65053:100000'] }))).toMatch(
      /^attributes\.communities\[0\]: community "65053:100000" is neither/,
    );
    expect(refused(announce({ largeCommunities: ['1:2:x'] }))).toMatch(
      /^attributes\.largeCommunities\[0\]: large community/,
    );
    expect(refused(announce({ medd: 1 }))).toBe('attributes.medd: unknown key');
    expect(refused({ command: 'announce', prefix: '10.0.0.0/8', options: { onlyWithContributors: true } })).toBe(
      'options.onlyWithContributors: needs aggregate: true',
    );
  });

  it('refuses a withdrawal of a prefix that was never announced, and requests that are not requests', () => {
    expect(refused({ command: 'withdraw', prefix: '198.51.100.0/24' })).toBe(
      '198.51.100.0/24 was never announced: nothing to withdraw',
    );
    expect(refused({ command: 'withdraw', prefix: '198.51.100.1/24' })).toMatch(/^prefix: host bits are set/);
    expect(refused(null)).toMatch(/^unknown command \(none\): use summary, routes, announce, withdraw, bfd-peers$/);
    expect(refused({ command: 'reboot' })).toMatch(/^unknown command "reboot"/);
    expect(refused({ command: 'summary', extra: 1 })).toBe('extra: unknown key');
  });
});
