import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-cli-'));
const run = (...args: string[]) => execa(process.execPath, ['--import', 'tsx', CLI, ...args], { reject: false });

// The cairn-bgp command line as a person meets it: exit codes 0 / 1 / 2, usage on stderr, one-line errors.
describe('cairn-bgp command line', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help and --version exit 0 on stdout, the version from package.json', async () => {
    expect(await run('--help')).toMatchObject({
      exitCode: 0,
      stdout: expect.stringContaining('cairn-bgp announce PREFIX'),
      stderr: '',
    });
    expect(await run('show', 'routes', '-h')).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('usage:') });
    expect(await run('--version')).toMatchObject({ exitCode: 0, stdout: 'cairn-bgp 0.1.0' });
  });

  it('usage errors and unknown options exit 2 with the usage on stderr', async () => {
    for (const args of [[], ['bogus'], ['show', 'summary', '--bogus'], ['announce'], ['show', 'nothing'], ['run']]) {
      const result = await run(...args);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage:');
      expect(result.stdout).toBe('');
    }
    expect((await run('announce', '10.0.0.0/8', '--med', '1.5')).stderr).toContain('--med "1.5" is not a number');
  });

  it('runtime errors exit 1 with one line and no stack trace, configuration errors included', async () => {
    const absent = await run('show', 'summary', '--socket', join(dir, 'nobody.sock'));
    expect(absent.exitCode).toBe(1);
    expect(absent.stderr).toMatch(/^cairn-bgp: cannot reach cairn-bgp at .* Is the daemon running\?\n?$/);
    writeFileSync(join(dir, 'bad.yaml'), 'localAs: banana\nrouterId: 1.2.3.4\npeers: []\n');
    const bad = await run('run', '--config', join(dir, 'bad.yaml'), '--socket', join(dir, 'bad.sock'));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^cairn-bgp: /);
    expect(bad.stderr).toContain('localAs');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = await run('run', '--config', join(dir, 'missing.yaml'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
