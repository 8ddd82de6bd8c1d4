import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/**
 * Writes one benchmark's section to docs/benchmarks/<name>.md (the runner assembles BENCHMARKS.md).
 * `markdown` starts with a `## Title` line; the machine and date are appended.
 */
export function writeBenchSection(name: string, markdown: string): void {
  const dir = process.env.CAIRN_BENCH_OUT ?? join(new URL('../../docs/benchmarks', import.meta.url).pathname);
  const stamp = `\n_Measured ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}._\n`;
  writeFileSync(join(dir, `${name}.md`), markdown.trim() + '\n' + stamp);
  console.log(markdown);
}

/** A markdown table from a header row and data rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
