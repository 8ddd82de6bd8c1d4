// A hand-driven BGP peer for tests: sends whatever bytes the test wants on a real socket and
// decodes everything the speaker sends back.
import type { Socket } from 'node:net';
import { MessageFramer, decodeMessage, encodeMessage } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT, type BgpMessage, type CodecContext } from '../../src/wire/types.js';

export const FOUR_OCTET_CTX: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };

export class ScriptedPeer {
  readonly received: BgpMessage[] = [];
  private readonly framer = new MessageFramer(() => this.ctx);
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly ctx: CodecContext = FOUR_OCTET_CTX,
  ) {
    socket.on('data', (chunk) => {
      for (const bytes of this.framer.push(chunk)) this.received.push(decodeMessage(bytes, this.ctx));
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  sendMessage(message: BgpMessage): void {
    this.send(encodeMessage(message, message.type === 1 ? DEFAULT_CODEC_CONTEXT : this.ctx));
  }

  /** An OPEN with 4-octet AS and IPv4 unicast. */
  sendOpen(asn: number, routerId: string, holdTime = 90): void {
    this.sendMessage({
      type: 1,
      version: 4,
      asn,
      holdTime,
      routerId,
      capabilities: [
        { code: 1, afi: 1, safi: 1 },
        { code: 65, asn },
      ],
    });
  }

  has(type: BgpMessage['type']): boolean {
    return this.received.some((m) => m.type === type);
  }

  notification(): Extract<BgpMessage, { type: 3 }> | undefined {
    return this.received.find((m): m is Extract<BgpMessage, { type: 3 }> => m.type === 3);
  }
}
