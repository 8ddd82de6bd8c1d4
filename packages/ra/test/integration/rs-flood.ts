// A Router Solicitation flood for tests and measurements: `node --import tsx rs-flood.ts IFNAME RATE SECONDS
// [SOURCES]` sends RATE solicitations a second for SECONDS from SOURCES (default 4096) random sources, half
// link-local, half global, each with its own MAC in a Source Link-Layer Address option (RFC 4861 §4.1), as
// whole Ethernet frames on an AF_PACKET socket (the kernel would not let a raw IPv6 socket spoof sources).
// Prints {"sent": N} when done.
import { randomBytes } from 'node:crypto';
import { loadLibc } from '@cairn/sys';
import { encodeMessage, icmpv6Checksum, ipv6ToBytes } from '../../src/wire/index.js';

const AF_PACKET = 17;
const SOCK_RAW = 3;
const ETH_P_IPV6 = 0x86dd;
const ALL_ROUTERS = 'ff02::2';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0'));

function randomSource(index: number): { address: string; mac: Uint8Array } {
  const mac = randomBytes(6);
  mac[0] = (mac[0]! & 0xfc) | 0x02; // unicast, locally administered
  const iid = hex(randomBytes(8));
  const groups = [0, 2, 4, 6].map((i) => `${iid[i]}${iid[i + 1]}`);
  const address = `${index % 2 === 0 ? 'fe80:0:0:0' : '2001:db8:f100:0'}:${groups.join(':')}`;
  return { address, mac };
}

/** One solicitation as an Ethernet frame: 14 octets of Ethernet, 40 of IPv6 (hop limit 255), then ICMPv6. */
function frame(source: { address: string; mac: Uint8Array }): Buffer {
  const options = [{ kind: 'source-link-layer-address' as const, address: hex(source.mac).join(':') }];
  const icmp = encodeMessage({ type: 'router-solicitation', code: 0, options });
  new DataView(icmp.buffer, icmp.byteOffset).setUint16(2, icmpv6Checksum(source.address, ALL_ROUTERS, icmp));
  const out = Buffer.alloc(14 + 40 + icmp.length);
  Buffer.from([0x33, 0x33, 0, 0, 0, 2]).copy(out, 0);
  Buffer.from(source.mac).copy(out, 6);
  out.writeUInt16BE(ETH_P_IPV6, 12);
  out.writeUInt32BE(0x60000000, 14);
  out.writeUInt16BE(icmp.length, 18);
  out[20] = 58; // next header: ICMPv6
  out[21] = 255; // RFC 4861 §6.1.1
  out.set(ipv6ToBytes(source.address), 22);
  out.set(ipv6ToBytes(ALL_ROUTERS), 38);
  out.set(icmp, 54);
  return out;
}

async function main(): Promise<void> {
  const [ifname, rateText, secondsText, sourcesText] = process.argv.slice(2);
  if (!ifname || !rateText || !secondsText) throw new Error('usage: rs-flood.ts IFNAME RATE SECONDS [SOURCES]');
  const rate = Number(rateText);
  const seconds = Number(secondsText);
  const frames = Array.from({ length: Number(sourcesText ?? 4096) }, (_, i) => frame(randomSource(i)));
  const libc = loadLibc();
  const fd = libc.socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) throw new Error('socket(AF_PACKET) failed: needs root');
  const ifindex = libc.if_nametoindex(ifname);
  if (ifindex === 0) throw new Error(`no interface ${ifname}`);
  // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].
  const link = Buffer.alloc(20);
  link.writeUInt16LE(AF_PACKET, 0);
  link.writeUInt16BE(ETH_P_IPV6, 2);
  link.writeInt32LE(ifindex, 4);
  link[11] = 6;
  Buffer.from([0x33, 0x33, 0, 0, 0, 2]).copy(link, 12);
  const start = performance.now();
  let sent = 0;
  // Paced in 10 ms slices: by the end of each slice, as many frames as the rate allows so far.
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      const bytes = frames[sent % frames.length]!;
      libc.sendto(fd, bytes, bytes.length, 0, link, 20);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  libc.close(fd);
  console.log(JSON.stringify({ sent }));
}

main().catch((error: Error) => {
  console.error(`rs-flood: ${error.message}`);
  process.exitCode = 1;
});
