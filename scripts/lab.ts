// `npm run lab` — Cairn's main job on defaults: the CloudStack 4.20 routed-mode lab of the reference
// slides. FRR 8.4 (zebra + bgpd) is the upstream router; two virtual routers run Cairn's BGP speaker,
// announce their guest /28 and /64 over IPv4 and IPv6 sessions with TCP-MD5, and install what they
// learn into their kernels; the two guest VMs then reach each other through the routed networks.
//
//   npm run lab             build the lab, print the routing tables, keep running until Ctrl-C
//   npm run lab -- --once   build, print, check VM-to-VM reachability, tear down, exit 0/1
import { pino } from 'pino';
import { ACCEPT_ALL, BgpSpeaker, LinuxTransport, type PeerConfig, type SummaryFamily } from '@cairn/bgp';
import { BgpFibSync, KernelFib } from '@cairn/appliance';
import { waitFor } from '../test/harness/index.js';
import { UPSTREAM, buildRoutedTopology } from './lab-topology.js';

const once = process.argv.includes('--once');
const logger = pino({ level: process.env.CAIRN_LOG ?? 'error' });

/** The same upstream sessions for every VR (the slides' configuration). */
function upstreamPeers(): PeerConfig[] {
  const common = {
    remoteAs: UPSTREAM.asn,
    password: UPSTREAM.password,
    holdTime: 9,
    connectRetryTime: 2,
    // The lab's upstream is trusted: accept and send everything (an explicit policy, as RFC 8212 asks).
    importPolicy: ACCEPT_ALL,
    exportPolicy: ACCEPT_ALL,
  };
  return [
    { ...common, address: UPSTREAM.v4, families: ['ipv4'] },
    { ...common, address: UPSTREAM.v6, families: ['ipv6'] },
  ];
}

const heading = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);

async function main(): Promise<number> {
  console.log('Building the CloudStack routed-mode lab (upstream FRR AS 64999, two Cairn VRs)…');
  const topology = await buildRoutedTopology('lab');
  const running: { speaker: BgpSpeaker; sync: BgpFibSync; fib: KernelFib }[] = [];
  const teardown = async () => {
    for (const { speaker, sync, fib } of running) {
      await speaker.stop('lab shutting down');
      await sync.stop();
      fib.close();
    }
    await topology.frr.stop();
    await topology.lab.destroy();
  };
  try {
    for (const { network, vr } of topology.vrs) {
      const speaker = new BgpSpeaker({
        localAs: network.asn,
        routerId: network.routerId,
        logger: logger.child({ vr: network.name }),
        transport: new LinuxTransport({
          netns: vr.name,
          listenAddresses: [network.routerId, network.uplinkV6],
          logger,
        }),
      });
      for (const peer of upstreamPeers()) speaker.addPeer(peer);
      speaker.announce(network.cidrV4);
      speaker.announce(network.cidrV6);
      const fib = await vr.enter(() => new KernelFib());
      const sync = new BgpFibSync(speaker, fib, logger.child({ vr: network.name, component: 'fib' }));
      await sync.start();
      await speaker.start();
      running.push({ speaker, sync, fib });
    }

    const everyPrefix = topology.vrs.flatMap(({ network }) => [network.cidrV4, network.cidrV6]);
    await waitFor(
      async () => {
        const upstreamRoutes = (await topology.upstream.exec('ip', ['route', 'show', 'proto', 'bgp'])).stdout;
        const upstreamRoutes6 = (await topology.upstream.exec('ip', ['-6', 'route', 'show', 'proto', 'bgp'])).stdout;
        return everyPrefix.every((prefix) => `${upstreamRoutes}\n${upstreamRoutes6}`.includes(prefix));
      },
      { what: 'the upstream kernel to route every guest network via its VR', timeoutMs: 60_000 },
    );
    await waitFor(
      async () => {
        for (const { network, vr } of topology.vrs) {
          const others = topology.vrs.filter((other) => other.network !== network).map((other) => other.network.cidrV4);
          const table = (await vr.exec('ip', ['route', 'show', 'proto', 'bgp'])).stdout;
          if (!others.every((prefix) => table.includes(prefix)) || !table.includes('default')) return false;
        }
        return true;
      },
      { what: 'each VR to install the other guest networks and the default route', timeoutMs: 60_000 },
    );

    heading(`upstream (FRR ${UPSTREAM.v4}, AS ${UPSTREAM.asn}) — show bgp summary`);
    console.log(await topology.frr.vtysh('show bgp summary'));
    heading('upstream — ip route (routes zebra installed from what FRR learned from Cairn)');
    console.log((await topology.upstream.exec('ip', ['route'])).stdout);
    console.log((await topology.upstream.exec('ip', ['-6', 'route', 'show', 'proto', 'bgp'])).stdout);
    for (const { network, vr } of topology.vrs) {
      heading(`${network.name} (Cairn ${network.routerId}, AS ${network.asn}) — ip route`);
      console.log((await vr.exec('ip', ['route'])).stdout);
      console.log((await vr.exec('ip', ['-6', 'route', 'show', 'proto', 'bgp'])).stdout);
    }
    heading('Cairn summary (vr1)');
    const summary = running[0]!.speaker.summary();
    for (const [family, table] of Object.entries(summary) as [string, SummaryFamily | undefined][]) {
      for (const [peer, state] of Object.entries(table?.peers ?? {})) {
        console.log(
          `${family.padEnd(12)} ${peer.padEnd(18)} ${state.state.padEnd(12)} pfxRcd ${state.pfxRcd ?? 0} pfxSnt ${state.pfxSnt ?? 0}`,
        );
      }
    }

    heading('VM to VM through the routed networks');
    const [first, second] = topology.vrs;
    let reachable = true;
    for (const target of [second!.network.vmV4, second!.network.vmV6]) {
      const ping = await first!.vm.exec('ping', ['-c', '2', '-W', '2', '-i', '0.2', target], { allowFailure: true });
      const ok = ping.exitCode === 0;
      reachable &&= ok;
      console.log(`vm1 (${first!.network.vmV4}) → ${target}: ${ok ? 'reachable' : 'UNREACHABLE'}`);
    }

    if (once) return reachable ? 0 : 1;
    console.log(
      '\nThe lab is running. Try: ip netns exec',
      topology.upstream.name,
      'vtysh --vty_socket',
      topology.frr.dir,
      "-c 'show bgp ipv4'",
    );
    console.log('Press Ctrl-C to tear it down.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return 0;
  } finally {
    await teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lab failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
