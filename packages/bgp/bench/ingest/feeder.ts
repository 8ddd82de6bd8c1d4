// The BIRD feeder: a static protocol holding the table, exported over one eBGP session per receiver
// (each disabled until the measurement of that receiver starts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Namespace } from '../../../../test/harness/index.js';
import { waitFor } from '../../../../test/harness/index.js';
import { ipv4Text, routeGroups } from './table.js';

export const FEEDER_AS = 65001;
export const RECEIVER_AS = 65002;

export interface FeederSession {
  /** BIRD protocol name. */
  name: string;
  local: string;
  neighbor: string;
}

export class BirdFeeder {
  private constructor(
    readonly ns: Namespace,
    readonly dir: string,
  ) {}

  /**
   * Writes the config and starts BIRD. `diverse`: per-group AS paths and communities (see table.ts);
   * otherwise every route carries the same attributes (a plain static protocol, as in the issue).
   */
  static async start(
    ns: Namespace,
    dir: string,
    prefixes: number,
    diverse: boolean,
    sessions: FeederSession[],
  ): Promise<BirdFeeder> {
    const lines = ['router id 10.255.0.1;', 'protocol device {}', 'protocol static feed {', '  ipv4;'];
    if (diverse) {
      for (const group of routeGroups(prefixes)) {
        const body = group.asns
          .slice()
          .reverse()
          .map((asn) => `bgp_path.prepend(${asn});`)
          .join(' ');
        const community = group.community ? ` bgp_community.add((${group.community[0]},${group.community[1]}));` : '';
        for (let i = group.first; i < group.first + group.count; i++)
          lines.push(`  route ${ipv4Text(i)} blackhole { ${body}${community} };`);
      }
    } else {
      for (let i = 0; i < prefixes; i++) lines.push(`  route ${ipv4Text(i)} blackhole;`);
    }
    lines.push('}');
    for (const s of sessions) {
      lines.push(
        `protocol bgp ${s.name} {`,
        '  disabled;',
        `  local ${s.local} as ${FEEDER_AS};`,
        `  neighbor ${s.neighbor} as ${RECEIVER_AS};`,
        '  ipv4 { import none; export all; };',
        '}',
      );
    }
    const config = join(dir, diverse ? 'feeder-diverse.conf' : 'feeder.conf');
    writeFileSync(config, lines.join('\n') + '\n');
    const feeder = new BirdFeeder(ns, dir);
    void ns.spawn('bird', ['-f', '-c', config, '-s', feeder.socket, '-P', join(dir, 'feeder.pid')]);
    await waitFor(async () => (await feeder.routeCount()) >= prefixes, {
      what: `the BIRD feeder to load ${prefixes} static routes`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    return feeder;
  }

  get socket(): string {
    return join(this.dir, 'feeder.ctl');
  }

  async birdc(...command: string[]): Promise<string> {
    return (await this.ns.exec('birdc', ['-s', this.socket, ...command])).stdout;
  }

  async routeCount(): Promise<number> {
    const out = await this.birdc('show', 'route', 'count').catch(() => '');
    return Number(/(\d+) of \d+ routes/.exec(out)?.[1] ?? 0);
  }

  enable(session: string): Promise<string> {
    return this.birdc('enable', session);
  }

  async disable(session: string): Promise<void> {
    await this.birdc('disable', session);
    await sleep(200);
  }

  async stop(): Promise<void> {
    await this.birdc('down').catch(() => '');
  }
}
