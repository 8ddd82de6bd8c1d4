// The Cairn receiver process: a BgpSpeaker in the receiver namespace with one eBGP peer (the
// feeder, which connects to it), printing the Loc-RIB size as a JSON line whenever it changed,
// checked every 25 ms; the first line says the speaker listens.
//   node --import tsx cairn-node.ts <local-address> <feeder-address> <local-as> <feeder-as>
import { ACCEPT_ALL, BgpSpeaker, TcpTransport } from '../../src/index.js';

const [local = '', feeder = '', localAs = '65002', feederAs = '65001'] = process.argv.slice(2);
const speaker = new BgpSpeaker({
  localAs: Number(localAs),
  routerId: local,
  transport: new TcpTransport({ listenAddresses: [local] }),
});
speaker.addPeer({
  address: feeder,
  remoteAs: Number(feederAs),
  localAddress: local,
  families: ['ipv4'],
  passive: true,
  importPolicy: ACCEPT_ALL,
  exportPolicy: ACCEPT_ALL,
});
await speaker.start();
let last = -1;
setInterval(() => {
  const count = speaker.rib.locRibSize(1);
  if (count !== last) {
    last = count;
    process.stdout.write(`${JSON.stringify({ count })}\n`);
  }
}, 25);
process.on('SIGTERM', () => {
  void speaker.stop().finally(() => process.exit(0));
});
