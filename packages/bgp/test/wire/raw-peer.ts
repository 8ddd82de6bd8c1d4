// A raw BGP peer for tests and benchmarks: a TCP connection driven by the Cairn codec alone (no FSM):
// it sends OPEN, answers the peer's OPEN with KEEPALIVE and reports every decoded message.
import { connect, type Socket } from 'node:net';
import type { Namespace } from '../../../../test/harness/index.js';
import { MessageFramer, decodeMessage, encodeMessage, negotiatedContext } from '../../src/wire/index.js';
import type { BgpMessage, CodecContext, OpenMessage } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT } from '../../src/wire/index.js';

export interface RawPeer {
  socket: Socket;
  /** The peer's OPEN. */
  remoteOpen: OpenMessage;
  /** Context for what we send (sender = us). */
  sendContext: CodecContext;
  /** Every message received after the OPEN, in order. */
  received: BgpMessage[];
  send(bytes: Uint8Array | Uint8Array[]): void;
  close(): void;
}

/** Connects from `local` (inside `ns`) to `remote`:179, exchanges OPENs and waits for the first KEEPALIVE. */
export async function rawPeer(
  ns: Namespace,
  local: string,
  remote: string,
  open: OpenMessage,
  onMessage?: (m: BgpMessage) => void,
): Promise<RawPeer> {
  const socket = await ns.enter(
    () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: remote, port: 179, localAddress: local });
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }),
  );
  let receiveContext: CodecContext = DEFAULT_CODEC_CONTEXT;
  const framer = new MessageFramer(() => ({ ...receiveContext, extendedMessage: true }));
  const received: BgpMessage[] = [];
  let remoteOpen: OpenMessage | undefined;
  const established = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const bytes of framer.push(chunk)) {
        const m = decodeMessage(bytes, receiveContext);
        if (m.type === 1 && !remoteOpen) {
          remoteOpen = m;
          receiveContext = negotiatedContext(m, open);
          socket.write(encodeMessage({ type: 4 }, DEFAULT_CODEC_CONTEXT));
          continue;
        }
        received.push(m);
        onMessage?.(m);
        if (m.type === 4) resolve();
        if (m.type === 3) reject(new Error(`peer sent NOTIFICATION ${m.code}/${m.subcode}`));
      }
    });
  });
  socket.write(encodeMessage(open, DEFAULT_CODEC_CONTEXT));
  await established;
  const sendContext = negotiatedContext(open, remoteOpen!);
  return {
    socket,
    remoteOpen: remoteOpen!,
    sendContext,
    received,
    send(bytes) {
      for (const b of Array.isArray(bytes) ? bytes : [bytes]) socket.write(b);
    },
    close() {
      socket.destroy();
    },
  };
}
