import { createSocket } from 'node:dgram';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, type Namespace, waitFor } from '@cairn/harness';
import { BfdService, BfdSocketError, type BfdStateChange, BfdState, encodeControlPacket } from '../src/index.js';

// Cairn's BFD against FRR 8.4 bfdd, single hop (RFC 5881), IPv4, IPv6 global and IPv6 link-local on
// one veth pair. FRR's own `show bfd peers json` is the oracle.

interface FrrPeer {
  peer: string;
  interface?: string;
  status: string;
  id: number;
  'remote-id': number;
  diagnostic: string;
  'remote-diagnostic': string;
  'receive-interval': number;
  'transmit-interval': number;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-detect-multiplier': number;
}

// Cairn's side of each session, and the address FRR knows Cairn by.
const PEERS = [
  { peer: '10.55.0.1', local: '10.55.0.2', seenByFrr: '10.55.0.2' },
  { peer: 'fc55::1', local: 'fc55::2', seenByFrr: 'fc55::2' },
  { peer: 'fe80::5455:ff:fe00:1', interface: 'eth0', seenByFrr: 'fe80::5455:ff:fe00:2' },
];

describe('BFD interop with FRR bfdd (RFC 5880/5881)', () => {
  const lab = Lab.create('bfd-frr');
  let frrNs: Namespace;
  let cairnNs: Namespace;
  let frr: FrrInstance;
  let bfd: BfdService;
  const changes: (BfdStateChange & { at: number })[] = [];

  const frrPeers = async () => frr.json<FrrPeer[]>('show bfd peers json');
  const frrPeer = async (address: string) => (await frrPeers()).find((p) => p.peer === address);
  const allUp = async () => {
    const peers = await frrPeers();
    const cairn = bfd.bfdPeersSnapshot();
    return (
      PEERS.every(({ peer }) => cairn.find((p) => p.peer === peer)?.status === 'up') &&
      peers.length === PEERS.length &&
      peers.every((p) => p.status === 'up')
    );
  };
  const allDown = async () => {
    const peers = await frrPeers();
    return bfd.bfdPeersSnapshot().every((p) => p.status === 'down') && peers.every((p) => p.status === 'down');
  };

  beforeAll(async () => {
    frrNs = await lab.namespace('frr');
    cairnNs = await lab.namespace('cairn');
    await lab.link(frrNs, 'eth0', cairnNs, 'eth0', {
      a: ['10.55.0.1/24', 'fc55::1/64'],
      b: ['10.55.0.2/24', 'fc55::2/64'],
      macA: '56:55:00:00:00:01',
      macB: '56:55:00:00:00:02',
    });
    frr = await FrrInstance.start(frrNs, {
      daemons: ['zebra', 'bfdd'],
      config: [
        'bfd',
        ' peer 10.55.0.2 local-address 10.55.0.1',
        '  receive-interval 300',
        '  transmit-interval 300',
        '  detect-multiplier 3',
        ' !',
        ' peer fc55::2 local-address fc55::1',
        ' !',
        '!',
        '',
      ].join('\n'),
    });
    // bfdd 8.4 reads its configuration before zebra has told it about eth0 and then never enables an
    // interface-bound peer from the file ("specified interface eth0 doesn't exist"): add it live.
    await frr.vtysh('configure terminal', 'bfd', 'peer fe80::5455:ff:fe00:2 interface eth0');
    // Every socket of the service is opened in Cairn's namespace; this process stays where it is.
    bfd = new BfdService({ logger: pino({ level: process.env.CAIRN_LOG ?? 'silent' }), netns: cairnNs.name });
    bfd.onStateChange((change) => changes.push({ ...change, at: performance.now() }));
    for (const { seenByFrr: _, ...peer } of PEERS)
      await bfd.addPeer({ ...peer, transmitIntervalMs: 300, receiveIntervalMs: 300, detectMultiplier: 3 });
  });

  afterAll(async () => {
    await bfd?.close();
    await frr?.stop();
    await lab.destroy();
  });

  it('comes Up on both sides with 300 ms × 3 negotiated, over IPv4, IPv6 and IPv6 link-local', async () => {
    await waitFor(allUp, { what: 'all three BFD sessions Up on FRR and Cairn', timeoutMs: 30_000 });
    const cairn = bfd.bfdPeersSnapshot();
    for (const frrSide of await frrPeers()) {
      const ours = cairn.find((p) => p.id === frrSide['remote-id']);
      expect(ours, `Cairn session for FRR peer ${frrSide.peer}`).toBeDefined();
      expect(ours!['remote-id']).toBe(frrSide.id);
      expect(frrSide).toMatchObject({
        'remote-receive-interval': 300,
        'remote-transmit-interval': 300,
        'remote-detect-multiplier': 3,
      });
      expect(ours).toMatchObject({
        'remote-receive-interval': 300,
        'remote-transmit-interval': 300,
        'remote-detect-multiplier': 3,
        'negotiated-transmit-interval': 300,
        'detection-time': 900,
      });
    }
    // RFC 5881 §4: every session sends from its own source port in 49152–65535 (FRR accepted TTL 255, §5).
    const sockets = await cairnNs.exec('ss', ['-Hnua']);
    const localPorts = sockets.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.trim().split(/\s+/)[3]?.split(':').at(-1)));
    const senders = localPorts.filter((port) => port !== 3784);
    expect(senders).toHaveLength(PEERS.length);
    for (const port of senders) expect(port).toBeGreaterThanOrEqual(49152);
  });

  // 100 % loss both ways. This kernel has no sch_netem, so an nftables table that drops everything in
  // and out of each namespace stands in for `tc qdisc … netem loss 100%`.
  const LOSS =
    'nft add table inet loss; nft add chain inet loss in "{ type filter hook input priority 0; policy drop; }"; nft add chain inet loss out "{ type filter hook output priority 0; policy drop; }"';

  it('goes Down on both sides by detection timeout under 100 % loss and comes back Up when it is lifted', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    // A liveness watcher (what BgpSpeaker uses) attached to an Up session hears 'up' at once, then 'down'.
    const heard: string[] = [];
    const stop = bfd.watch({ peer: '10.55.0.1' }, (state, reason) => heard.push(`${state}: ${reason}`));
    await waitFor(() => heard.length === 1, { what: 'the watcher to hear up' });
    const cutAt = performance.now();
    await Promise.all([cairnNs.sh(LOSS), frrNs.sh(LOSS)]);
    await waitFor(allDown, { what: 'every session Down on both sides', timeoutMs: 10_000, intervalMs: 50 });
    expect(heard).toEqual(['up: BFD session up', 'down: BFD session down: control detection time expired']);
    stop();
    for (const { peer, seenByFrr } of PEERS) {
      const down = changes.find((c) => c.path.peer === peer && c.to === 'down' && c.at >= cutAt);
      expect(down?.diagnostic).toBe('control detection time expired');
      // 900 ms detection time; generous slack for a loaded CI machine.
      expect(down!.at - cutAt).toBeLessThan(3_000);
      expect((await frrPeer(seenByFrr))?.diagnostic).toBe('control detection time expired');
    }
    await Promise.all([cairnNs.sh('nft delete table inet loss'), frrNs.sh('nft delete table inet loss')]);
    await waitFor(allUp, { what: 'every session Up again after the loss is lifted', timeoutMs: 30_000 });
  });

  it('goes Down when the link goes down and Up when it comes back', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    // Keep fc55::2 on eth0 across the flap (by default Linux drops IPv6 addresses on link down).
    await cairnNs.sh('sysctl -qw net.ipv6.conf.eth0.keep_addr_on_down=1 && ip link set eth0 down');
    await waitFor(allDown, { what: 'every session Down after link down', timeoutMs: 10_000 });
    await cairnNs.sh('ip link set eth0 up');
    await waitFor(allUp, { what: 'every session Up after link up', timeoutMs: 30_000 });
  });

  it('follows FRR `shutdown` (AdminDown, diagnostic 3) and `no shutdown`', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    const heard: string[] = [];
    const stop = bfd.watch({ peer: '10.55.0.1' }, (state) => heard.push(state));
    await waitFor(() => heard.length === 1, { what: 'the watcher to hear up' });
    await frr.vtysh('configure terminal', 'bfd', 'peer 10.55.0.2 local-address 10.55.0.1', 'shutdown');
    await waitFor(() => bfd.state({ peer: '10.55.0.1' }) === 'down', {
      what: 'Cairn session to 10.55.0.1 Down after FRR shutdown',
    });
    // RFC 5882 §3.2: the remote system's AdminDown is not a failure; BGP must not be torn down for it.
    expect(heard).toEqual(['up']);
    const row = bfd.bfdPeersSnapshot().find((p) => p.peer === '10.55.0.1')!;
    // FRR 8.4 sends AdminDown with diagnostic 0, so only our own diagnostic says why.
    expect(row.diagnostic).toBe('neighbor signaled session down');
    await frr.vtysh('configure terminal', 'bfd', 'peer 10.55.0.2 local-address 10.55.0.1', 'no shutdown');
    await waitFor(allUp, { what: 'all sessions Up after no shutdown', timeoutMs: 30_000 });
    await waitFor(() => heard.length === 2, { what: 'the watcher to hear up again' });
    expect(heard).toEqual(['up', 'up']);
    stop();
  });

  it('changes timers on both sides through Poll/Final without a flap (RFC 5880 §6.5, §6.8.3)', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    const downsBefore = changes.filter((c) => c.to === 'down').length;
    // Cairn slows its transmission: FRR must see 600 ms and lengthen its detection time accordingly.
    bfd.setTimers({ peer: 'fc55::1' }, { transmitIntervalMs: 600 });
    await waitFor(async () => (await frrPeer('fc55::2'))?.['remote-transmit-interval'] === 600, {
      what: 'FRR to adopt 600 ms from Cairn',
    });
    await waitFor(
      () => bfd.bfdPeersSnapshot().find((p) => p.peer === 'fc55::1')!['negotiated-transmit-interval'] === 600,
      { what: 'Cairn to pace at 600 ms after the Final' },
    );
    // FRR asks for a faster receive interval from its side: Cairn answers the Poll and follows.
    await frr.vtysh(
      'configure terminal',
      'bfd',
      'peer fc55::2 local-address fc55::1',
      'receive-interval 200',
      'transmit-interval 200',
    );
    await waitFor(
      () => {
        const row = bfd.bfdPeersSnapshot().find((p) => p.peer === 'fc55::1')!;
        return row['remote-receive-interval'] === 200 && row['remote-transmit-interval'] === 200 && row;
      },
      { what: "Cairn to see FRR's 200 ms timers" },
    );
    const row = bfd.bfdPeersSnapshot().find((p) => p.peer === 'fc55::1')!;
    // §6.8.4: our detection time is FRR's multiplier × max(our 300 ms RX, FRR's 200 ms TX).
    expect(row['detection-time']).toBe(900);
    bfd.setTimers({ peer: 'fc55::1' }, { transmitIntervalMs: 300 });
    await frr.vtysh(
      'configure terminal',
      'bfd',
      'peer fc55::2 local-address fc55::1',
      'receive-interval 300',
      'transmit-interval 300',
    );
    await waitFor(async () => (await frrPeer('fc55::2'))?.['remote-transmit-interval'] === 300, {
      what: 'FRR to adopt 300 ms again',
    });
    expect(changes.filter((c) => c.to === 'down').length).toBe(downsBefore);
    expect(bfd.state({ peer: 'fc55::1' })).toBe('up');
  });

  it('ignores a control packet that arrives with TTL 254 and obeys the same packet with TTL 255 (RFC 5881 §5, GTSM)', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    const ours = bfd.bfdPeersSnapshot().find((p) => p.peer === '10.55.0.1')!;
    // A forged AdminDown from FRR's address: it would take the session down if it were accepted.
    const forged = encodeControlPacket({
      diagnostic: 7,
      state: BfdState.AdminDown,
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      detectMultiplier: 3,
      myDiscriminator: ours['remote-id'],
      yourDiscriminator: ours.id,
      desiredMinTxUs: 1_000_000,
      requiredMinRxUs: 1_000_000,
      requiredMinEchoRxUs: 0,
    });
    const sendWithTtl = (ttl: number) =>
      frrNs.enter(
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = createSocket('udp4');
            socket.bind({ address: '10.55.0.1', port: 0 }, () => {
              socket.setTTL(ttl);
              for (let i = 0; i < 3; i++) socket.send(forged, 3784, '10.55.0.2');
              socket.send(forged, 3784, '10.55.0.2', (error) => (socket.close(), error ? reject(error) : resolve()));
            });
          }),
      );
    const before = bfd.bfdPeersSnapshot().find((p) => p.peer === '10.55.0.1')!['control-packet-input'];
    const sentAt = performance.now();
    const downSince = (t: number) => changes.find((c) => c.path.peer === '10.55.0.1' && c.to === 'down' && c.at >= t);
    await sendWithTtl(254);
    // FRR keeps sending every ~300 ms; two more of its packets prove the forged ones were not processed first.
    await waitFor(
      () => bfd.bfdPeersSnapshot().find((p) => p.peer === '10.55.0.1')!['control-packet-input'] >= before + 2,
      { what: 'two more FRR packets' },
    );
    expect(downSince(sentAt)).toBeUndefined();
    const sent255At = performance.now();
    await sendWithTtl(255);
    // The session goes Down (and, FRR still being Up, straight back Up through Init).
    const down = await waitFor(() => downSince(sent255At), { what: 'the TTL 255 AdminDown to take the session Down' });
    expect(down.diagnostic).toBe('neighbor signaled session down');
    await waitFor(allUp, { what: 'all sessions Up again', timeoutMs: 30_000 });
  });

  it('tells FRR when a session is removed: AdminDown takes FRR Down with diagnostic 3 at once (§6.8.16)', async () => {
    await waitFor(allUp, { what: 'all sessions Up', timeoutMs: 30_000 });
    bfd.removePeer({ peer: '10.55.0.1' });
    expect(bfd.state({ peer: '10.55.0.1' })).toBeUndefined();
    // Well inside FRR's 900 ms detection time, so this is the AdminDown and not a timeout.
    const down = await waitFor(
      async () => {
        const row = await frrPeer('10.55.0.2');
        return row?.status === 'down' && row;
      },
      { what: 'FRR session to 10.55.0.2 Down', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(down.diagnostic).toBe('neighbor signaled session down');
  });

  it('refuses a session whose local address is not on this system with a typed error, and keeps no trace of it', async () => {
    await expect(bfd.addPeer({ peer: '10.55.0.9', local: '10.99.9.9' })).rejects.toBeInstanceOf(BfdSocketError);
    expect(bfd.state({ peer: '10.55.0.9' })).toBeUndefined();
    expect(bfd.bfdPeersSnapshot().some((row) => row.peer === '10.55.0.9')).toBe(false);
  });
});
