import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configReference, ipAddress, port, referenceSections } from '@cairn/sys';

// The reference generator on a small schema: paths, types, defaults, impacts, sections for schemas with an id.
const filter = z
  .strictObject({
    terms: z.array(z.strictObject({ action: z.enum(['permit', 'deny']).meta({ description: 'what matches get' }) })),
  })
  .meta({ id: 'filter', description: 'A list of terms.' });

const schema = z.strictObject({
  address: ipAddress.meta({ description: 'where to connect', impact: 'reset' }),
  port: port.optional().meta({ description: 'the TCP port', default: '179', impact: 'transport' }),
  timers: z
    .strictObject({ hold: z.number().int().min(3).max(65535).optional().meta({ description: 'seconds' }) })
    .optional()
    .meta({ description: 'session timers', impact: 'reset' }),
  listen: z.array(ipAddress).optional().meta({ description: 'listening addresses', impact: 'restart' }),
  inbound: filter.optional().meta({ description: 'what to accept', impact: 'policy' }),
  outbound: filter.optional().meta({ description: 'what to send', impact: 'policy' }),
});

describe('configuration reference', () => {
  it('flattens nested objects and lists into paths, with type, default and impact (inherited by parts)', () => {
    const [top, section] = referenceSections(schema, 'demo');
    expect(top!.rows).toEqual([
      {
        path: 'address',
        type: 'IPv4 or IPv6 address',
        required: true,
        impact: 'reset',
        description: 'where to connect',
      },
      {
        path: 'port',
        type: 'TCP/UDP port, 1–65535',
        required: false,
        default: '179',
        impact: 'transport',
        description: 'the TCP port',
      },
      { path: 'timers', type: 'object', required: false, impact: 'reset', description: 'session timers' },
      { path: 'timers.hold', type: 'integer 3–65535', required: false, impact: 'reset', description: 'seconds' },
      {
        path: 'listen',
        type: 'list of IPv4 or IPv6 address',
        required: false,
        impact: 'restart',
        description: 'listening addresses',
      },
      {
        path: 'inbound',
        type: 'filter (see [filter](#filter))',
        required: false,
        impact: 'policy',
        description: 'what to accept',
      },
      {
        path: 'outbound',
        type: 'filter (see [filter](#filter))',
        required: false,
        impact: 'policy',
        description: 'what to send',
      },
    ]);
    // documented once, in its own section
    expect(section).toMatchObject({ id: 'filter', description: 'A list of terms.' });
    expect(section!.rows.map((r) => [r.path, r.type])).toEqual([
      ['terms', 'list of objects'],
      ['terms[].action', '`permit`, `deny`'],
    ]);
  });

  it('writes Markdown tables, escaping the cell separator', () => {
    const text = configReference(z.strictObject({ mode: z.enum(['a|b', 'c']).meta({ description: 'x' }) }), {
      title: 'T',
      intro: 'Hello.',
    });
    expect(text).toBe(
      [
        '# T',
        '',
        'Hello.',
        '',
        '| key | type | default | meaning |',
        '| --- | --- | --- | --- |',
        '| `mode` (required) | `a\\|b`, `c` |  | x |',
        '',
      ].join('\n'),
    );
  });
});
