// Loading a configuration file (YAML, or JSON, which is YAML) and checking it against a zod schema, with every
// problem reported once with its path in the file and, where the text has one, its line. The one loader of every
// Cairn daemon and of the appliance: each package owns its schemas, this file owns how files become values.
import { readFileSync } from 'node:fs';
import { LineCounter, type Node, isMap, isNode, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One thing wrong with a configuration: where (a path of keys and indexes, and a line if known) and what. */
export interface ConfigProblem {
  path: (string | number)[];
  line?: number;
  message: string;
}

/** The configuration is not valid. `message` lists every problem, one per line; `problems` has them as data. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `peers[1].address (line 7): not an IP address` — the path as a reader of the file would write it. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** `peers[1].address (line 7): not an IP address`. */
export function formatProblem(problem: ConfigProblem): string {
  return `${formatPath(problem.path)}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`;
}

/** Where in a parsed YAML document each path starts, for line numbers in errors. */
export interface SourceMap {
  lineOf(path: readonly (string | number)[], key?: string): number | undefined;
}

function childOf(node: unknown, key: string | number): unknown {
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key),
    );
    return pair?.value;
  }
  if (isSeq(node) && typeof key === 'number') return node.items[key];
  return undefined;
}

function keyNodeOf(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function sourceMapOf(document: ReturnType<typeof parseDocument>, lines: LineCounter): SourceMap {
  return {
    lineOf(path, key) {
      // The deepest node on the path that exists: a missing key is reported at the object that lacks it.
      let node: unknown = document.contents;
      let found: unknown = node;
      for (const step of path) {
        node = childOf(node, step);
        if (node === undefined || node === null) break;
        found = node;
      }
      const keyNode = key === undefined ? undefined : keyNodeOf(found, key);
      const target = keyNode ?? found;
      const offset = isNode(target) ? target.range?.[0] : undefined;
      return offset === undefined ? undefined : lines.linePos(offset).line;
    },
  };
}

/** Parses YAML (or JSON) text; syntax errors and duplicate keys become a ConfigError with their lines. */
export function parseConfigText(text: string, source: string): { value: unknown; sourceMap: SourceMap } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({
        path: [],
        line: lines.linePos(error.pos[0]).line,
        message: error.message.split('\n')[0] ?? error.code,
      })),
    );
  }
  return { value: document.toJS({ maxAliasCount: 100 }) as unknown, sourceMap: sourceMapOf(document, lines) };
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function problemsOf(error: z.ZodError, value: unknown, sourceMap: SourceMap | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, at that key's own line: `prefixs:` is a typo, not a missing `prefixes:`.
      for (const key of issue.keys) {
        const line = sourceMap?.lineOf(path, key);
        problems.push({ path: [...path, key], ...(line ? { line } : {}), message: 'unknown key' });
      }
      continue;
    }
    const line = sourceMap?.lineOf(path);
    const missing = issue.code === 'invalid_type' && valueAt(value, path) === undefined;
    problems.push({
      path,
      ...(line ? { line } : {}),
      message: missing ? 'missing: this key is required' : issue.message,
    });
  }
  return problems;
}

/** Checks an already parsed value (a control request, a library caller's object) against a schema. */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source = 'configuration',
  sourceMap?: SourceMap,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(source, problemsOf(result.error, value, sourceMap));
  return result.data;
}

/** Parses YAML or JSON text and checks it against a schema. */
export function parseConfig<S extends z.ZodType>(schema: S, text: string, source: string): z.output<S> {
  const { value, sourceMap } = parseConfigText(text, source);
  return validateConfig(schema, value, source, sourceMap);
}

/** Reads a YAML or JSON file and checks it against a schema; an unreadable file is a ConfigError too. */
export function loadConfigFile<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(path, [{ path: [], message: `cannot read the file: ${reason}` }]);
  }
  return parseConfig(schema, text, path);
}
