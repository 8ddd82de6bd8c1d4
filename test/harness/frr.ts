import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import type { LabProcess, Namespace } from './lab.js';
import { runTag } from './naming.js';
import { FRR_DIR, frrCommands, requireCommands } from './requirements.js';
import { waitFor } from './wait.js';

/** uid/gid of the `frr` user the Debian package creates. */
const frrUser = {
  get uid(): number {
    return Number(execaSync('id', ['-u', 'frr']).stdout);
  },
  get gid(): number {
    return Number(execaSync('id', ['-g', 'frr']).stdout);
  },
};

export type FrrDaemon = 'zebra' | 'bgpd' | 'bfdd';

export interface FrrOptions {
  /** The whole FRR configuration (integrated style); every daemon reads its own sections. */
  config: string;
  /** Daemons to start. bgpd runs without zebra (`-Z`) unless zebra is listed; bfdd needs zebra. */
  daemons?: FrrDaemon[];
  /** Addresses bgpd listens on (default: all). */
  listen?: string[];
  /** Extra command-line arguments per daemon (e.g. `{ bgpd: ['-n'] }`: no kernel FIB). */
  extraArgs?: Partial<Record<FrrDaemon, string[]>>;
}

/** FRR daemons running in a namespace, queried through vtysh on a private vty socket directory. */
export class FrrInstance {
  private readonly processes = new Map<FrrDaemon, LabProcess>();

  private constructor(
    readonly ns: Namespace,
    readonly dir: string,
    readonly daemons: FrrDaemon[],
  ) {}

  static async start(ns: Namespace, options: FrrOptions): Promise<FrrInstance> {
    requireCommands(frrCommands);
    const daemons = options.daemons ?? ['bgpd'];
    if (daemons.includes('bfdd') && !daemons.includes('zebra')) {
      throw new Error('FRR bfdd talks to bgpd through zebra: add zebra to the daemons');
    }
    const dir = mkdtempSync(join(tmpdir(), `${runTag()}frr-`));
    writeFileSync(join(dir, 'frr.conf'), options.config);
    // zebra and bfdd drop privileges to the frr user (they refuse root, which is not in the frrvty
    // group), so the directory holding their sockets, pid files and logs must be theirs.
    chownSync(dir, frrUser.uid, frrUser.gid);
    const frr = new FrrInstance(ns, dir, daemons);
    const order: FrrDaemon[] = ['zebra', 'bfdd', 'bgpd'];
    for (const daemon of order.filter((d) => daemons.includes(d))) {
      frr.spawn(daemon, options);
      await waitFor(() => existsSync(join(dir, `${daemon}.vty`)) || frr.exited(daemon), {
        what: `FRR ${daemon} to open its vty socket in ${ns.label}`,
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      const exited = frr.exited(daemon);
      if (exited) throw new Error(`FRR ${daemon} exited at start: ${exited}`);
    }
    return frr;
  }

  private spawn(daemon: FrrDaemon, options: FrrOptions): void {
    // bgpd runs as root (-S: keeps it simple to read its files); zebra and bfdd run as frr.
    const privileges = daemon === 'bgpd' ? ['-S'] : ['-u', 'frr', '-g', 'frr'];
    const args = [
      ...privileges,
      '-f',
      join(this.dir, 'frr.conf'),
      '-i',
      join(this.dir, `${daemon}.pid`),
      '--vty_socket',
      this.dir,
    ];
    // Each bfdd needs its own control socket, or parallel instances collide on /var/run/frr/bfdd.sock.
    if (daemon === 'bfdd') args.push('--bfdctl', join(this.dir, 'bfdd.sock'));
    args.push('--log', `file:${join(this.dir, `${daemon}.log`)}`);
    if (this.daemons.includes('zebra')) args.push('-z', join(this.dir, 'zserv.api'));
    if (daemon === 'bgpd') {
      if (!this.daemons.includes('zebra')) args.push('-Z');
      for (const address of options.listen ?? []) args.push('-l', address);
    }
    args.push(...(options.extraArgs?.[daemon] ?? []));
    const child = this.ns.spawn(join(FRR_DIR, daemon), args);
    this.processes.set(daemon, child);
  }

  /** Why `daemon` is gone, or false while it runs. */
  exited(daemon: FrrDaemon): string | false {
    const child = this.processes.get(daemon);
    if (!child || child.exitCode === null) return false;
    return `exit code ${child.exitCode}; log: ${this.log(daemon).slice(-2000)}`;
  }

  log(daemon: FrrDaemon): string {
    const file = join(this.dir, `${daemon}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Runs vtysh commands (each `-c`) and returns the output. */
  async vtysh(...commands: string[]): Promise<string> {
    const args = ['--vty_socket', this.dir];
    for (const command of commands) args.push('-c', command);
    const result = await execa('vtysh', args, { reject: false });
    if (result.exitCode !== 0)
      throw new Error(`vtysh ${commands.join('; ')} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  }

  /** Runs a `show … json` command and parses it. */
  async json<T = unknown>(command: string): Promise<T> {
    return JSON.parse(await this.vtysh(command)) as T;
  }

  /** Sends a signal to one daemon (SIGSTOP to freeze it, SIGCONT to thaw). */
  signal(daemon: FrrDaemon, signal: NodeJS.Signals): void {
    const child = this.processes.get(daemon);
    if (!child?.pid) throw new Error(`FRR ${daemon} is not running`);
    process.kill(child.pid, signal);
  }

  /** Stops every daemon (SIGTERM, then SIGKILL) and removes the working directory. */
  async stop(): Promise<void> {
    for (const child of this.processes.values()) child.kill('SIGTERM');
    await Promise.race([
      Promise.allSettled([...this.processes.values()]),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
    for (const child of this.processes.values()) child.kill('SIGKILL');
    await Promise.allSettled([...this.processes.values()]);
    this.processes.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Neighbour state as FRR reports it in `show bgp neighbors <addr> json`. */
export async function frrNeighborState(frr: FrrInstance, neighbor: string): Promise<string | undefined> {
  const json = await frr.json<Record<string, { bgpState?: string }>>(`show bgp neighbors ${neighbor} json`);
  return json[neighbor]?.bgpState;
}
