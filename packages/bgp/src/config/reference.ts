// The cairn-bgp configuration reference (docs/config/cairn-bgp.md), generated from the schemas.
import { configReference } from '@cairn/sys';
import { cairnBgpConfigSchema } from './cairn-bgp.js';
import { CHANGE_IMPACTS } from './impact.js';

export const CAIRN_BGP_REFERENCE_PATH = 'docs/config/cairn-bgp.md';

export function cairnBgpReference(): string {
  return configReference(cairnBgpConfigSchema, {
    title: 'cairn-bgp configuration',
    intro: `
Generated from the schemas in \`packages/bgp/src/config/\` by \`npm run docs:config\`; do not edit by hand.
\`cairn-bgp run --config FILE\` reads YAML or JSON; every problem is reported with its path and line, and
nothing starts until the whole file is valid. SIGHUP reloads the file: peers added, removed and changed,
announcements added and withdrawn; a file that is not valid is logged and the running configuration kept.
The library's \`PeerConfig\` (\`BgpSpeaker.addPeer\`) has the same peer settings.`,
    impacts: CHANGE_IMPACTS,
  });
}
