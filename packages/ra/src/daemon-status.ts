// What `cairn-ra status` shows: each configured interface, whether it advertises (RFC 4861 §6.2.2:
// link up with a link-local address), its prefixes and its counters.
import type { InterfaceCounters, RaAdvertiser } from './advertiser.js';

export interface InterfaceStatus {
  name: string;
  advertising: boolean;
  prefixes: string[];
  counters: InterfaceCounters;
}

export function interfaceStatus(advertiser: RaAdvertiser): InterfaceStatus[] {
  return Object.entries(advertiser.counters()).map(([name, counters]) => {
    const state = advertiser.interfaceState(name);
    return {
      name,
      advertising: state?.advertising ?? false,
      prefixes: (state?.config.prefixes ?? []).map((p) => p.prefix),
      counters,
    };
  });
}

export function formatInterfaceStatus(interfaces: InterfaceStatus[]): string {
  const lines = interfaces.map((i) => {
    const sent = i.counters.sent;
    const prefixes = i.prefixes.length ? i.prefixes.join(' ') : '(no prefixes)';
    return `${i.name}  ${i.advertising ? 'advertising' : 'not advertising'}  ${prefixes}  sent ${sent.unsolicited}+${sent.solicited} solicited, ${i.counters.solicitationsReceived} RS received`;
  });
  return `${lines.join('\n')}\n`;
}
