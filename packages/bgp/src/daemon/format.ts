// Human-readable output of `cairn-bgp show ...`, laid out like FRR's `show bgp summary`.
import type { RouteView } from '../speaker/speaker.js';
import type { Summary } from '../speaker/summary.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatSummary(summary: Summary): string {
  const out: string[] = [];
  for (const [name, family] of [
    ['IPv4 Unicast', summary.ipv4Unicast],
    ['IPv6 Unicast', summary.ipv6Unicast],
  ] as const) {
    if (!family) continue;
    out.push(`${name} Summary:`);
    out.push(`BGP router identifier ${family.routerId}, local AS number ${family.as}`);
    out.push(`RIB entries ${family.ribCount}, peers ${family.peerCount}`);
    out.push('');
    const rows = [['Neighbor', 'V', 'AS', 'MsgRcvd', 'MsgSent', 'Up/Down', 'State/PfxRcd', 'PfxSnt', 'Desc']];
    for (const [address, p] of Object.entries(family.peers)) {
      const state = p.state === 'Established' ? String(p.pfxRcd) : p.peerState === 'Policy' ? '(Policy)' : p.state;
      rows.push([
        address,
        '4',
        String(p.remoteAs),
        String(p.msgRcvd),
        String(p.msgSent),
        p.peerUptime,
        state,
        String(p.pfxSnt),
        p.desc ?? 'N/A',
      ]);
    }
    out.push(table(rows));
    out.push('');
    out.push(`Total number of neighbors ${family.peerCount}`);
    out.push('');
  }
  return out.join('\n');
}

/** The attributes beyond the table's columns, one indented line each (every attribute Cairn keeps). */
function routeDetails(r: RouteView): string[] {
  const lines: string[] = [];
  if (r.communities) lines.push(`Community: ${r.communities.join(' ')}`);
  if (r.largeCommunities) lines.push(`Large Community: ${r.largeCommunities.join(' ')}`);
  if (r.extendedCommunities) lines.push(`Extended Community: ${r.extendedCommunities.join(' ')}`);
  if (r.aggregator || r.atomicAggregate) {
    const by = r.aggregator ? `Aggregated by ${r.aggregator.asn} ${r.aggregator.address}` : '';
    lines.push([by, r.atomicAggregate ? 'atomic-aggregate' : ''].filter(Boolean).join(', '));
  }
  if (r.originatorId) lines.push(`Originator: ${r.originatorId}`);
  if (r.clusterList) lines.push(`Cluster list: ${r.clusterList.join(' ')}`);
  if (r.stale) lines.push('Stale (graceful restart, RFC 4724)');
  if (r.notBestReason) lines.push(`Not best: ${r.notBestReason}`);
  return lines.map((line) => `      ${line}`);
}

const ORIGIN_CODE = { igp: 'i', egp: 'e', incomplete: '?' } as const;

/** Like FRR's `show bgp ipv4 unicast`: status S (stale), * (valid), > (best); details under each route. */
export function formatRoutes(routes: RouteView[]): string {
  const rows = [['', 'Network', 'Next Hop', 'Metric', 'LocPrf', 'From', 'Path']];
  for (const r of routes) {
    rows.push([
      `${r.stale ? 'S' : ' '}*${r.best ? '>' : ' '}`,
      r.prefix,
      r.nextHop ?? '0.0.0.0',
      r.med === undefined ? '' : String(r.med),
      String(r.localPref),
      r.from,
      [r.asPathText, ORIGIN_CODE[r.origin]].filter(Boolean).join(' '),
    ]);
  }
  const lines = table(rows).split('\n');
  const out = [lines[0]!];
  routes.forEach((r, i) => out.push(lines[i + 1]!, ...routeDetails(r)));
  return `${out.join('\n')}\n\nDisplayed ${routes.length} routes\n`;
}
