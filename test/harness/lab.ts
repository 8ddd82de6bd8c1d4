import { type ResultPromise, execa } from 'execa';
import { destroyNamespace, listNamespaces } from './cleanup.js';
import { runTag } from './naming.js';
import { requireRoot } from './requirements.js';
import { withNetns } from './setns.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A process started in a namespace; it is killed when the lab is destroyed. */
export type LabProcess = ResultPromise<{ reject: false; buffer: true }>;

/** One network namespace of a lab. */
export class Namespace {
  readonly processes = new Set<LabProcess>();

  constructor(
    /** The short name the test gave ("upstream"). */
    readonly label: string,
    /** The kernel's name of the namespace (`ip netns exec <name>`). */
    readonly name: string,
  ) {}

  /** Runs a command to completion inside the namespace; throws with its output when it fails. */
  async exec(
    command: string,
    args: string[] = [],
    options: { input?: string; allowFailure?: boolean } = {},
  ): Promise<ExecResult> {
    const result = await execa('ip', ['netns', 'exec', this.name, command, ...args], {
      reject: false,
      input: options.input,
    });
    const out = { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new Error(
        `[${this.label}] ${command} ${args.join(' ')} exited ${out.exitCode}: ${out.stderr || out.stdout}`,
      );
    }
    return out;
  }

  /** Shell one-liner inside the namespace. */
  sh(script: string, options: { allowFailure?: boolean } = {}): Promise<ExecResult> {
    return this.exec('sh', ['-c', script], options);
  }

  /** Starts a long-running command inside the namespace; the lab kills it on destroy. */
  spawn(
    command: string,
    args: string[] = [],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ): LabProcess {
    const child = execa('ip', ['netns', 'exec', this.name, command, ...args], {
      reject: false,
      buffer: true,
      env: options.env,
      cwd: options.cwd,
      stdin: 'ignore',
    }) as LabProcess;
    this.processes.add(child);
    void child.finally(() => this.processes.delete(child));
    return child;
  }

  /** Starts a TypeScript or JavaScript file with Node (tsx loader) inside the namespace. */
  node(script: string, args: string[] = [], options: { env?: Record<string, string> } = {}): LabProcess {
    return this.spawn(process.execPath, ['--import', 'tsx', script, ...args], options);
  }

  /** Runs `body` with this process's main thread in the namespace (see withNetns). */
  enter<T>(body: () => Promise<T> | T): Promise<T> {
    return withNetns(this.name, body);
  }

  /** Names of the interfaces in the namespace. */
  async interfaces(): Promise<string[]> {
    const { stdout } = await this.exec('ip', ['-j', 'link', 'show']);
    return (JSON.parse(stdout) as { ifname: string }[]).map((link) => link.ifname);
  }
}

export interface LinkOptions {
  /** Addresses (CIDR) for the first end. */
  a?: string[];
  /** Addresses (CIDR) for the second end. */
  b?: string[];
  /** MAC address of each end, for tests that check EUI-64 SLAAC addresses. */
  macA?: string;
  macB?: string;
  mtu?: number;
}

const live = new Set<Lab>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // A test process that dies still tears its labs down; a SIGKILLed one is cleaned by the next run.
  process.on('exit', () => {
    for (const lab of live) lab.destroySync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const lab of live) lab.destroySync();
      process.exit(130);
    });
  }
}

let labCounter = 0;

/**
 * A set of network namespaces joined by veth pairs, created for one test file and destroyed with
 * everything running in it. Names are unique per process so parallel test files never collide.
 */
export class Lab {
  readonly namespaces = new Map<string, Namespace>();
  private destroyed = false;

  private constructor(readonly id: string) {}

  static create(label: string): Lab {
    requireRoot();
    hookExit();
    const lab = new Lab(`${runTag()}${labCounter++}-${label}`.slice(0, 60));
    live.add(lab);
    return lab;
  }

  /** Creates a namespace with loopback up, forwarding on and IPv6 DAD off (addresses usable at once). */
  async namespace(label: string, options: { forwarding?: boolean } = {}): Promise<Namespace> {
    if (this.namespaces.has(label)) throw new Error(`namespace ${label} already exists in lab ${this.id}`);
    const ns = new Namespace(label, `${this.id}-${label}`);
    await execa('ip', ['netns', 'add', ns.name]);
    this.namespaces.set(label, ns);
    const forwarding = (options.forwarding ?? true) ? '1' : '0';
    await ns.sh(
      [
        'ip link set lo up',
        'sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0',
        `sysctl -qw net.ipv4.ip_forward=${forwarding} net.ipv6.conf.all.forwarding=${forwarding}`,
      ].join(' && '),
    );
    return ns;
  }

  /** Joins two namespaces with a veth pair named `ifA` in `a` and `ifB` in `b`, up, with addresses. */
  async link(a: Namespace, ifA: string, b: Namespace, ifB: string, options: LinkOptions = {}): Promise<void> {
    const args = ['link', 'add', ifA, 'netns', a.name];
    if (options.macA) args.push('address', options.macA);
    args.push('type', 'veth', 'peer', 'name', ifB, 'netns', b.name);
    if (options.macB) args.push('address', options.macB);
    await execa('ip', args);
    for (const [ns, ifname, addresses] of [
      [a, ifA, options.a ?? []],
      [b, ifB, options.b ?? []],
    ] as const) {
      const steps = addresses.map((cidr) => `ip addr add ${cidr} dev ${ifname}${cidr.includes(':') ? ' nodad' : ''}`);
      if (options.mtu) steps.push(`ip link set ${ifname} mtu ${options.mtu}`);
      steps.push(`ip link set ${ifname} up`);
      await ns.sh(steps.join(' && '));
    }
  }

  /** Kills every process and deletes every namespace of the lab. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    for (const ns of this.namespaces.values()) {
      for (const child of ns.processes) child.kill('SIGKILL');
      await Promise.allSettled([...ns.processes]);
    }
    this.destroySync();
  }

  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    for (const ns of this.namespaces.values()) {
      for (const child of ns.processes) child.kill('SIGKILL');
      destroyNamespace(ns.name);
    }
  }
}

/** Namespaces that labs of process `pid` still hold (for tests that check cleanup). */
export function namespacesOf(pid = process.pid): string[] {
  return listNamespaces().filter((name) => name.startsWith(runTag(pid)));
}
