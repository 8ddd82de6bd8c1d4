import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabProcess, type Namespace, requireCommands, waitFor } from '@cairn/harness';
import { type AdvertiserEvents, RaAdvertiser } from '@cairn/ra';
import { logger } from './helpers.js';

// RFC 4861 §6.2.7 both ways: Cairn and radvd share a link and advertise conflicting information;
// Cairn reports radvd's differences, and radvd (its own §6.2.7 checks) reports Cairn's.
describe('RFC 4861 §6.2.7 consistency checks against radvd on the same link', () => {
  const lab = Lab.create('ra-consistency');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-ra-radvd-'));
  let cairnNs: Namespace;
  let radvdNs: Namespace;
  let radvd: LabProcess;
  let radvdLog = '';
  let advertiser: RaAdvertiser;
  const reports: AdvertiserEvents['inconsistent'][0][] = [];

  beforeAll(async () => {
    requireCommands({ radvd: 'radvd' });
    cairnNs = await lab.namespace('cairn');
    radvdNs = await lab.namespace('radvd');
    await lab.link(cairnNs, 'eth0', radvdNs, 'eth0');
    const conf = join(dir, 'radvd.conf');
    writeFileSync(
      conf,
      `interface eth0 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 4;
  AdvManagedFlag on;
  AdvCurHopLimit 32;
  AdvLinkMTU 1400;
  prefix 2001:db8:1::/64 { AdvValidLifetime 86400; AdvPreferredLifetime 14400; };
};
`,
    );
    radvd = radvdNs.spawn('radvd', ['-n', '-d', '1', '-C', conf, '-p', join(dir, 'radvd.pid'), '-m', 'stderr']);
    radvd.stderr?.on('data', (chunk: Buffer) => (radvdLog += chunk.toString()));
    advertiser = new RaAdvertiser({
      logger,
      interfaces: [
        { name: 'eth0', maxInterval: 4, minInterval: 3, linkMtu: 1500, prefixes: [{ prefix: '2001:db8:1::/64' }] },
      ],
    });
    advertiser.on('inconsistent', (report) => reports.push(report));
    await cairnNs.enter(() => advertiser.start());
  });

  afterAll(async () => {
    await advertiser?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Cairn logs and counts each field radvd advertises differently', async () => {
    const fields = () => new Set(reports.map((r) => r.field));
    await waitFor(() => fields().size >= 5, { what: 'five inconsistencies reported by Cairn', timeoutMs: 30_000 });
    expect([...fields()].sort()).toEqual([
      'curHopLimit',
      'managed',
      'mtu',
      'prefix 2001:db8:1::/64 preferredLifetime',
      'prefix 2001:db8:1::/64 validLifetime',
    ]);
    expect(reports.find((r) => r.field === 'managed')).toMatchObject({ ours: false, theirs: true });
    expect(reports.every((r) => r.source.startsWith('fe80:'))).toBe(true);
    expect(advertiser.counters().eth0!.inconsistencies).toBeGreaterThanOrEqual(5);
  });

  it('radvd, checking Cairn’s RAs, finds the same disagreements (radvd 2.19 does not compare the M flag)', async () => {
    const expected = [
      /AdvCurHopLimit on eth0/,
      /AdvLinkMTU on eth0/,
      /AdvValidLifetime on eth0 for 2001:db8:1::/,
      /AdvPreferredLifetime on eth0 for 2001:db8:1::/,
    ];
    await waitFor(() => expected.every((pattern) => pattern.test(radvdLog)), {
      what: 'radvd to report Cairn’s differing fields',
      timeoutMs: 30_000,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nradvd log:\n${radvdLog.slice(-3000)}`);
    });
  });
});
