import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAIRN_BGP_REFERENCE_PATH, cairnBgpReference } from '../../src/config/reference.js';

// docs/config/cairn-bgp.md is generated from the schemas: it cannot drift from them.
describe('the cairn-bgp configuration reference', () => {
  it('is the generated output of the schemas', () => {
    const committed = readFileSync(
      fileURLToPath(new URL(`../../../../${CAIRN_BGP_REFERENCE_PATH}`, import.meta.url)),
      'utf8',
    );
    expect(
      committed === cairnBgpReference(),
      `${CAIRN_BGP_REFERENCE_PATH} is stale: run \`npm run docs:config\` and commit it`,
    ).toBe(true);
  });

  it('lists every peer setting with its type, default and change impact', () => {
    const text = cairnBgpReference();
    expect(text).toContain('| `peers[].maxPrefixes` | integer 1–4294967295 | no limit | RIB limits |');
    expect(text).toContain(
      '| `peers[].password` | string | none | transport | TCP-MD5 key (RFC 2385), at most 80 bytes |',
    );
    expect(text).toContain('| `peers[].address` (required) | IPv4 or IPv6 address |  | session reset |');
    expect(text).toContain('| `listen` | list of IPv4 or IPv6 address |');
    expect(text).toContain('## policy');
    expect(text).toContain('| `terms[].result` (required) | `accept`, `reject` |');
  });
});
