// The CloudStack 4.20 routed-mode topology of the reference slides, built in network namespaces:
//
//   upstream (FRR, AS 64999)  10.200.0.1/24  fc00:2024:9:7::1/64   bridge eth1
//      ├── vr1 eth2  10.200.0.101  fc00:2024:9:7::101   guest eth0 202.38.80.17/28  2a02:1810:248b:3b0a::1/64 ── vm1 .18
//      └── vr2 eth2  10.200.0.102  fc00:2024:9:7::102   guest eth0 202.38.80.33/28  2a02:1810:248b:3b0b::1/64 ── vm2 .34
import { FrrInstance, Lab, type Namespace } from '../test/harness/index.js';

export interface GuestNetwork {
  name: string;
  /** The VR's AS (CloudStack allocates one per network from the zone's AS range). */
  asn: number;
  routerId: string;
  uplinkV6: string;
  gatewayV4: string;
  cidrV4: string;
  gatewayV6: string;
  cidrV6: string;
  vmV4: string;
  vmV6: string;
}

export const UPSTREAM = { asn: 64999, v4: '10.200.0.1', v6: 'fc00:2024:9:7::1', password: 'password3' } as const;

export const GUEST_NETWORKS: GuestNetwork[] = [
  {
    name: 'vr1',
    asn: 65053,
    routerId: '10.200.0.101',
    uplinkV6: 'fc00:2024:9:7::101',
    gatewayV4: '202.38.80.17',
    cidrV4: '202.38.80.16/28',
    gatewayV6: '2a02:1810:248b:3b0a::1',
    cidrV6: '2a02:1810:248b:3b0a::/64',
    vmV4: '202.38.80.18',
    vmV6: '2a02:1810:248b:3b0a::18',
  },
  {
    name: 'vr2',
    asn: 65054,
    routerId: '10.200.0.102',
    uplinkV6: 'fc00:2024:9:7::102',
    gatewayV4: '202.38.80.33',
    cidrV4: '202.38.80.32/28',
    gatewayV6: '2a02:1810:248b:3b0b::1',
    cidrV6: '2a02:1810:248b:3b0b::/64',
    vmV4: '202.38.80.34',
    vmV6: '2a02:1810:248b:3b0b::34',
  },
];

export interface RoutedTopology {
  lab: Lab;
  upstream: Namespace;
  frr: FrrInstance;
  vrs: { network: GuestNetwork; vr: Namespace; vm: Namespace }[];
}

/** FRR on the upstream router: one IPv4 and one IPv6 session per VR, MD5, and a default route for them. */
export function upstreamFrrConfig(networks: GuestNetwork[]): string {
  const lines = [
    'frr defaults traditional',
    'hostname upstream',
    'ip nht resolve-via-default',
    `router bgp ${UPSTREAM.asn}`,
    ` bgp router-id ${UPSTREAM.v4}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
  ];
  for (const network of networks) {
    for (const address of [network.routerId, network.uplinkV6]) {
      lines.push(` neighbor ${address} remote-as ${network.asn}`, ` neighbor ${address} password ${UPSTREAM.password}`);
      lines.push(` neighbor ${address} timers 3 9`, ` neighbor ${address} advertisement-interval 0`);
    }
  }
  lines.push(' address-family ipv4 unicast', '  network 0.0.0.0/0');
  for (const network of networks) lines.push(`  no neighbor ${network.uplinkV6} activate`);
  lines.push(' exit-address-family', ' address-family ipv6 unicast', '  network ::/0');
  for (const network of networks) lines.push(`  neighbor ${network.uplinkV6} activate`);
  lines.push(' exit-address-family', '');
  return lines.join('\n');
}

export async function buildRoutedTopology(label = 'routed', networks = GUEST_NETWORKS): Promise<RoutedTopology> {
  const lab = Lab.create(label);
  try {
    const upstream = await lab.namespace('upstream');
    await upstream.sh('ip link add eth1 type bridge && ip link set eth1 up');
    const vrs: RoutedTopology['vrs'] = [];
    for (const [index, network] of networks.entries()) {
      const vr = await lab.namespace(network.name);
      const vm = await lab.namespace(`vm${index + 1}`, { forwarding: false });
      await lab.link(upstream, `port${index + 1}`, vr, 'eth2', {
        b: [`${network.routerId}/24`, `${network.uplinkV6}/64`],
      });
      await upstream.sh(`ip link set port${index + 1} master eth1`);
      const v4Length = network.cidrV4.split('/')[1];
      await lab.link(vr, 'eth0', vm, 'eth0', {
        a: [`${network.gatewayV4}/${v4Length}`, `${network.gatewayV6}/64`],
        b: [`${network.vmV4}/${v4Length}`, `${network.vmV6}/64`],
      });
      await vm.sh(`ip route add default via ${network.gatewayV4} && ip -6 route add default via ${network.gatewayV6}`);
      vrs.push({ network, vr, vm });
    }
    await upstream.sh(`ip addr add ${UPSTREAM.v4}/24 dev eth1 && ip addr add ${UPSTREAM.v6}/64 dev eth1 nodad`);
    const frr = await FrrInstance.start(upstream, { config: upstreamFrrConfig(networks), daemons: ['zebra', 'bgpd'] });
    return { lab, upstream, frr, vrs };
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}
