import { pino } from 'pino';
import type { Namespace } from '@cairn/harness';

export const logger = pino({ level: process.env.CAIRN_LOG ?? 'silent' });

/** One line of a pino log, parsed. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A pino logger that keeps what it writes (info and up), for tests that check what the advertiser says. */
export function recordingLogger(): { logger: pino.Logger; lines: LogLine[]; text: () => string } {
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    get lines() {
      return raw.flatMap((chunk) =>
        chunk
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LogLine),
      );
    },
    text: () => raw.join(''),
  };
}

/** RFC 4291 Appendix A: the modified EUI-64 interface identifier of a 48-bit MAC, appended to a /64. */
export function slaacAddress(prefix: string, mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const iid = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  const groups = [0, 2, 4, 6].map((i) => ((iid[i]! << 8) | iid[i + 1]!).toString(16));
  return `${prefix.replace(/::\/64$/, '')}:${groups.join(':')}`;
}

export interface KernelAddress {
  local: string;
  prefixlen: number;
  scope: string;
  dynamic?: boolean;
  deprecated?: boolean;
  preferred_life_time?: number;
  valid_life_time?: number;
}

/** The IPv6 addresses of one interface, from `ip -j -6 addr show`. */
export async function addresses(ns: Namespace, ifname: string): Promise<KernelAddress[]> {
  const { stdout } = await ns.exec('ip', ['-j', '-6', 'addr', 'show', 'dev', ifname]);
  const [link] = JSON.parse(stdout) as { addr_info: KernelAddress[] }[];
  return link?.addr_info ?? [];
}

export interface KernelRoute {
  dst: string;
  gateway?: string;
  dev: string;
  protocol?: string;
  expires?: number;
}

export async function routes(ns: Namespace, ...selector: string[]): Promise<KernelRoute[]> {
  const { stdout } = await ns.exec('ip', ['-j', '-6', 'route', 'show', ...selector]);
  return JSON.parse(stdout || '[]') as KernelRoute[];
}

export async function linkLocal(ns: Namespace, ifname: string): Promise<string> {
  const ll = (await addresses(ns, ifname)).find((a) => a.scope === 'link');
  if (!ll) throw new Error(`${ifname} in ${ns.label} has no link-local address`);
  return ll.local;
}
