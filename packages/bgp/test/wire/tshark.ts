// tshark as an oracle and as a capture reader: follow TCP streams of a pcap, and dissect pcaps that
// wrap Cairn's own encoder output (Ethernet/IPv4/TCP port 179 framing written here byte by byte).
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';

export async function requireTshark(): Promise<void> {
  const result = await execa('tshark', ['--version'], { reject: false });
  if (result.exitCode !== 0)
    throw new Error('tshark is required for this test: apt-get install tshark (see scripts/install-system-deps.sh)');
}

/** One direction of one TCP connection, reassembled by tshark. */
export interface TcpStream {
  from: string;
  to: string;
  bytes: Uint8Array;
}

/** Every TCP stream in `pcap`, split by direction (`tshark -z follow,tcp,raw`). */
export async function followTcpStreams(pcap: string): Promise<TcpStream[]> {
  const count = await execa('tshark', ['-r', pcap, '-T', 'fields', '-e', 'tcp.stream']);
  const ids = [...new Set(count.stdout.split('\n').filter(Boolean).map(Number))].sort((a, b) => a - b);
  const out: TcpStream[] = [];
  for (const id of ids) {
    const { stdout } = await execa('tshark', ['-r', pcap, '-q', '-z', `follow,tcp,raw,${id}`]);
    const node0 = /Node 0: (\S+)/.exec(stdout)?.[1] ?? '?';
    const node1 = /Node 1: (\S+)/.exec(stdout)?.[1] ?? '?';
    const parts: [string[], string[]] = [[], []];
    for (const line of stdout.split('\n')) {
      if (/^\t?[0-9a-f]+$/.test(line)) parts[line.startsWith('\t') ? 1 : 0].push(line.trim());
    }
    out.push({ from: node0, to: node1, bytes: Buffer.from(parts[0].join(''), 'hex') });
    out.push({ from: node1, to: node0, bytes: Buffer.from(parts[1].join(''), 'hex') });
  }
  return out;
}

/**
 * Writes a pcap (LINKTYPE_ETHERNET) with one TCP segment per payload, all in one connection
 * 192.0.2.1:179 → 192.0.2.2:50000 with consecutive sequence numbers, so tshark dissects them as BGP.
 */
export function writeBgpPcap(path: string, payloads: Uint8Array[]): void {
  const records: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(262144, 16);
  global.writeUInt32LE(1, 20); // Ethernet
  records.push(global);
  let seq = 1000;
  payloads.forEach((payload, i) => {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(179, 0);
    tcp.writeUInt16BE(50000, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp.writeUInt32BE(1, 8);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18; // PSH, ACK
    tcp.writeUInt16BE(65535, 14);
    seq = (seq + payload.length) >>> 0;
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip.writeUInt16BE(i & 0xffff, 4);
    ip[8] = 64;
    ip[9] = 6;
    Buffer.from([192, 0, 2, 1]).copy(ip, 12);
    Buffer.from([192, 0, 2, 2]).copy(ip, 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const ether = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    const frame = Buffer.concat([ether, ip, tcp, Buffer.from(payload)]);
    const header = Buffer.alloc(16);
    header.writeUInt32LE(1_700_000_000 + i, 0);
    header.writeUInt32LE(frame.length, 8);
    header.writeUInt32LE(frame.length, 12);
    records.push(header, frame);
  });
  writeFileSync(path, Buffer.concat(records));
}
