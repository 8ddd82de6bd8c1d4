// The one CLI runner of Cairn's binaries: exit codes 0 (done), 1 (runtime error, one line, never a
// stack trace), 2 (usage error: the message and the usage on stderr); --help and --version anywhere
// before `--` print to stdout and exit 0; and the process exits only after stdout and stderr are
// flushed, so output piped into another program is complete.
import { readFileSync } from 'node:fs';
import { flushed } from './output.js';

/** The command line is wrong: exit 2 with the usage text. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliProgram {
  /** The binary's name ("cairn-bgp"). */
  name: string;
  /** The package.json whose version `--version` prints. */
  packageJson: URL;
  usage: string;
  /** Runs the command; resolves with the exit code (default 0). */
  main(argv: string[]): Promise<number | void>;
}

/** What to print and how to exit for an error thrown by a command. */
export function exitFor(name: string, usage: string, error: unknown): { code: 1 | 2; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  // node:util parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown options, missing values, stray arguments.
  if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
    return { code: 2, message: `${name}: ${message}\n${usage}` };
  }
  return { code: 1, message: `${name}: ${message}` };
}

function version(packageJson: URL): string {
  try {
    return String((JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

async function exit(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** Runs a CLI program with process.argv and exits with its code once the output is flushed. */
export function runCli(program: CliProgram, argv: string[] = process.argv.slice(2)): void {
  // A reader that went away (`| head`) is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${program.usage}\n`);
    void exit(0);
    return;
  }
  if (options.includes('--version') || options.includes('-V')) {
    process.stdout.write(`${program.name} ${version(program.packageJson)}\n`);
    void exit(0);
    return;
  }
  program.main(argv).then(
    (code) => exit(code ?? 0),
    (error: unknown) => {
      const { code, message } = exitFor(program.name, program.usage, error);
      process.stderr.write(`${message}\n`);
      return exit(code);
    },
  );
}
