// The packages as a stranger gets them: `npm pack` of every workspace, installed into an empty project outside
// the monorepo, each README's runnable example compiled there (TypeScript strict, NodeNext) and run as the plain
// JavaScript tsc emits, as root in two network namespaces joined by a veth pair (the examples' topology).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRoot } from '@cairn/harness';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['sys', 'bfd', 'bgp', 'ra', 'nft', 'appliance'] as const;
const MARK =
  '<!-- runnable example: test/integration/packages.int.test.ts compiles and runs it from the packed tarballs -->';
// The examples' topology, fixed because the BFD example names its namespaces.
const VR = 'cairn-example-vr';
const UPSTREAM = 'cairn-example-upstream';

/** What each example must print when it worked. */
const EXPECTED: Record<(typeof PACKAGES)[number], RegExp[]> = {
  sys: [/announce\[0\] \(line 4\): host bits are set: did you mean 202\.38\.80\.16\/28\?/],
  bfd: [/BFD 10\.0\.0\.2: [a-z-]+ → up/, /'detect-multiplier': 3/],
  bgp: [/upstream learned 202\.38\.80\.16\/28 via 127\.0\.0\.1 AS path 65053/, /^Established$/m],
  ra: [/RA on eth0 to ff02::1/],
  nft: [/replaced: \[ 'ip6 oob_filter', 'ip oob_filter' \]/, /unchanged: \[ 'ip6 oob_filter', 'ip oob_filter' \]/],
  appliance: [/prefix: '198\.51\.100\.0\/24'/],
};

function exampleOf(pkg: string): string {
  const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const at = readme.indexOf(MARK);
  if (at < 0) throw new Error(`packages/${pkg}/README.md has no runnable example (${MARK})`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`packages/${pkg}/README.md: no ts block after the runnable-example mark`);
  return match[1]!;
}

async function ip(...args: string[]): Promise<void> {
  await execa('ip', args);
}

async function removeTopology(): Promise<void> {
  for (const ns of [VR, UPSTREAM]) await execa('ip', ['netns', 'del', ns], { reject: false });
}

describe('packed packages installed outside the monorepo', () => {
  const work = mkdtempSync(join(tmpdir(), 'cairn-packages-'));
  const tarballs = join(work, 'tarballs');
  const consumer = join(work, 'consumer');

  beforeAll(async () => {
    requireRoot();
    mkdirSync(tarballs);
    mkdirSync(join(consumer, 'src'), { recursive: true });
    await execa('npm', ['pack', '--workspaces', '--pack-destination', tarballs], { cwd: root });
    const typescript = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')) as {
      version: string;
    };
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    await execa(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...files,
        'pino',
        'zod',
        `typescript@${typescript.version}`,
        '@types/node@20',
      ],
      { cwd: consumer },
    );
    await removeTopology();
    await ip('netns', 'add', VR);
    await ip('netns', 'add', UPSTREAM);
    await ip('link', 'add', 'eth0', 'netns', VR, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', UPSTREAM);
    for (const [ns, address] of [
      [VR, '10.0.0.1/24'],
      [UPSTREAM, '10.0.0.2/24'],
    ] as const) {
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'addr', 'add', address, 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
    }
  }, 300_000);

  afterAll(async () => {
    await removeTopology();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships what a registry package needs, and no build leftovers', () => {
    for (const pkg of PACKAGES) {
      const dir = join(consumer, 'node_modules/@cairn', pkg);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest.description, pkg).toEqual(expect.any(String));
      expect(manifest.os, pkg).toEqual(['linux']);
      expect(manifest.publishConfig, pkg).toEqual({ access: 'public' });
      expect((manifest.exports as Record<string, unknown>)['./package.json'], pkg).toBe('./package.json');
      expect(existsSync(join(dir, 'LICENSE')), `${pkg} LICENSE`).toBe(true);
      expect(existsSync(join(dir, 'dist/.tsbuildinfo')), `${pkg} .tsbuildinfo`).toBe(false);
      for (const [name, range] of Object.entries((manifest.dependencies ?? {}) as Record<string, string>)) {
        if (name.startsWith('@cairn/')) expect(range, `${pkg} → ${name}`).toMatch(/^\^/);
      }
      // README links point at files inside the package (the repository's docs are not in the tarball).
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)) {
        expect(existsSync(join(dir, target!.split('#')[0]!)), `${pkg} README → ${target}`).toBe(true);
      }
      // Source maps resolve: every source a map names is in the package.
      const maps = readdirSync(join(dir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.js.map'),
      );
      expect(maps.length, pkg).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(dir, 'dist', map), 'utf8')) as { sources: string[] };
        for (const source of sources)
          expect(existsSync(join(dir, 'dist', dirname(map), source)), `${pkg}/dist/${map} → ${source}`).toBe(true);
      }
    }
  });

  it("compiles every README's example unchanged (strict, NodeNext)", async () => {
    for (const pkg of PACKAGES) writeFileSync(join(consumer, 'src', `${pkg}.ts`), exampleOf(pkg));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          outDir: 'out',
          rootDir: 'src',
          types: ['node'],
        },
        include: ['src'],
      }),
    );
    const result = await execa('npx', ['tsc', '-p', '.'], { cwd: consumer, reject: false });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  }, 120_000);

  for (const pkg of PACKAGES) {
    it(`runs the @cairn/${pkg} example as plain JavaScript`, async () => {
      const result = await execa('ip', ['netns', 'exec', VR, process.execPath, join(consumer, 'out', `${pkg}.js`)], {
        cwd: consumer,
        reject: false,
        timeout: 60_000,
      });
      expect(result.stderr, `${pkg} stderr`).toBe('');
      expect(result.exitCode, `${pkg}: ${result.stdout}`).toBe(0);
      for (const pattern of EXPECTED[pkg]) expect(result.stdout).toMatch(pattern);
    }, 90_000);
  }
});
