// Writes the generated configuration references (npm run docs:config).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAIRN_BGP_REFERENCE_PATH, cairnBgpReference } from '../packages/bgp/src/config/reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, CAIRN_BGP_REFERENCE_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, cairnBgpReference());
console.log(`wrote ${CAIRN_BGP_REFERENCE_PATH}`);
