// Feeder for the many-peers benchmark: N BGP sessions from N source addresses to one hub, each
// announcing its own block of /24s once Established, then keeping the session alive.
//   node --import tsx feeder.ts HUB FIRST_SOURCE PEERS PREFIXES_PER_PEER HUB_AS
// Prints "established <n>" as sessions come up and "sent <n>" when every UPDATE is written.
import { type Socket, connect } from 'node:net';
import { MessageFramer, buildUpdates, decodeMessage, encodeMessage } from '../../src/wire/index.js';
import { DEFAULT_CODEC_CONTEXT, type CodecContext, type Prefix } from '../../src/wire/types.js';

const [hub, firstSource, peersText, perPeerText] = process.argv.slice(2);
const peers = Number(peersText);
const perPeer = Number(perPeerText);
const ctx: CodecContext = { ...DEFAULT_CODEC_CONTEXT, fourOctetAs: true };

function source(i: number): string {
  const parts = firstSource!.split('.').map(Number);
  const value = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! + i;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Peer i announces /24s number i*perPeer ... i*perPeer+perPeer-1 counted up from 20.0.0.0. */
function updatesFor(i: number): Buffer {
  const nlri: Prefix[] = [];
  for (let j = 0; j < perPeer; j++) {
    const k = i * perPeer + j;
    const base = (20 << 24) + k * 256;
    nlri.push({
      afi: 1,
      length: 24,
      address: Uint8Array.of((base >>> 24) & 255, (base >>> 16) & 255, (base >>> 8) & 255, 0),
    });
  }
  const asn = 65000 + i;
  return Buffer.concat(
    buildUpdates(
      { attributes: { origin: 0, asPath: [{ type: 'sequence', asns: [asn] }], nextHop: source(i) }, nlri },
      ctx,
    ),
  );
}

let established = 0;
let sent = 0;
const sockets: Socket[] = [];

function session(i: number): void {
  const socket = connect({ host: hub!, port: 179, localAddress: source(i) });
  sockets.push(socket);
  const framer = new MessageFramer(() => ctx);
  let up = false;
  socket.on('connect', () => {
    socket.write(
      encodeMessage(
        {
          type: 1,
          version: 4,
          asn: 65000 + i,
          holdTime: 90,
          routerId: source(i),
          capabilities: [
            { code: 1, afi: 1, safi: 1 },
            { code: 65, asn: 65000 + i },
          ],
        },
        DEFAULT_CODEC_CONTEXT,
      ),
    );
  });
  socket.on('data', (chunk) => {
    for (const bytes of framer.push(chunk)) {
      const message = decodeMessage(bytes, ctx);
      if (message.type === 1) socket.write(encodeMessage({ type: 4 }, ctx));
      if (message.type === 4 && !up) {
        up = true;
        console.log(`established ${++established}`);
        socket.write(updatesFor(i), () => {
          if (++sent === peers) console.log(`sent ${sent}`);
        });
      }
      if (message.type === 3) {
        console.log(`notification ${i} ${message.code}/${message.subcode}`);
      }
    }
  });
  socket.on('error', (error) => console.log(`error ${i} ${error.message}`));
  socket.on('close', () => {
    if (!up) setTimeout(() => session(i), 1000); // the hub was not ready: try again
  });
}

for (let i = 0; i < peers; i++) session(i);
setInterval(() => {
  for (const socket of sockets) if (!socket.destroyed) socket.write(encodeMessage({ type: 4 }, ctx));
}, 20_000);
