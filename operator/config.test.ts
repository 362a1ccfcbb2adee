import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  DEFAULT_WORKLOAD_IMAGE,
  formatBindAddress,
  HelpRequested,
  loadConfig,
  loadKubeConfig,
  parseBindAddress,
  parseDuration,
  SETTINGS,
} from './config.ts';

const noFile = () => undefined;
const load = (argv: string[] = [], env: Record<string, string> = {}) =>
  loadConfig({ argv, env, readFile: noFile });

const kubeconfigText = (server: string) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has kubebuilder-like defaults', () => {
    const c = load();
    expect(c).toEqual({
      kubeconfig: undefined,
      namespaces: [],
      maxConcurrentReconciles: 32,
      workloadImage: DEFAULT_WORKLOAD_IMAGE,
      workloadImagePullPolicy: 'IfNotPresent',
      workloadImagePullSecrets: [],
      extraLabels: {},
      logLevel: 'info',
      metricsBindAddress: { host: undefined, port: 8080 },
      metricsSecure: true,
      metricsCertDir: undefined,
      healthProbeBindAddress: { host: undefined, port: 8081 },
      leaderElection: {
        enabled: true,
        leaseName: 'hello-operator',
        leaseNamespace: 'default',
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      },
      gracefulShutdownTimeoutMs: 25_000,
      syncPeriodMs: 36_000_000,
    });
  });

  it('pins the default workload image to a release tag, not latest or the local dev image', () => {
    expect(DEFAULT_WORKLOAD_IMAGE).toMatch(/^[a-z0-9.-]+\/[a-z0-9/-]+:\d+\.\d+\.\d+/);
    expect(DEFAULT_WORKLOAD_IMAGE).not.toMatch(/:latest$|^localhost\//);
  });

  it('reads environment variables, and a flag wins over its variable', () => {
    const env = { LOG_LEVEL: 'debug', WATCH_NAMESPACES: 'a, b,a', MAX_CONCURRENT_RECONCILES: '4' };
    expect(load([], env)).toMatchObject({
      logLevel: 'debug',
      namespaces: ['a', 'b'],
      maxConcurrentReconciles: 4,
    });
    expect(load(['--log-level=warn', '--max-concurrent-reconciles', '2'], env)).toMatchObject({
      logLevel: 'warn',
      maxConcurrentReconciles: 2,
    });
  });

  it('accepts port 0 and "0" (off) for the listen addresses', () => {
    const c = load(['--metrics-bind-address=127.0.0.1:0'], { HEALTH_PROBE_BIND_ADDRESS: '0' });
    expect(c.metricsBindAddress).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.healthProbeBindAddress).toBeUndefined();
  });

  it('serves metrics securely unless --metrics-secure=false, and takes a certificate directory', () => {
    expect(load(['--metrics-secure=false'])).toMatchObject({
      metricsSecure: false,
      metricsCertDir: undefined,
    });
    expect(load([], { METRICS_SECURE: 'false' }).metricsSecure).toBe(false);
    expect(load(['--metrics-cert-dir=/certs'])).toMatchObject({
      metricsSecure: true,
      metricsCertDir: '/certs',
    });
    expect(load([], { METRICS_CERT_DIR: '/certs' }).metricsCertDir).toBe('/certs');
  });

  it('refuses a metrics certificate that would not be used, naming both settings', () => {
    expect(problemsOf(() => load(['--metrics-cert-dir=/certs', '--metrics-secure=false']))).toEqual([
      '--metrics-cert-dir needs HTTPS, but --metrics-secure=false serves plain HTTP',
    ]);
    expect(problemsOf(() => load([], { METRICS_CERT_DIR: '/certs', METRICS_SECURE: 'false' }))).toEqual([
      'METRICS_CERT_DIR needs HTTPS, but METRICS_SECURE=false serves plain HTTP',
    ]);
    expect(problemsOf(() => load(['--metrics-cert-dir=/certs', '--metrics-bind-address=0']))).toEqual([
      '--metrics-cert-dir is set, but --metrics-bind-address=0 turns the metrics server off',
    ]);
    expect(problemsOf(() => load(['--metrics-secure=maybe']))).toEqual([
      expect.stringMatching(/--metrics-secure/),
    ]);
  });

  it('turns leader election off the ways Go flags and env do', () => {
    for (const args of [['--leader-elect=false'], ['--no-leader-elect']]) {
      expect(load(args).leaderElection.enabled).toBe(false);
    }
    expect(load([], { LEADER_ELECT: 'false' }).leaderElection.enabled).toBe(false);
    expect(load(['--leader-elect'], { LEADER_ELECT: 'false' }).leaderElection.enabled).toBe(true);
  });

  it("defaults the Lease namespace to POD_NAMESPACE, then the pod's service account namespace", () => {
    expect(load([], { POD_NAMESPACE: 'ops' }).leaderElection.leaseNamespace).toBe('ops');
    const fromFile = loadConfig({ argv: [], env: {}, readFile: () => 'hello-system\n' });
    expect(fromFile.leaderElection.leaseNamespace).toBe('hello-system');
    expect(
      load(['--leader-election-namespace=x'], { POD_NAMESPACE: 'ops' }).leaderElection.leaseNamespace,
    ).toBe('x');
  });

  it('reads the workload pull Secrets, each once, and refuses a name no Secret can have', () => {
    expect(
      load([], { WORKLOAD_IMAGE_PULL_SECRETS: 'registry, mirror,registry' }).workloadImagePullSecrets,
    ).toEqual(['registry', 'mirror']);
    expect(problemsOf(() => load(['--workload-image-pull-secrets=Registry']))).toEqual([
      '--workload-image-pull-secrets="Registry": want a comma-separated list of Secret names (lower-case DNS subdomains)',
    ]);
  });

  it('reads the workload pull policy and the extra labels, refusing what Kubernetes would', () => {
    expect(
      load(['--workload-image-pull-policy=Always'], { EXTRA_LABELS: 'team=web, example.com/cost-centre=42' }),
    ).toMatchObject({
      workloadImagePullPolicy: 'Always',
      extraLabels: { team: 'web', 'example.com/cost-centre': '42' },
    });
    expect(
      problemsOf(() =>
        load(['--workload-image-pull-policy=always'], { EXTRA_LABELS: 'app.kubernetes.io/managed-by=me' }),
      ),
    ).toEqual([
      '--workload-image-pull-policy="always": want one of Always, IfNotPresent, Never',
      'EXTRA_LABELS="app.kubernetes.io/managed-by=me": app.kubernetes.io/managed-by is the operator\'s own label and cannot be set',
    ]);
    expect(problemsOf(() => load(['--extra-labels=team']))).toEqual([
      '--extra-labels="team": "team" is not KEY=VALUE',
    ]);
    expect(problemsOf(() => load(['--extra-labels=team=a b']))).toEqual([
      '--extra-labels="team=a b": "a b" (label team) is not a valid label value',
    ]);
  });

  it('reports every problem at once, naming the flag or variable', () => {
    const problems = problemsOf(() =>
      load(['--max-concurrent-reconciles=0', '--metrics-bind-address=8080'], {
        LOG_LEVEL: 'loud',
        WATCH_NAMESPACES: 'Team_A',
        LEADER_ELECTION_LEASE_DURATION: 'soon',
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^WATCH_NAMESPACES="Team_A": .*namespace/),
      expect.stringMatching(/^--max-concurrent-reconciles="0": want an integer/),
      expect.stringMatching(/^LOG_LEVEL="loud": want one of/),
      expect.stringMatching(/^--metrics-bind-address="8080": want \[host\]:port/),
      expect.stringMatching(/^LEADER_ELECTION_LEASE_DURATION="soon": want a positive duration/),
    ]);
  });

  it('checks leader election timing as client-go does', () => {
    expect(problemsOf(() => load(['--leader-election-renew-deadline=20s']))).toEqual([
      expect.stringMatching(/lease-duration.*must be longer than --leader-election-renew-deadline/),
    ]);
    expect(problemsOf(() => load(['--leader-election-retry-period=9s']))).toEqual([
      expect.stringMatching(/renew-deadline.*must be longer than 1.2 × --leader-election-retry-period/),
    ]);
    // Irrelevant when leader election is off.
    expect(load(['--leader-elect=false', '--leader-election-retry-period=9s']).leaderElection.enabled).toBe(
      false,
    );
  });

  it('refuses the same fixed port for metrics and health', () => {
    expect(problemsOf(() => load(['--health-probe-bind-address=:8080']))).toEqual([
      expect.stringMatching(/must not be the same address/),
    ]);
    expect(
      load(['--metrics-bind-address=:0', '--health-probe-bind-address=:0']).metricsBindAddress?.port,
    ).toBe(0);
  });

  it('refuses a duration longer than a timer can wait, instead of firing at once', () => {
    // Node runs a timer of more than 2^31-1 ms after 1 ms: a 600 h resync would relist nonstop.
    expect(problemsOf(() => load(['--sync-period=600h']))).toEqual([
      expect.stringMatching(/^--sync-period="600h": want at most 596h/),
    ]);
    expect(
      problemsOf(() =>
        load([], {
          GRACEFUL_SHUTDOWN_TIMEOUT: '1000h',
          LEADER_ELECTION_LEASE_DURATION: '900h',
          LEADER_ELECTION_RENEW_DEADLINE: '800h',
          LEADER_ELECTION_RETRY_PERIOD: '700h',
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^LEADER_ELECTION_LEASE_DURATION="900h": want at most 596h/),
      expect.stringMatching(/^LEADER_ELECTION_RENEW_DEADLINE="800h": want at most 596h/),
      expect.stringMatching(/^LEADER_ELECTION_RETRY_PERIOD="700h": want at most 596h/),
      expect.stringMatching(/^GRACEFUL_SHUTDOWN_TIMEOUT="1000h": want at most 596h/),
    ]);
    expect(load(['--sync-period=596h']).syncPeriodMs).toBe(596 * 3_600_000);
  });

  it('refuses a namespace list with no namespace in it; only an unset or empty one means all', () => {
    for (const value of [',,', ' , ', ',']) {
      expect(problemsOf(() => load([], { WATCH_NAMESPACES: value }))).toEqual([
        expect.stringMatching(/^WATCH_NAMESPACES=".*": names no namespace/),
      ]);
    }
    expect(problemsOf(() => load(['--watch-namespaces=,']))).toEqual([
      expect.stringMatching(/^--watch-namespaces=",": names no namespace/),
    ]);
    expect(load([], { WATCH_NAMESPACES: '' }).namespaces).toEqual([]);
    expect(load(['--watch-namespaces=']).namespaces).toEqual([]);
    expect(load([], { WATCH_NAMESPACES: 'a,,b' }).namespaces).toEqual(['a', 'b']);
  });

  it.each([
    ['--metrics-bind-address=my host:8080', /^--metrics-bind-address="my host:8080": want \[host\]:port/],
    ['--metrics-bind-address=-bad-:8080', /^--metrics-bind-address="-bad-:8080": .*host/],
    ['--health-probe-bind-address=[example.com]:8081', /^--health-probe-bind-address=.*want \[host\]:port/],
    ['--health-probe-bind-address=[::1:8081', /^--health-probe-bind-address=.*want \[host\]:port/],
    ['--metrics-bind-address=300.1.1.1:8080', /^--metrics-bind-address="300.1.1.1:8080": .*host/],
  ])('refuses the bind address %s, naming the flag', (arg, problem) => {
    expect(problemsOf(() => load([arg]))).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    [':8080', '0.0.0.0:8080'],
    [':8080', '127.0.0.1:8080'],
    ['[::]:8080', '[::1]:8080'],
    ['0.0.0.0:8080', '127.0.0.1:8080'],
    ['[::1]:8080', '[0:0:0:0:0:0:0:1]:8080'],
    ['localhost:8080', 'LOCALHOST:8080'],
    ['localhost:8080', ':8080'],
  ])('refuses %s and %s: the same socket for metrics and health', (metrics, health) => {
    expect(
      problemsOf(() => load([`--metrics-bind-address=${metrics}`, `--health-probe-bind-address=${health}`])),
    ).toEqual([expect.stringMatching(/must not be the same address/)]);
  });

  it.each([
    ['127.0.0.1:8080', '127.0.0.2:8080'],
    ['0.0.0.0:8080', '[::1]:8080'],
    ['127.0.0.1:8080', '127.0.0.1:8081'],
  ])('accepts %s and %s: two sockets that can both be bound', (metrics, health) => {
    const c = load([`--metrics-bind-address=${metrics}`, `--health-probe-bind-address=${health}`]);
    expect(c.metricsBindAddress).toEqual(parseBindAddress(metrics));
    expect(c.healthProbeBindAddress).toEqual(parseBindAddress(health));
  });

  it('rejects unknown flags and stray arguments', () => {
    expect(problemsOf(() => load(['--metrics-addr=:1']))[0]).toMatch(/metrics-addr/);
    expect(problemsOf(() => load(['run']))[0]).toMatch(/run/);
  });

  it('answers --help with the usage text listing every flag and variable', () => {
    expect(() => load(['--help'])).toThrow(HelpRequested);
    try {
      load(['--help']);
    } catch (err) {
      expect((err as Error).message).toMatch(
        /--metrics-bind-address \/ METRICS_BIND_ADDRESS \(default :8080\)/,
      );
    }
  });
});

