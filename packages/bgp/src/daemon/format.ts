// Human-readable output of `cairn-bgp show ...`, laid out like FRR's `show bgp summary`.
import type { RouteView } from '../speaker/speaker.js';
import type { Summary } from '../speaker/summary.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function formatSummary(summary: Summary): string {
  const out: string[] = [];
  for (const [name, family] of [['IPv4 Unicast', summary.ipv4Unicast], ['IPv6 Unicast', summary.ipv6Unicast]] as const) {
    if (!family) continue;
    out.push(`${name} Summary:`);
    out.push(`BGP router identifier ${family.routerId}, local AS number ${family.as}`);
    out.push(`RIB entries ${family.ribCount}, peers ${family.peerCount}`);
    out.push('');
    const rows = [['Neighbor', 'V', 'AS', 'MsgRcvd', 'MsgSent', 'Up/Down', 'State/PfxRcd', 'PfxSnt', 'Desc']];
    for (const [address, p] of Object.entries(family.peers)) {
      const state = p.state === 'Established' ? String(p.pfxRcd) : p.peerState === 'Policy' ? '(Policy)' : p.state;
      rows.push([address, '4', String(p.remoteAs), String(p.msgRcvd), String(p.msgSent), p.peerUptime, state, String(p.pfxSnt), p.desc ?? 'N/A']);
    }
    out.push(table(rows));
    out.push('');
    out.push(`Total number of neighbors ${family.peerCount}`);
    out.push('');
  }
  return out.join('\n');
}

export function formatRoutes(routes: RouteView[]): string {
  const rows = [['', 'Network', 'Next Hop', 'Metric', 'LocPrf', 'From', 'Path']];
  for (const r of routes) {
    rows.push([
      r.best ? '*>' : '* ',
      r.prefix,
      r.nextHop ?? '0.0.0.0',
      r.med === undefined ? '' : String(r.med),
      String(r.localPref),
      r.from,
      [...r.asPath.map(String), r.origin === 'igp' ? 'i' : r.origin === 'egp' ? 'e' : '?'].join(' '),
    ]);
  }
  return `${table(rows)}\n\nDisplayed ${routes.length} routes\n`;
}
