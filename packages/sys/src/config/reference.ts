// A configuration reference in Markdown, generated from a zod schema: every key with its type, default, meaning
// and what changing it at run time touches. Nested objects and arrays are flattened into paths
// (`peers[].importPolicy`); a schema with a meta `id` is documented once, in its own section, and referred to.
// Meta keys read: `description`, `default` (text), `impact` (text), `typeName` (overrides the derived type), `id`.
import { z } from 'zod';

/** What the reference reads from a field's `.meta()`. */
export interface ConfigFieldMeta {
  description?: string;
  /** The default as a reader would write it, e.g. `179` or `on for eBGP, off for iBGP`. */
  default?: string;
  /** What a change of the field touches at run time (each daemon names its own kinds). */
  impact?: string;
  /** The type as the reference shows it, when the derived one says too little. */
  typeName?: string;
  /** Document this schema once, in a section of its own. */
  id?: string;
}

/** One documented key. */
export interface ReferenceRow {
  path: string;
  type: string;
  required: boolean;
  default?: string;
  impact?: string;
  description: string;
}

export interface ReferenceSection {
  id: string;
  title: string;
  description?: string;
  rows: ReferenceRow[];
}

interface ZodInternals {
  _zod: { def: { type: string; [key: string]: unknown } };
}

function defOf(schema: z.ZodType): ZodInternals['_zod']['def'] {
  return (schema as unknown as ZodInternals)._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional/default/pipe wrappers, with the meta of every layer (the outer layer wins). */
function unwrap(schema: z.ZodType): { core: z.ZodType; meta: ConfigFieldMeta; optional: boolean } {
  let meta: ConfigFieldMeta = {};
  let optional = false;
  let current = schema;
  for (;;) {
    meta = { ...((z.globalRegistry.get(current) as ConfigFieldMeta | undefined) ?? {}), ...meta };
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === 'pipe') {
      // z.preprocess is a pipe from a transform: what the reader writes is checked by the pipe's output side.
      const input = def.in as z.ZodType;
      current = defOf(input).type === 'transform' ? (def.out as z.ZodType) : input;
    } else if (def.type === 'lazy') current = (def.getter as () => z.ZodType)();
    else return { core: current, meta, optional };
  }
}

function range(json: Record<string, unknown>): string {
  const min = json.minimum as number | undefined;
  const max = json.maximum as number | undefined;
  const safe = (n: number | undefined) => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (safe(min) && safe(max)) return ` ${min}–${max}`;
  if (safe(min)) return ` ≥ ${min}`;
  if (safe(max)) return ` ≤ ${max}`;
  return '';
}

/** The type of a leaf as text, from its JSON Schema (zod's own conversion). */
function leafType(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const one = (j: Record<string, unknown>): string => {
    if (Array.isArray(j.enum)) return j.enum.map((v) => `\`${String(v)}\``).join(', ');
    if (j.const !== undefined) return `\`${String(j.const)}\``;
    if (Array.isArray(j.anyOf)) return (j.anyOf as Record<string, unknown>[]).map(one).join(' or ');
    if (j.type === 'integer' || j.type === 'number') return `${j.type}${range(j)}`;
    if (j.type === 'string' && j.maxLength !== undefined) return `string (at most ${String(j.maxLength)} characters)`;
    return typeof j.type === 'string' ? j.type : 'any';
  };
  return one(json);
}

/**
 * A shared field's own description (`ipAddress`: "IPv4 or IPv6 address") says more than its JSON type: the nearest
 * one on the schema or the schemas it was derived from (`.meta()` and `.refine()` keep a parent) that is not the
 * field's own description.
 */
function sharedDescription(core: z.ZodType, own: string | undefined): string | undefined {
  let current: z.ZodType | undefined = core;
  while (current) {
    const description = (z.globalRegistry.get(current) as ConfigFieldMeta | undefined)?.description;
    if (description !== undefined && description !== own) return description;
    current = (current as unknown as { _zod: { parent?: z.ZodType } })._zod.parent;
  }
  return undefined;
}

