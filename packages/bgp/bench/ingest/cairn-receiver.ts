// Cairn as a receiver: cairn-node.ts (a BgpSpeaker) in its own Node process in the receiver
// namespace; its Loc-RIB size arrives as JSON lines on stdout.
import type { Receiver, ReceiverSite } from './receivers.js';
import { FEEDER_AS, RECEIVER_AS } from './feeder.js';

export async function startCairn(site: ReceiverSite): Promise<Receiver> {
  const script = new URL('./cairn-node.ts', import.meta.url).pathname;
  // CAIRN_INGEST_PROFILE=dir writes a V8 CPU profile of the receiver there (for development).
  const profile = process.env.CAIRN_INGEST_PROFILE;
  const args = [site.local, site.feeder, String(RECEIVER_AS), String(FEEDER_AS)];
  const child = profile
    ? site.ns.spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profile}`, '--import', 'tsx', script, ...args])
    : site.ns.node(script, args);
  let count = 0;
  let pending = '';
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as { count?: number };
      if (parsed.count !== undefined) count = parsed.count;
      ready();
    }
  });
  // The first line comes once the speaker listens: only then may the feeder connect.
  await Promise.race([
    started,
    child.then((r) =>
      Promise.reject(new Error(`the Cairn receiver exited at start: ${String(r.stderr).slice(-2000)}`)),
    ),
  ]);
  return {
    name: 'Cairn (BgpSpeaker + RibManager, Node 20)',
    count: async () => {
      if (child.exitCode !== null)
        throw new Error(`the Cairn receiver exited ${child.exitCode}: ${String((await child).stderr).slice(-2000)}`);
      return count;
    },
    pid: () => child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([child, new Promise((resolve) => setTimeout(resolve, 3000))]);
      child.kill('SIGKILL');
      await child;
    },
  };
}
