import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listNamespaces } from '@cairn/harness';

// The README's main command on defaults (`npm run lab`), in its --once form: the CloudStack routed-mode
// lab must reproduce the routing tables of the reference slides and route VM to VM, then clean up.
describe('npm run lab (CloudStack routed mode with FRR upstream and two Cairn VRs)', () => {
  it('reproduces the slides routing tables and routes VM to VM over IPv4 and IPv6', async () => {
    const before = listNamespaces();
    const root = new URL('../..', import.meta.url).pathname;
    const lab = await execa('npm', ['run', '--silent', 'lab', '--', '--once'], {
      cwd: root,
      reject: false,
      timeout: 150_000,
    });
    const out = lab.stdout;
    expect(lab.exitCode, `${out}\n${lab.stderr}`).toBe(0);
    // The upstream's table, as on the slide "Routing tables in VMs and routers".
    expect(out).toMatch(/202\.38\.80\.16\/28 nhid \d+ via 10\.200\.0\.101 dev eth1 proto bgp metric 20/);
    expect(out).toMatch(/202\.38\.80\.32\/28 nhid \d+ via 10\.200\.0\.102 dev eth1 proto bgp metric 20/);
    // VR1 and VR2 learned each other's guest network and the default route through the upstream.
    expect(out).toContain('202.38.80.32/28 via 10.200.0.102 dev eth2 proto bgp metric 20');
    expect(out).toContain('202.38.80.16/28 via 10.200.0.101 dev eth2 proto bgp metric 20');
    expect(out).toContain('default via 10.200.0.1 dev eth2 proto bgp metric 20');
    expect(out).toContain('2a02:1810:248b:3b0b::/64 via fc00:2024:9:7::102 dev eth2');
    expect(out).toContain('vm1 (202.38.80.18) → 202.38.80.34: reachable');
    expect(out).toContain('vm1 (202.38.80.18) → 2a02:1810:248b:3b0b::34: reachable');
    expect(listNamespaces().filter((name) => !before.includes(name) && name.includes('-lab-'))).toEqual([]);
  });
});
