import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, type LabProcess, frrNeighborState, waitFor } from '@cairn/harness';
import { controlRequest } from '@cairn/sys';
import type { RouteView } from '../../src/speaker/route-view.js';
import {
  CAIRN_V4,
  CAIRN_V6,
  UPSTREAM_V4,
  UPSTREAM_V6,
  referenceLab,
  startUpstream,
  upstreamConfig,
} from '../speaker/lab.js';

const CLI = fileURLToPath(new URL('../../src/daemon/cli.ts', import.meta.url));
const NODE = process.execPath;

// FRR tags what it sends over the IPv4 session (communities, a large and an extended community) and
// prepends over the IPv6 session, so ::/0 has two candidates and one loses on AS_PATH length.
const frrConfig = `${upstreamConfig({
  extraNetworks: ['198.51.100.0/24'],
  extra: [` neighbor ${CAIRN_V4} route-map TAG out`],
}).replace(
  ' address-family ipv6 unicast\n',
  ` address-family ipv6 unicast\n  neighbor ${CAIRN_V6} route-map PREPEND out\n`,
)}
route-map TAG permit 10
 set community 65053:100 no-export
 set large-community 64999:1:2
 set extcommunity rt 64999:100
route-map PREPEND permit 10
 set as-path prepend 64999 64999
`;

