#!/usr/bin/env node
// `npm run bench [-- filter…]` (or `-- --assemble`): runs every benchmark script (packages/*/bench/*.bench.ts and
// test/bench/*.bench.ts). Each script measures Cairn and the real alternative side by side and writes
// its section to docs/benchmarks/<name>.md; this runner then assembles docs/BENCHMARKS.md from all
// sections (including ones from earlier runs, so one benchmark can be re-run on its own).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// `--assemble` only rebuilds docs/BENCHMARKS.md from the sections already measured.
const assembleOnly = process.argv.includes('--assemble');
const filters = process.argv.slice(2).filter((arg) => arg !== '--assemble');
const sectionsDir = join(root, 'docs/benchmarks');
mkdirSync(sectionsDir, { recursive: true });

const scripts = [];
for (const dir of [
  ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'bench')),
  join(root, 'test/bench'),
]) {
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.bench.ts')) scripts.push(join(dir, file));
  }
}

const selected = assembleOnly ? [] : scripts.filter((s) => filters.length === 0 || filters.some((f) => s.includes(f)));
let failed = 0;
for (const script of selected) {
  console.log(`\n=== ${basename(script)} ===`);
  try {
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      stdio: 'inherit',
      cwd: root,
      env: { ...process.env, CAIRN_BENCH_OUT: sectionsDir },
    });
  } catch {
    failed++;
    console.error(`benchmark ${basename(script)} failed`);
  }
}

const sections = readdirSync(sectionsDir)
  .filter((f) => f.endsWith('.md'))
  .sort();
const header = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench`; every section compares Cairn with the tool people use today, measured on',
  'the same machine in the same run. Ratios matter more than absolute times. Each section says when and',
  'on what machine it was last measured.',
  '',
  `Last assembled: ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  '',
];
const body = sections.map((f) => readFileSync(join(sectionsDir, f), 'utf8').trim() + '\n');
writeFileSync(join(root, 'docs/BENCHMARKS.md'), header.join('\n') + '\n' + body.join('\n'));
console.log(
  `\nwrote docs/BENCHMARKS.md (${sections.length} sections)${failed ? `; ${failed} benchmark(s) failed` : ''}`,
);
process.exit(failed ? 1 : 0);
