// The control socket of cairn-bgp: a unix socket speaking one JSON request per line, one JSON
// response per line.
import { existsSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { Logger } from 'pino';
import type { BfdService } from '@cairn/bfd';
import type { BgpSpeaker } from '../speaker/speaker.js';
import { type ControlRequest, type ControlResponse, executeControlRequest } from './commands.js';

export type { ControlRequest, ControlResponse } from './commands.js';

export const DEFAULT_CONTROL_SOCKET = '/run/cairn-bgp.sock';

export class ControlServer {
  private server: Server | undefined;

  constructor(
    private readonly speaker: BgpSpeaker,
    readonly path: string,
    private readonly logger: Logger,
    private readonly bfd?: BfdService,
  ) {}

  async listen(): Promise<void> {
    if (existsSync(this.path)) unlinkSync(this.path); // a socket left by a killed daemon
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    this.server = server;
  }

  private serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let response: ControlResponse;
        try {
          response = { ok: true, result: executeControlRequest(this.speaker, JSON.parse(line) as ControlRequest, this.bfd) };
        } catch (error) {
          this.logger.warn({ error: (error as Error).message }, 'control request failed');
          response = { ok: false, error: (error as Error).message };
        }
        socket.write(`${JSON.stringify(response)}\n`);
      }
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}

/** The daemon refused a request, or is not reachable. */
export class ControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Sends one request to a running daemon and returns its result. */
export function controlRequest(path: string, request: ControlRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.end();
      const response = JSON.parse(buffer.slice(0, newline)) as ControlResponse;
      if (response.ok) resolve(response.result);
      else reject(new ControlError(response.error));
    });
    socket.on('error', (error) => reject(new ControlError(`cannot reach cairn-bgp at ${path}: ${error.message}. Is the daemon running?`)));
  });
}