/** Writes `text` on a fresh connection and gathers what comes back until the daemon closes or `lines` arrive. */
function exchange(
  path: string,
  text: string | Buffer,
  lines = Infinity,
): Promise<{ replies: { ok: boolean; error?: string }[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(path);
    let received = '';
    let count = 0;
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({
        replies: received
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { ok: boolean; error?: string }),
        closed,
      });
    };
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      count += chunk.toString().split('\n').length - 1;
      if (count >= lines) done(false);
    });
    socket.on('close', () => done(true));
  });
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe('cairn-bgp control socket under hostile clients, beside an FRR session', () => {
  const lab = Lab.create('bgp-control');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bgp-control-'));
  const socket = join(dir, 'control.sock');
  const config = join(dir, 'bgp.yaml');
  let frr: FrrInstance;
  let daemon: LabProcess;
  let vr: Awaited<ReturnType<typeof referenceLab>>['vr'];

  const cli = (...args: string[]) =>
    execa(NODE, ['--import', 'tsx', CLI, ...args, '--socket', socket], { reject: false });
  const established = async () =>
    (
      await frr.json<Record<string, { bgpState?: string; connectionsEstablished?: number }>>(
        `show bgp neighbors ${CAIRN_V4} json`,
      )
    )[CAIRN_V4];

  beforeAll(async () => {
    chmodSync(dir, 0o755); // another user must reach the socket file for the credentials test
    const net = await referenceLab(lab);
    vr = net.vr;
    frr = await startUpstream(net.upstream, frrConfig);
    writeFileSync(
      config,
      [
        'localAs: 65053',
        `routerId: ${CAIRN_V4}`,
        'logLevel: warn',
        'peers:',
        `  - { address: ${UPSTREAM_V4}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, importPolicy: accept-all, exportPolicy: reject-all, nextHopIpv6: ${CAIRN_V6} }`,
        `  - { address: ${UPSTREAM_V6}, remoteAs: 64999, password: password3, holdTime: 9, idleHoldTime: 1, families: [ipv6], importPolicy: accept-all, exportPolicy: reject-all }`,
        '',
      ].join('\n'),
    );
    // umask 000: the socket must still come out 0600.
    daemon = vr.spawn('sh', [
      '-c',
      `umask 000; exec '${NODE}' --import tsx '${CLI}' run --config '${config}' --socket '${socket}'`,
    ]);
    await waitFor(
      async () =>
        (await frrNeighborState(frr, CAIRN_V4)) === 'Established' &&
        (await frrNeighborState(frr, CAIRN_V6)) === 'Established',
      {
        what: 'FRR sessions with cairn-bgp',
        timeoutMs: 60_000,
      },
    );
  });
  afterAll(async () => {
    await frr?.stop();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its control socket 0600 under umask 000', () => {
    expect(statSync(socket).mode & 0o777).toBe(0o600);
  });

  it('`show routes` shows communities as text, large and extended communities, and why a candidate lost', async () => {
    await waitFor(async () => (await cli('show', 'routes')).stdout.includes('198.51.100.0/24'), {
      what: 'the tagged route',
    });
    const text = (await cli('show', 'routes')).stdout;
    expect(text).toContain('Community: 65053:100 no-export');
    expect(text).toContain('Large Community: 64999:1:2');
    expect(text).toContain('Extended Community: RT:64999:100');
    await waitFor(async () => JSON.parse((await cli('show', 'routes', '::/0', '--json')).stdout).length === 2, {
      what: 'both ::/0 candidates',
    });
    const candidates = JSON.parse((await cli('show', 'routes', '::/0', '--json')).stdout) as RouteView[];
    expect(candidates.find((r) => !r.best)).toMatchObject({
      from: UPSTREAM_V6,
      asPathText: '64999 64999 64999',
      notBestReason: `shorter AS path (64999) from ${UPSTREAM_V4}`,
    });
    expect((await cli('show', 'routes', '::/0')).stdout).toContain(
      `Not best: shorter AS path (64999) from ${UPSTREAM_V4}`,
    );
  });

  it('`announce` takes every attribute option; values that are not numbers are usage errors naming the option', async () => {
    const announced = await cli(
      'announce',
      '203.0.113.0/24',
      '--community',
      'no-export',
      '--large-community',
      '65053:1:2',
      '--med',
      '7',
      '--local-pref',
      '200',
      '--origin',
      'egp',
      '--aggregate',
    );
    expect(announced).toMatchObject({ exitCode: 0, stdout: 'announced 203.0.113.0/24' });
    const [route] = JSON.parse((await cli('show', 'routes', '203.0.113.0/24', '--json')).stdout) as RouteView[];
    expect(route).toMatchObject({
      from: 'local',
      med: 7,
      localPref: 200,
      origin: 'egp',
      communities: ['no-export'],
      largeCommunities: ['65053:1:2'],
      atomicAggregate: true,
    });
    for (const [option, value] of [
      ['--med', 'ten'],
      ['--local-pref', '1e3'],
      ['--origin', 'bgp'],
      ['--community', '70000:1'],
    ]) {
      const result = await cli('announce', '203.0.113.0/24', option!, value!);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(option);
      expect(result.stderr).toContain('usage:');
    }
    const refused = await cli('withdraw', 'banana');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers malformed, unknown and invalid requests with errors, and cuts a 32 MiB line without letting RSS or the session suffer', async () => {
    const before = await established();
    const { replies } = await exchange(
      socket,
      '{"command":\n{"command":"reboot"}\n{"command":"announce","prefix":"banana"}\n{"command":"summary"}\n',
      4,
    );
    expect(replies.map((r) => r.ok)).toEqual([false, false, false, true]);
    expect(replies[0]!.error).toContain('malformed JSON');
    expect(replies[1]!.error).toContain('unknown command');

    const pid = daemon.pid!;
    const rssBefore = rssKb(pid);
    const huge = await exchange(socket, Buffer.alloc(32 << 20, 0x7b));
    expect(huge.closed).toBe(true);
    expect(huge.replies).toEqual([
      { ok: false, error: 'request longer than 1048576 bytes without a newline: connection closed' },
    ]);
    expect(rssKb(pid) - rssBefore).toBeLessThan(64 * 1024);
    const after = await established();
    expect(after).toMatchObject({ bgpState: 'Established', connectionsEstablished: before!.connectionsEstablished });
  });

  it('serves 1,000 concurrent clients', async () => {
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () => controlRequest(socket, { command: 'summary' })),
    );
    expect(answers.every((a) => (a as { ipv4Unicast?: unknown }).ipv4Unicast)).toBe(true);
  });

  it('refuses a client of another uid by its SO_PEERCRED, even when the socket file lets it in', async () => {
    chmodSync(socket, 0o666);
    const script = `const s=require('net').connect(${JSON.stringify(socket)});s.on('connect',()=>s.write('{"command":"summary"}\\n'));s.on('data',d=>process.stdout.write(d));s.on('error',()=>{})`;
    const other = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', NODE, '-e', script], {
      reject: false,
    });
    chmodSync(socket, 0o600);
    expect(JSON.parse(other.stdout)).toEqual({ ok: false, error: 'uid 65534 (gid 65534) may not control cairn-bgp' });
  });

  it('a second instance on the same configuration refuses to start and leaves the first one controllable', async () => {
    const second = await vr.exec(NODE, ['--import', 'tsx', CLI, 'run', '--config', config, '--socket', socket], {
      allowFailure: true,
    });
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trim()).toBe(
      `cairn-bgp: cairn-bgp is already running: its control socket ${socket} answers (stop it first, or use another socket)`,
    );
    expect((await cli('show', 'summary')).exitCode).toBe(0);
  });

  it('survives SIGHUP (no reload hook: logged, not fatal)', async () => {
    daemon.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await cli('show', 'summary')).exitCode).toBe(0);
  });

  it('`show routes --json` piped into another program delivers all 200,000 announced routes', async () => {
    const count = 200_000;
    const lines = Array.from({ length: count }, (_, i) =>
      JSON.stringify({ command: 'announce', prefix: `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32` }),
    ).join('\n');
    const { replies } = await exchange(socket, `${lines}\n`, count);
    expect(replies.filter((r) => r.ok)).toHaveLength(count);
    const counter = `let t='';process.stdin.on('data',d=>t+=d).on('end',()=>console.log(JSON.parse(t).filter(r=>r.prefix.startsWith('100.')).length))`;
    const piped = await execa(
      'sh',
      ['-c', `'${NODE}' --import tsx '${CLI}' show routes --json --socket '${socket}' | '${NODE}' -e "${counter}"`],
      { reject: false },
    );
    expect(piped.stderr).toBe('');
    expect(Number(piped.stdout)).toBe(count);
    expect(await established()).toMatchObject({ bgpState: 'Established' });
  }, 300_000);

  it('stops on SIGTERM with exit 0, 200,000 routes and all', async () => {
    // process.kill, not daemon.kill: execa would SIGKILL after 5 s, and the goodbye takes its time here.
    const started = Date.now();
    process.kill(daemon.pid!, 'SIGTERM');
    expect((await daemon).exitCode).toBe(0);
    console.log(`cairn-bgp stopped ${Date.now() - started} ms after SIGTERM`);
  }, 120_000);
});
