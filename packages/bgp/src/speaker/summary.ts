// The state snapshot, shaped like FRR's `show bgp summary json` (FRR 8.4), so that tools and people
// who read FRR's output can read Cairn's.

export interface SummaryPeer {
  remoteAs: number;
  localAs: number;
  version: 4;
  msgRcvd: number;
  msgSent: number;
  tableVersion: number;
  outq: number;
  inq: number;
  /** "HH:MM:SS" (or "XdYYhZZm" past a day), "never" before the first session. */
  peerUptime: string;
  peerUptimeMsec: number;
  peerUptimeEstablishedEpoch?: number;
  pfxRcd: number;
  pfxSnt: number;
  /** Cairn addition: routes export policy lets through that cannot be encoded for this session (not sent, withdrawn). */
  unsendableRoutes?: number;
  /** "Established", "Active", "Connect", "OpenSent", "OpenConfirm", "Idle", "Idle (Admin)". */
  state: string;
  /** "OK", "Admin" (shut down), or "Policy" (RFC 8212: no policy, nothing exchanged). */
  peerState: 'OK' | 'Admin' | 'Policy';
  connectionsEstablished: number;
  connectionsDropped: number;
  desc?: string;
  idType: 'ipv4' | 'ipv6';
  /** Cairn additions: the negotiated hold time (s) while a session is up, why the session is down, RFC 8212 reasons, the last NOTIFICATION received. */
  negotiatedHoldTime?: number;
  lastError?: string;
  policyBlocks?: { import?: string; export?: string };
  lastNotificationReceived?: { code: number; subcode: number; message?: string };
}

export interface SummaryFamily {
  routerId: string;
  as: number;
  vrfId: 0;
  vrfName: 'default';
  tableVersion: number;
  ribCount: number;
  peerCount: number;
  peers: Record<string, SummaryPeer>;
  failedPeers: number;
  displayedPeers: number;
  totalPeers: number;
  dynamicPeers: 0;
}

export interface Summary {
  ipv4Unicast?: SummaryFamily;
  ipv6Unicast?: SummaryFamily;
}

/** FRR's peer uptime format (bgp_uptime: "%02d:%02d:%02d" under a day, "%dd%02dh%02dm" under a week, else "%02dw%dd%02dh"). */
export function formatUptime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days === 0) return `${two(hours)}:${two(minutes)}:${two(seconds)}`;
  if (days < 7) return `${days}d${two(hours)}h${two(minutes)}m`;
  return `${two(Math.floor(days / 7))}w${days % 7}d${two(hours)}h`;
}