describe('parseDuration', () => {
  it('reads Go-style durations', () => {
    expect(parseDuration('15s')).toBe(15_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('15')).toBeUndefined();
    expect(parseDuration('s')).toBeUndefined();
  });
});

describe('bind addresses', () => {
  it('parse and print the forms kubebuilder uses', () => {
    expect(parseBindAddress(':8080')).toEqual({ host: undefined, port: 8080 });
    expect(parseBindAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseBindAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseBindAddress('0')).toBeUndefined();
    expect(() => parseBindAddress(':70000')).toThrow();
    expect(() => parseBindAddress('localhost')).toThrow();
    expect(formatBindAddress({ host: '::1', port: 9000 })).toBe('[::1]:9000');
    expect(formatBindAddress({ host: undefined, port: 8080 })).toBe(':8080');
  });
});

describe('loadKubeConfig', () => {
  it('loads the --kubeconfig file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfigText('https://127.0.0.1:6443'));
    expect(loadKubeConfig({ kubeconfig: file }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });

  it('fails naming --kubeconfig and KUBECONFIG when there is none and it does not run in a pod', () => {
    // client-node's loadFromDefault would fall back to http://localhost:8080 here.
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    try {
      const [problem] = problemsOf(() =>
        loadKubeConfig({ kubeconfig: undefined }, { env: {}, homeDir: home, inPod: false }),
      );
      expect(problem).toMatch(/--kubeconfig.*KUBECONFIG/);
      expect(problem).toContain(join(home, '.kube', 'config'));
      expect(problem).toMatch(/not .*in a pod/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("uses KUBECONFIG, then ~/.kube/config, then the pod's service account", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfigText('https://10.0.0.1:6443'));
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), kubeconfigText('https://10.0.0.2:6443'));
    const server = (env: Record<string, string>, homeDir: string, inPod: boolean) =>
      loadKubeConfig({ kubeconfig: undefined }, { env, homeDir, inPod }).getCurrentCluster()?.server;
    expect(server({ KUBECONFIG: file }, home, true)).toBe('https://10.0.0.1:6443');
    expect(server({}, home, true)).toBe('https://10.0.0.2:6443');
    // client-node's in-cluster loader reads the process environment itself.
    const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    for (const [name, value] of Object.entries(inCluster)) vi.stubEnv(name, value);
    try {
      expect(server(inCluster, dir, true)).toBe('https://10.96.0.1:443');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(problemsOf(() => server({}, dir, true))[0]).toMatch(/KUBERNETES_SERVICE_HOST/);
    expect(problemsOf(() => server({ KUBECONFIG: join(dir, 'missing') }, home, true))[0]).toMatch(
      /^KUBECONFIG=".*missing": cannot load/,
    );
  });

  it('names the setting when the file cannot be read', () => {
    expect(problemsOf(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' }))[0]).toMatch(
      /^--kubeconfig="\/nonexistent\/kubeconfig": cannot load/,
    );
  });
});

describe('README', () => {
  it('documents every flag and variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const s of Object.values(SETTINGS)) {
      expect(readme).toContain(`\`--${s.flag}\``);
      if (s.env) expect(readme).toContain(`\`${s.env}\``);
    }
  });
});
