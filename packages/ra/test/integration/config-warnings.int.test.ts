import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands, waitFor } from '@cairn/harness';
import { RaAdvertiser } from '@cairn/ra';
import { recordingLogger } from './helpers.js';

const WARN = 40;

// radvd 2.19 with an interface that does not exist logs "late0 not found: No such device", keeps running and
// advertises once the interface appears; with `prefix 2001:db8::/48 { AdvAutonomous on; }` it logs "prefix length
// should be: 64"; with an RDNSS lifetime below MaxRtrAdvInterval it logs "must be at least MaxRtrAdvInterval". It
// loads all three. Cairn does the same, with a warning line each, and rdisc6 on the late link gets an RA.
describe('RaAdvertiser: what radvd loads with a complaint is advertised, and never silently', () => {
  const lab = Lab.create('ra-warnings');
  const log = recordingLogger();
  let router: Namespace;
  let client: Namespace;
  let advertiser: RaAdvertiser;

  beforeAll(async () => {
    requireCommands({ rdisc6: 'ndisc6' });
    router = await lab.namespace('router');
    client = await lab.namespace('client', { forwarding: false });
    await lab.link(router, 'eth0', client, 'eth0');
    advertiser = new RaAdvertiser({
      logger: log.logger,
      interfaces: [
        {
          name: 'eth0',
          maxInterval: 600,
          prefixes: [{ prefix: '2001:db8::/48' }],
          rdnss: [{ servers: ['2001:db8::53'], lifetime: 300 }],
        },
        { name: 'late0', maxReplyDelay: 0, prefixes: [{ prefix: '2001:db8:1::/64' }] },
      ],
    });
    await router.enter(() => advertiser.start());
  });

  afterAll(async () => {
    await advertiser?.stop();
    await lab.destroy();
  });

  it('warns of the autonomous /48 and of the short RDNSS lifetime, one line each, naming the field', () => {
    const warnings = log.lines.filter((line) => line.level === WARN && typeof line.path === 'string');
    expect(warnings.map((line) => line.path)).toEqual([
      'interfaces[0].prefixes[0].autonomous',
      'interfaces[0].rdnss[0].lifetime',
    ]);
    expect(warnings[0]?.msg).toMatch(
      /^interfaces\[0\]\.prefixes\[0\]\.autonomous: hosts ignore the autonomous flag of a \/48/,
    );
    expect(warnings[1]?.msg).toMatch(/300 s is shorter than maxInterval \(600 s\)/);
  });

  it('warns that late0 does not exist, then advertises on it once it appears', async () => {
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: WARN,
        interface: 'late0',
        msg: 'interface late0 does not exist; advertising starts when it appears',
      }),
    );
    await lab.link(router, 'late0', client, 'late0');
    await waitFor(
      () => log.lines.some((line) => line.interface === 'late0' && line.msg === 'interface late0 appeared'),
      { what: 'the appeared line' },
    );
    const { stdout } = await waitFor(
      async () => {
        const result = await client.exec('rdisc6', ['-1', '-w', '2000', 'late0'], { allowFailure: true });
        return result.exitCode === 0 && result;
      },
      { what: 'an RA on late0', timeoutMs: 30_000 },
    );
    expect(stdout).toMatch(/Prefix\s*:\s*2001:db8:1::\/64/);
  });

  it('every line it logged is one JSON line without a stack trace', () => {
    expect(log.text()).not.toMatch(/\\n\s+at /);
    expect(log.text().split('\n').filter(Boolean)).toHaveLength(log.lines.length);
  });
});