function newSection(id: string, description: string | undefined): ReferenceSection {
  return { id, title: id, ...(description ? { description } : {}), rows: [] };
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

class Collector {
  readonly sections = new Map<string, ReferenceSection>();

  /** Rows for the keys of an object schema, under `prefix`. */
  objectRows(object: z.ZodType, prefix: string, rows: ReferenceRow[], impact?: string): void {
    const shape = defOf(object).shape as Record<string, z.ZodType>;
    for (const [key, field] of Object.entries(shape)) this.field(field, `${prefix}${key}`, rows, impact);
  }

  /** A key's row, then the rows of its parts; a part without an impact of its own has its parent's. */
  private field(schema: z.ZodType, path: string, rows: ReferenceRow[], inheritedImpact: string | undefined): void {
    const unwrapped = unwrap(schema);
    const { core, optional } = unwrapped;
    const meta = { ...(inheritedImpact !== undefined ? { impact: inheritedImpact } : {}), ...unwrapped.meta };
    const def = defOf(core);
    const row: ReferenceRow = {
      path,
      type: meta.typeName ?? this.typeOf(core, meta),
      required: !optional,
      description: meta.description ?? '',
      ...(meta.default !== undefined ? { default: meta.default } : {}),
      ...(meta.impact !== undefined ? { impact: meta.impact } : {}),
    };
    rows.push(row);
    if (meta.id !== undefined) {
      this.section(core);
      return;
    }
    if (def.type === 'object') this.objectRows(core, `${path}.`, rows, meta.impact);
    else if (def.type === 'array') this.element(def.element as z.ZodType, `${path}[]`, rows, meta.impact);
    else if (def.type === 'record') this.element(def.valueType as z.ZodType, `${path}.NAME`, rows, meta.impact);
  }

  /** An array's element: an object's keys are rows of their own, a plain value needs none. */
  private element(schema: z.ZodType, path: string, rows: ReferenceRow[], impact: string | undefined): void {
    const { core, meta } = unwrap(schema);
    if (meta.id !== undefined) this.section(core);
    else if (defOf(core).type === 'object') this.objectRows(core, `${path}.`, rows, impact);
    else if (defOf(core).type === 'array') this.element(defOf(core).element as z.ZodType, `${path}[]`, rows, impact);
  }

  private typeOf(core: z.ZodType, meta: ConfigFieldMeta): string {
    const def = defOf(core);
    if (meta.id !== undefined) return `${meta.id} (see [${meta.id}](#${anchor(meta.id)}))`;
    if (def.type === 'object') return 'object';
    if (def.type === 'record') return 'map';
    if (def.type === 'array') {
      const element = unwrap(def.element as z.ZodType);
      if (element.meta.id !== undefined) return `list of ${this.typeOf(element.core, element.meta)}`;
      const kind = defOf(element.core).type;
      if (kind === 'object') return 'list of objects';
      // The element has no description of its own to tell apart: its shared field's description is its type.
      return `list of ${element.meta.typeName ?? this.typeOf(element.core, { ...element.meta, description: '' })}`;
    }
    return sharedDescription(core, meta.description) ?? leafType(core);
  }

  /** A schema with an `id`, documented once with its own description. */
  section(schema: z.ZodType): void {
    const meta = (z.globalRegistry.get(schema) as ConfigFieldMeta | undefined) ?? {};
    const id = meta.id;
    if (id === undefined || this.sections.has(id)) return;
    const section = newSection(id, meta.description);
    this.sections.set(id, section);
    const { core } = unwrap(schema);
    if (defOf(core).type === 'object') this.objectRows(core, '', section.rows);
    else this.element(core, '', section.rows, undefined);
  }
}

/** Every key of `schema` (an object schema), and of the sections its `id`-tagged parts get. */
export function referenceSections(schema: z.ZodType, title: string): ReferenceSection[] {
  const collector = new Collector();
  const { meta } = unwrap(schema);
  const top = newSection(title, meta.description);
  collector.objectRows(unwrap(schema).core, '', top.rows);
  return [top, ...collector.sections.values()];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The reference as Markdown: a title, an introduction, then one table per section. */
export function configReference(
  schema: z.ZodType,
  options: { title: string; intro?: string; impacts?: Record<string, string> },
): string {
  const lines = [`# ${options.title}`, ''];
  if (options.intro) lines.push(options.intro.trim(), '');
  if (options.impacts) {
    lines.push('What a change touches when the configuration is reloaded:', '');
    for (const [impact, meaning] of Object.entries(options.impacts)) lines.push(`- **${impact}**: ${meaning}`);
    lines.push('');
  }
  const sections = referenceSections(schema, options.title);
  for (const [index, section] of sections.entries()) {
    const withImpact = section.rows.some((r) => r.impact !== undefined);
    if (index > 0) lines.push(`## ${section.title}`, '');
    if (index > 0 && section.description) lines.push(section.description, '');
    const headings = ['key', 'type', 'default', ...(withImpact ? ['change impact'] : []), 'meaning'];
    lines.push(`| ${headings.join(' | ')} |`);
    lines.push(`| ${headings.map(() => '---').join(' | ')} |`);
    for (const row of section.rows) {
      const key = `\`${row.path}\`${row.required ? ' (required)' : ''}`;
      const cells = [key, row.type, row.default ?? '', ...(withImpact ? [row.impact ?? ''] : []), row.description];
      lines.push(`| ${cells.map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
