// `show bfd peers` as text, laid out like FRR's vtysh output, from snapshot rows.
import type { BfdPeerSnapshot } from './snapshot.js';

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [d && `${d} day(s)`, h && `${h} hour(s)`, m && `${m} minute(s)`, `${s} second(s)`].filter(Boolean);
  return parts.join(', ');
}

export function formatBfdPeers(rows: BfdPeerSnapshot[]): string {
  const out = ['BFD Peers:'];
  for (const row of rows) {
    const head = [`peer ${row.peer}`];
    if (row.multihop) head.push('multihop');
    if (row.local) head.push(`local-address ${row.local}`);
    head.push(`vrf ${row.vrf}`);
    if (row.interface) head.push(`interface ${row.interface}`);
    out.push(`\t${head.join(' ')}`);
    out.push(`\t\tID: ${row.id}`);
    out.push(`\t\tRemote ID: ${row['remote-id']}`);
    out.push(`\t\t${row['passive-mode'] ? 'Passive' : 'Active'} mode`);
    out.push(`\t\tStatus: ${row.status}`);
    if (row.uptime !== undefined) out.push(`\t\tUptime: ${duration(row.uptime)}`);
    if (row.downtime !== undefined) out.push(`\t\tDowntime: ${duration(row.downtime)}`);
    out.push(`\t\tDiagnostics: ${row.diagnostic}`);
    out.push(`\t\tRemote diagnostics: ${row['remote-diagnostic']}`);
    out.push('\t\tLocal timers:');
    out.push(`\t\t\tDetect-multiplier: ${row['detect-multiplier']}`);
    out.push(`\t\t\tReceive interval: ${row['receive-interval']}ms`);
    out.push(`\t\t\tTransmission interval: ${row['transmit-interval']}ms`);
    out.push('\t\tRemote timers:');
    out.push(`\t\t\tDetect-multiplier: ${row['remote-detect-multiplier']}`);
    out.push(`\t\t\tReceive interval: ${row['remote-receive-interval']}ms`);
    out.push(`\t\t\tTransmission interval: ${row['remote-transmit-interval']}ms`);
    out.push(
      `\t\tNegotiated: transmit every ${row['negotiated-transmit-interval']}ms, detection time ${row['detection-time']}ms`,
    );
    out.push(
      `\t\tCounters: control packets in ${row['control-packet-input']}, out ${row['control-packet-output']}, discarded ${row['control-packet-discarded']}; up ${row['session-up']}, down ${row['session-down']}`,
    );
    out.push('');
  }
  return out.join('\n');
}
