import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands } from '@cairn/harness';
import { RaAdvertiser } from '@cairn/ra';
import { recordingLogger } from './helpers.js';

const flood = new URL('./rs-flood.ts', import.meta.url).pathname;
const RATE = 5000;
const SECONDS = 5;

/** rdisc6 as a normal host on the link: `tries` solicitations `waitMs` apart, until the first RA comes back. */
async function solicit(client: Namespace, tries: number, waitMs: number): Promise<string> {
  const { stdout, exitCode } = await client.exec('rdisc6', ['-1', '-w', String(waitMs), '-r', String(tries), 'eth0'], {
    allowFailure: true,
  });
  return exitCode === 0 ? stdout : `rdisc6 exited ${exitCode}: no RA`;
}

// Unicast answers to 4,096 spoofed sources fill the kernel's neighbour table (gc_thresh3, 1,024 entries) and
// have no route back for the global ones: the kernel refuses them. That used to cost a warning with a stack
// trace per refusal (33,290 lines in 10 s) and enough CPU that solicitations queued unread.
describe('RaAdvertiser under a Router Solicitation flood from 4,096 sources', () => {
  const lab = Lab.create('ra-flood');
  const log = recordingLogger();
  let router: Namespace;
  let client: Namespace;
  let advertiser: RaAdvertiser;
  let during: string;
  let floodSent: number;

  beforeAll(async () => {
    requireCommands({ rdisc6: 'ndisc6' });
    router = await lab.namespace('router');
    client = await lab.namespace('client', { forwarding: false });
    await lab.link(router, 'eth0', client, 'eth0');
    advertiser = new RaAdvertiser({
      logger: log.logger,
      interfaces: [{ name: 'eth0', unicastSolicitedReplies: true, prefixes: [{ prefix: '2001:db8:1::/64' }] }],
    });
    await router.enter(() => advertiser.start());
    const flooding = client.exec(process.execPath, ['--import', 'tsx', flood, 'eth0', String(RATE), String(SECONDS)]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // One solicitation 1 s into the 5 s flood, answered within 3.6 s (MIN_DELAY_BETWEEN_RAS + MAX_RA_DELAY_TIME,
    // RFC 4861 §6.2.6) or never: the answer can only be one the flood did not stop.
    during = await solicit(client, 1, 3600);
    floodSent = (JSON.parse((await flooding).stdout) as { sent: number }).sent;
  }, 60_000);

  afterAll(async () => {
    await advertiser?.stop();
    await lab.destroy();
  });

  it('a normal host on the link gets an RA during the flood and after it', async () => {
    expect(floodSent).toBeGreaterThan(RATE * SECONDS * 0.9);
    expect(during).toMatch(/Prefix\s*:\s*2001:db8:1::\/64/);
    expect(await solicit(client, 3, 4000)).toMatch(/Prefix\s*:\s*2001:db8:1::\/64/);
  });

  it('kept answering: solicitations read, answered by unicast until the kernel refused, then by multicast', () => {
    const counters = advertiser.counters().eth0!;
    expect(counters.solicitationsReceived).toBeGreaterThan(0);
    // RFC 4861 §6.2.6: one multicast answer per MIN_DELAY_BETWEEN_RAS (3 s) at most, so about one per 3 s
    // of flood; none of them may fail for want of a neighbour entry for ff02::1.
    expect(counters.sent.solicited).toBeGreaterThanOrEqual(2);
    expect(counters.sendErrors).toBeLessThanOrEqual(3);
  });

  it('logs a bounded number of lines, one per kind of failure and interval, without stack traces', () => {
    const warnings = log.lines.filter((line) => line.level >= 40);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(10);
    expect(log.lines.length).toBeLessThanOrEqual(20);
    expect(log.text()).not.toMatch(/\\n\s+at /);
    // The kernel refuses unicast answers (no route back to spoofed global sources, no neighbour entry left):
    // one line says so, and answers go by multicast from then on; multicast RAs keep going out.
    for (const line of warnings)
      expect(line.msg).toMatch(/^sending a unicast RA failed; answering solicitations by multicast for 10 s: sendto/);
  });

  it('pins ff02::1 as a permanent neighbour entry while advertising, and removes it on stop', async () => {
    const entry = async () =>
      (await router.exec('ip', ['-6', 'neigh', 'show', 'to', 'ff02::1', 'dev', 'eth0'])).stdout.trim();
    expect(await entry()).toBe('ff02::1 lladdr 33:33:00:00:00:01 PERMANENT');
    await advertiser.stop();
    expect(await entry()).toBe('');
  });
});
