// Golden files under test/golden/: compared byte for byte; `CAIRN_UPDATE_GOLDEN=1` rewrites them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function goldenPath(name: string): string {
  return fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
}

/** Returns the golden content for `name`, writing `actual` first when updating or when it is missing. */
export function golden(name: string, actual: string): string {
  const path = goldenPath(name);
  if (process.env.CAIRN_UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}
