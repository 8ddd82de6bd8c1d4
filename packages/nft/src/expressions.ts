// Matches and statements → libnftables JSON expressions (libnftables-json(5), schema 1).
import type { IpVersion, Match, PortSpec, Statement } from './model.js';
import { collapsePrefixes, formatPrefix, parsePrefix } from './prefix.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An address or prefix as nft JSON: a bare address for a host route, else a prefix object. */
export function addressValue(text: string, version?: IpVersion): JsonValue {
  const prefix = parsePrefix(text, version);
  const width = prefix.version === 4 ? 32 : 128;
  const addr = formatPrefix(prefix).split('/')[0] ?? '';
  return prefix.length === width ? addr : { prefix: { addr, len: prefix.length } };
}

function oneOrSet(values: JsonValue[]): JsonValue {
  return values.length === 1 ? (values[0] as JsonValue) : { set: values };
}

function portValue(port: PortSpec): JsonValue {
  return typeof port === 'number' ? port : { range: [port[0], port[1]] };
}

function match(left: JsonValue, right: JsonValue, op: '==' | '!=' | 'in' = '=='): JsonObject {
  return { match: { op, left, right } };
}

function ipPayload(version: IpVersion, direction: 'source' | 'destination'): JsonValue {
  return { payload: { protocol: version === 4 ? 'ip' : 'ip6', field: direction === 'source' ? 'saddr' : 'daddr' } };
}

export function compileMatch(m: Match): JsonObject[] {
  switch (m.kind) {
    case 'address': {
      const op = m.negate ? '!=' : '==';
      // Nested prefixes are merged: nft 1.0.6 rejects overlapping intervals in an anonymous set too.
      const prefixes = collapsePrefixes((m.prefixes ?? []).map((p) => parsePrefix(p, m.version))).map(formatPrefix);
      const right = m.list !== undefined ? `@${m.list}` : oneOrSet(prefixes.map((p) => addressValue(p, m.version)));
      return [match(ipPayload(m.version, m.direction), right, op)];
    }
    case 'interface':
      return [
        match(
          { meta: { key: m.direction === 'in' ? 'iifname' : 'oifname' } },
          oneOrSet([...m.names]),
          m.negate ? '!=' : '==',
        ),
      ];
    case 'protocol':
      return [match({ meta: { key: 'l4proto' } }, m.protocol)];
    case 'port':
      return [
        match(
          { payload: { protocol: m.protocol, field: m.direction === 'source' ? 'sport' : 'dport' } },
          oneOrSet(m.ports.map(portValue)),
          m.negate ? '!=' : '==',
        ),
      ];
    case 'icmp': {
      const protocol = m.version === 4 ? 'icmp' : 'icmpv6';
      const out: JsonObject[] = [];
      if (m.types && m.types.length > 0)
        out.push(match({ payload: { protocol, field: 'type' } }, oneOrSet([...m.types])));
      else out.push(match({ meta: { key: 'l4proto' } }, m.version === 4 ? 'icmp' : 'ipv6-icmp'));
      if (m.code !== undefined) out.push(match({ payload: { protocol, field: 'code' } }, m.code));
      return out;
    }
    case 'ct-state':
      return [match({ ct: { key: 'state' } }, [...m.states], 'in')];
    case 'length':
      return [match({ meta: { key: 'length' } }, { range: [m.min, m.max] })];
  }
}

function verdictValue(verdict: 'accept' | 'drop' | { jump: string } | { goto: string }): JsonValue {
  if (verdict === 'accept' || verdict === 'drop') return { [verdict]: null };
  if ('jump' in verdict) return { jump: { target: verdict.jump } };
  return { goto: { target: verdict.goto } };
}

export function compileStatement(s: Statement): JsonObject {
  switch (s.kind) {
    case 'accept':
    case 'drop':
    case 'return':
      return { [s.kind]: null };
    case 'reject': {
      if (s.with === 'tcp-reset') return { reject: { type: 'tcp reset' } };
      const [type, code] = Object.entries(s.with)[0] as [string, string];
      return { reject: { type, expr: code } };
    }
    case 'jump':
    case 'goto':
      return { [s.kind]: { target: s.chain } };
    case 'counter':
      return { counter: { packets: 0, bytes: 0 } };
    case 'log': {
      const log: JsonObject = { prefix: s.prefix };
      if (s.group !== undefined) log.group = s.group;
      if (s.level !== undefined) log.level = s.level;
      return { log };
    }
    case 'limit':
      return { limit: { rate: s.rate, per: s.per, ...(s.burst !== undefined ? { burst: s.burst } : {}) } };
    case 'dispatch':
      return {
        vmap: {
          key: ipPayload(s.version, s.direction),
          data: { set: s.entries.map((e) => [addressValue(e.prefix, s.version), verdictValue(e.verdict)]) },
        },
      };
  }
}
