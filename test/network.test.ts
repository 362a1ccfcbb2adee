// Nothing leaves the machine: while the cluster runs, the Service and pod CIDRs are routed to the
// node's bridge (never to the default route), and the cluster's resolv.conf names only loopback.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const route = (...args: string[]) => execFileSync('ip', ['route', ...args], { encoding: 'utf8' });

describe('network safety of the real node', () => {
  it('routes the Service CIDR 10.96.0.0/16 and pod CIDR 10.244.0.0/16 to cni0', () => {
    expect(route('show', '10.96.0.0/16')).toMatch(/^10\.96\.0\.0\/16 dev cni0\b/m);
    expect(route('show', '10.244.0.0/16')).toMatch(/^10\.244\.0\.0\/16 dev cni0\b/m);
    // What the kernel would actually pick for a Service address and a pod address.
    expect(route('get', '10.96.123.45')).toMatch(/ dev cni0 /);
    expect(route('get', '10.244.7.8')).toMatch(/ dev cni0 /);
  });

  it('gives the cluster a resolv.conf with only 127.0.0.1', () => {
    const kubelet = readFileSync('/var/lib/kubelet/config.yaml', 'utf8');
    const path = /^resolvConf: (.+)$/m.exec(kubelet)?.[1]?.trim() ?? '';
    const servers = readFileSync(path, 'utf8').match(/^nameserver .*/gm);
    expect(servers).toEqual(['nameserver 127.0.0.1']);
  });

  it("refuses to forward pod traffic anywhere but the nodes' bridges (cni0, and cni1… of the nodes beyond the first)", () => {
    const rules = execFileSync('iptables', ['-S', 'HELLO-NO-EGRESS'], { encoding: 'utf8' });
    expect(rules).toMatch(/-A HELLO-NO-EGRESS -i cni\+ ! -o cni\+ -j REJECT/);
    // Every forwarded packet passes it (kube-proxy's chains before it accept only its own marked and
    // established traffic, to the pods).
    expect(execFileSync('iptables', ['-S', 'FORWARD'], { encoding: 'utf8' })).toMatch(
      /^-A FORWARD -j HELLO-NO-EGRESS$/m,
    );
  });
});
