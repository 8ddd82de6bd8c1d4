// The thin I/O adapter: runs the nft binary (optionally inside a network namespace) through execa.
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { removeOrphanedBatchFiles, writeBatchFile } from './batch-file.js';

export interface NftResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `nft <args>`. With `input`, the argument pair `-f -` reads that text. Implementations must not
 * throw on a non-zero exit.
 */
export interface NftRunOptions {
  /**
   * Open file descriptors nft inherits (as fd 3, 4, …). The Firewall passes its namespace lock, so an
   * `nft -f` that outlives a killed Firewall keeps the next applier waiting until it has committed.
   */
  inherit?: readonly number[];
}

export interface NftRunner {
  run(args: readonly string[], input?: string, options?: NftRunOptions): Promise<NftResult>;
  /**
   * A path naming the network namespace nft acts in (`/run/netns/<name>`), whose inode keys the
   * Firewall's cross-process lock. Default: the calling thread's namespace, /proc/thread-self/ns/net.
   */
  namespacePath?(): string;
}

/** The calling thread's network namespace (the harness may move the main thread into another one). */
export const CURRENT_NAMESPACE = '/proc/thread-self/ns/net';

export interface NftBinaryOptions {
  /** Path or name of the nft binary (default `nft`). */
  binary?: string;
  /** Run nft inside this named network namespace (`ip netns exec <netns> nft …`). */
  netns?: string;
  /** Where batch files are written (default the OS temporary directory). */
  temporaryDirectory?: string;
}

/**
 * The real nft binary. Input goes through a private temporary file: Node gives a child a socketpair as
 * stdin, and nft's `-f -` opens /dev/stdin, which fails on a socket (ENXIO). The first run removes the
 * batch files of processes that died before removing theirs.
 */
export function nftBinary(options: NftBinaryOptions = {}): NftRunner {
  const binary = options.binary ?? 'nft';
  const directory = options.temporaryDirectory ?? tmpdir();
  let swept = false;
  return {
    namespacePath: () => (options.netns ? `/run/netns/${options.netns}` : CURRENT_NAMESPACE),
    async run(args, input, runOptions = {}) {
      if (!swept) {
        swept = true;
        removeOrphanedBatchFiles(directory);
      }
      let batch: { path: string; remove(): void } | undefined;
      let argv = [...args];
      if (input !== undefined) {
        const file = (batch = writeBatchFile(directory, input)).path;
        argv = argv.map((arg, i) => (arg === '-' && argv[i - 1] === '-f' ? file : arg));
      }
      try {
        const [command, commandArgs] = options.netns
          ? ['ip', ['netns', 'exec', options.netns, binary, ...argv]]
          : [binary, argv];
        // execa's types omit descriptor numbers past fd 2; Node's spawn, which gets them, takes them.
        const inherited = runOptions.inherit ?? [];
        const stdio = ['ignore', 'pipe', 'pipe', ...inherited] as unknown as ['ignore', 'pipe', 'pipe'];
        const result = await execa(command, commandArgs, { reject: false, stdio, maxBuffer: 1024 * 1024 * 1024 });
        return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
      } finally {
        batch?.remove();
      }
    },
  };
}
