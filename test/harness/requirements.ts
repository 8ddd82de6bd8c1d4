import { execaSync } from 'execa';

const installHint = 'install the system packages with `bash scripts/install-system-deps.sh` (Debian 12)';

/** Fails with a clear message unless the process runs as root (namespaces, raw sockets, nft). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'integration tests need root: they create network namespaces, veth pairs and nft tables; run them as root',
    );
  }
}

/** Fails with a message naming every missing command and the package that provides it. */
export function requireCommands(commands: Record<string, string>): void {
  const missing: string[] = [];
  for (const [command, debianPackage] of Object.entries(commands)) {
    const found = execaSync('sh', ['-c', `command -v ${command} || test -x ${command}`], { reject: false });
    if (found.exitCode !== 0) missing.push(`${command} (Debian package ${debianPackage})`);
  }
  if (missing.length > 0) {
    throw new Error(`missing required tools: ${missing.join(', ')}; ${installHint}`);
  }
}

export const FRR_DIR = '/usr/lib/frr';

/** The FRR daemons the harness can start, with the Debian package that ships them. */
export const frrCommands = {
  [`${FRR_DIR}/bgpd`]: 'frr',
  [`${FRR_DIR}/bfdd`]: 'frr',
  [`${FRR_DIR}/zebra`]: 'frr',
  vtysh: 'frr',
} as const;
