import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabProcess, type Namespace, waitFor } from '@cairn/harness';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;

interface SeenRa {
  interface: string;
  source: string;
  hopLimit: number;
  message: {
    routerLifetime: number;
    options: { kind: string; prefix?: string; validLifetime?: number; uri?: string; lifetime?: number }[];
  };
}

const config = (prefix: string) => `# cairn-ra run --config
interfaces:
  - name: eth0
    maxInterval: 600
    linkMtu: 1500
    prefixes:
      - prefix: ${prefix}
    rdnss:
      - servers: [2001:5ad0::53]
    pref64:
      prefix: 64:ff9b::/96
    captivePortal: https://portal.example/api
`;

describe('cairn-ra run (daemon) watched by cairn-ra monitor --json', () => {
  const lab = Lab.create('ra-cli');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-ra-cli-'));
  const file = join(dir, 'ra.yaml');
  const socket = join(dir, 'ra.sock');
  let router: Namespace;
  let client: Namespace;
  let daemon: LabProcess;
  const seen: SeenRa[] = [];

  beforeAll(async () => {
    router = await lab.namespace('router');
    client = await lab.namespace('client', { forwarding: false });
    await lab.link(router, 'eth0', client, 'eth0');
    const monitor = client.node(cli, ['monitor', '--json', 'eth0']);
    let pending = '';
    monitor.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) seen.push(JSON.parse(line) as SeenRa);
    });
    // The monitor is ready once it sees anything; give it a moment by polling for its socket.
    await waitFor(
      async () => (await client.exec('ss', ['-a', '-w', '-n', '-p'], { allowFailure: true })).stdout.includes('node'),
      {
        what: 'the monitor’s raw socket',
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    writeFileSync(file, config('2001:5ad0:0:9::/64'));
    daemon = router.node(cli, ['run', '--config', file, '--log-level', 'warn', '--socket', socket]);
  });

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const prefixes = (ra: SeenRa) =>
    ra.message.options.filter((o) => o.kind === 'prefix-information').map((o) => `${o.prefix} ${o.validLifetime}`);

  it('the monitor decodes the daemon’s RA with PREF64 and captive portal', async () => {
    const ra = await waitFor(() => seen.find((r) => prefixes(r).includes('2001:5ad0:0:9:: 2592000')), {
      what: 'the first RA in the monitor',
      timeoutMs: 30_000,
    });
    expect(ra.hopLimit).toBe(255);
    expect(ra.source).toMatch(/^fe80:/);
    expect(ra.message.options).toContainEqual({
      kind: 'pref64',
      prefix: '64:ff9b::',
      prefixLength: 96,
      lifetime: 1800,
    });
    expect(ra.message.options).toContainEqual({ kind: 'captive-portal', uri: 'https://portal.example/api' });
  });

  it('`status` over the control socket shows the interfaces; a second instance refuses to start', async () => {
    const status = await execa(process.execPath, ['--import', 'tsx', cli, 'status', '--json', '--socket', socket], {
      reject: false,
    });
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ name: 'eth0', advertising: true, prefixes: ['2001:5ad0:0:9::/64'] }),
    ]);
    const second = await router.exec(
      process.execPath,
      ['--import', 'tsx', cli, 'run', '--config', file, '--socket', socket],
      { allowFailure: true },
    );
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trim()).toBe(
      `cairn-ra: cairn-ra is already running: its control socket ${socket} answers (stop it first, or use another socket)`,
    );
  });

  it('--help and --version exit 0; unknown options exit 2 with the usage; config errors are one line', async () => {
    const run = (...args: string[]) => execa(process.execPath, ['--import', 'tsx', cli, ...args], { reject: false });
    const help = await run('--help');
    expect(help).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('cairn-ra status') });
    expect(await run('--version')).toMatchObject({ exitCode: 0, stdout: 'cairn-ra 0.1.0' });
    const unknown = await run('status', '--bogus');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('usage:');
    writeFileSync(join(dir, 'bad.yaml'), 'interfaces:\n  - name: eth0\n    maxInterval: 1\n');
    const bad = await run('run', '--config', join(dir, 'bad.yaml'), '--socket', join(dir, 'bad.sock'));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cairn-ra: .*bad\.yaml is not valid:$/),
      '  interfaces[0].maxInterval (line 3): must be 4..1800 s (RFC 4861 §6.2.1)',
    ]);
  });

  it('SIGHUP reloads: the new prefix is announced and the old one withdrawn with zero lifetimes', async () => {
    writeFileSync(file, config('2001:5ad0:0:a::/64'));
    daemon.kill('SIGHUP');
    const ra = await waitFor(() => seen.find((r) => prefixes(r).includes('2001:5ad0:0:a:: 2592000')), {
      what: 'the reloaded RA',
      timeoutMs: 30_000,
    });
    expect(prefixes(ra)).toEqual(['2001:5ad0:0:a:: 2592000', '2001:5ad0:0:9:: 0']);
  });

  it('SIGTERM sends a final RA with router lifetime 0 and exits 0', async () => {
    daemon.kill('SIGTERM');
    const result = await daemon;
    expect(result.exitCode).toBe(0);
    await waitFor(() => seen.some((r) => r.message.routerLifetime === 0), {
      what: 'the final RA in the monitor',
      timeoutMs: 10_000,
    });
  });
});
