import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlreadyRunningError,
  ControlError,
  ControlServer,
  ResultStream,
  controlItems,
  controlRequest,
} from '@cairn/sys';

// The control socket skeleton over real unix sockets: one JSON request per line, bounded, validated.
const dir = mkdtempSync(join(tmpdir(), 'cairn-control-'));
let servers: ControlServer[] = [];
let n = 0;

async function serve(
  handle = (request: unknown): unknown => request,
  options: Partial<ConstructorParameters<typeof ControlServer>[0]> = {},
) {
  const server = new ControlServer({ path: join(dir, `c${n++}.sock`), daemon: 'cairn-test', handle, ...options });
  await server.listen();
  servers.push(server);
  return server;
}

/** Raw exchange: writes `text`, collects what the server sends until it closes (or `lines` lines arrive). */
function exchange(
  path: string,
  text: string | Buffer,
  lines = Infinity,
): Promise<{ replies: unknown[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path);
    let received = '';
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({
        replies: received
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as unknown),
        closed,
      });
    };
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.split('\n').length - 1 >= lines) done(false);
    });
    socket.on('close', () => done(true));
  });
}

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('ControlServer', () => {
  it('answers malformed JSON and failing requests with errors and keeps serving the connection', async () => {
    const server = await serve((request) => {
      if ((request as { command?: string }).command !== 'ping') throw new Error('unknown command: use ping');
      return 'pong';
    });
    const { replies } = await exchange(server.path, '{"command":\n{"command":"nope"}\n{"command":"ping"}\n', 3);
    expect(replies).toEqual([
      { ok: false, error: expect.stringContaining('malformed JSON request') },
      { ok: false, error: 'unknown command: use ping' },
      { ok: true, result: 'pong' },
    ]);
  });

  it('closes a connection whose request passes 1 MiB without a newline, after saying why', async () => {
    const server = await serve();
    const { replies, closed } = await exchange(server.path, Buffer.alloc(4 << 20, 0x61));
    expect(closed).toBe(true);
    expect(replies).toEqual([
      { ok: false, error: 'request longer than 1048576 bytes without a newline: connection closed' },
    ]);
    expect(await controlRequest(server.path, { still: 'serving' })).toEqual({ still: 'serving' });
  });

  it('serves 1,000 concurrent clients, 64 at a time', async () => {
    const server = await serve((request) => request);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => controlRequest(server.path, { i })));
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => ({ i })));
  });

  it('sends a long list in parts that the client reads as it consumes them', async () => {
    const server = await serve(
      () =>
        new ResultStream(
          (function* () {
            for (let i = 0; i < 5500; i++) yield { i };
          })(),
        ),
    );
    const long = Array.from({ length: 3000 }, (_, i) => i);
    const plain = await serve(() => long);
    let count = 0;
    for await (const item of controlItems(server.path, {})) expect(item).toEqual({ i: count++ });
    expect(count).toBe(5500);
    expect(await controlRequest(plain.path, {})).toEqual(long);
    const { replies } = await exchange(plain.path, '{}\n', 4);
    expect(replies.map((r) => (r as { items: unknown[] }).items.length)).toEqual([1000, 1000, 1000, 0]);
  });

  it('creates the socket 0600 whatever the umask', async () => {
    const umask = process.umask(0);
    try {
      const server = await serve();
      expect(statSync(server.path).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });

  it('refuses to take over a socket that answers, and replaces one that nobody listens on', async () => {
    const server = await serve(() => 'first');
    const second = new ControlServer({ path: server.path, daemon: 'cairn-test', handle: () => 'second' });
    await expect(second.listen()).rejects.toThrow(AlreadyRunningError);
    await expect(second.listen()).rejects.toThrow(
      `cairn-test is already running: its control socket ${server.path} answers`,
    );
    expect(await controlRequest(server.path, {})).toBe('first');

    // A daemon killed with SIGKILL leaves its socket file behind, refusing connections.
    const stale = join(dir, 'stale.sock');
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(statSync(stale).isSocket()).toBe(true);
    const revived = new ControlServer({ path: stale, daemon: 'cairn-test', handle: () => 'revived' });
    await revived.listen();
    servers.push(revived);
    expect(await controlRequest(stale, {})).toBe('revived');
  });

  it('client errors name the daemon and what to do', async () => {
    await expect(controlRequest(join(dir, 'nobody.sock'), {}, { daemon: 'cairn-test' })).rejects.toThrow(
      new ControlError(
        `cannot reach cairn-test at ${join(dir, 'nobody.sock')}: connect ENOENT ${join(dir, 'nobody.sock')}. Is the daemon running?`,
      ),
    );
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
