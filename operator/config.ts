// Operator configuration: read once at start from flags and environment (a flag wins over its
// variable), validated all at once, with errors that name the flag or variable at fault.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import pkg from '../package.json' with { type: 'json' };
import { parseExtraLabels } from './resources/labels.ts';
import type { OperatorSettings } from './resources/settings.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** A listen address as kubebuilder spells it: `:8080`, `127.0.0.1:0`, `[::1]:8081`. */
export type BindAddress = {
  /** undefined listens on every interface. */
  host: string | undefined;
  /** 0 lets the OS pick a free port; whoever listens logs the port chosen. */
  port: number;
};

export type LeaderElectionConfig = {
  enabled: boolean;
  /** Name of the coordination.k8s.io/v1 Lease. */
  leaseName: string;
  leaseNamespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
};

export type OperatorConfig = {
  /** A kubeconfig file; undefined uses client-node's loadFromDefault (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig: string | undefined;
  /** Namespaces to watch; empty means all namespaces. */
  namespaces: string[];
  maxConcurrentReconciles: number;
  /** Workload image for HelloServices that do not set spec.image. */
  workloadImage: string;
  workloadImagePullPolicy: OperatorSettings['imagePullPolicy'];
  workloadImagePullSecrets: string[];
  /** Labels on every child (resources/labels.ts). */
  extraLabels: Record<string, string>;
  logLevel: LogLevelName;
  /** undefined: the server is off (`0`, as in kubebuilder). */
  metricsBindAddress: BindAddress | undefined;
  /** HTTPS with authentication and authorisation of every scrape; false: plain HTTP for anyone. */
  metricsSecure: boolean;
  /** A directory with tls.crt and tls.key; undefined: a self-signed certificate made at start. */
  metricsCertDir: string | undefined;
  healthProbeBindAddress: BindAddress | undefined;
  leaderElection: LeaderElectionConfig;
  gracefulShutdownTimeoutMs: number;
  /** How often informers relist everything, as a safety net for missed events. */
  syncPeriodMs: number;
};

/**
 * The image the release publishes for this version of the operator. Pinned to the operator's own
 * version (never `latest`) so upgrading the operator is the one thing that changes the workload
 * image of existing HelloServices, and the pair is tested together. `localhost/hello-workload:dev`
 * is only the locally built image: local runs set WORKLOAD_IMAGE.
 */
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

export const DEFAULT_WORKLOAD_IMAGE = `ghcr.io/hello-operator/hello-workload:${pkg.version}`;

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Thrown for `--help`; its message is the usage text. */
export class HelpRequested extends Error {
  constructor() {
    super(usage());
    this.name = 'HelpRequested';
  }
}

type Setting = {
  flag: string;
  env: string | undefined;
  type: 'string' | 'boolean';
  default: string;
  help: string;
};

// One row per setting: the README's configuration table is this list.
export const SETTINGS = {
  kubeconfig: {
    flag: 'kubeconfig',
    env: undefined,
    type: 'string',
    default: '',
    help: 'kubeconfig file; unset: KUBECONFIG, ~/.kube/config, then in-cluster service account',
  },
  namespaces: {
    flag: 'watch-namespaces',
    env: 'WATCH_NAMESPACES',
    type: 'string',
    default: '',
    help: 'comma-separated namespaces to watch; empty: all namespaces',
  },
  maxConcurrentReconciles: {
    flag: 'max-concurrent-reconciles',
    env: 'MAX_CONCURRENT_RECONCILES',
    type: 'string',
    default: '32',
    help: 'HelloServices reconciled at once',
  },
  workloadImage: {
    flag: 'workload-image',
    env: 'WORKLOAD_IMAGE',
    type: 'string',
    default: DEFAULT_WORKLOAD_IMAGE,
    help: 'workload image for HelloServices without spec.image',
  },
  workloadImagePullPolicy: {
    flag: 'workload-image-pull-policy',
    env: 'WORKLOAD_IMAGE_PULL_POLICY',
    type: 'string',
    default: 'IfNotPresent',
    help: `pull policy of the workload container: ${PULL_POLICIES.join(', ')}`,
  },
  workloadImagePullSecrets: {
    flag: 'workload-image-pull-secrets',
    env: 'WORKLOAD_IMAGE_PULL_SECRETS',
    type: 'string',
    default: '',
    help: "comma-separated Secret names every workload pod pulls its image with (a private registry's; each must exist in the HelloService's namespace), before spec.imagePullSecrets",
  },
  extraLabels: {
    flag: 'extra-labels',
    env: 'EXTRA_LABELS',
    type: 'string',
    default: '',
    help: 'comma-separated KEY=VALUE labels on every child (never in selectors; not the app.kubernetes.io ones the operator sets)',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    type: 'string',
    default: 'info',
    help: LOG_LEVELS.join(', '),
  },
  metricsBindAddress: {
    flag: 'metrics-bind-address',
    env: 'METRICS_BIND_ADDRESS',
    type: 'string',
    default: ':8080',
    help: 'address of /metrics; port 0 picks a free port; "0" turns it off',
  },
  metricsSecure: {
    flag: 'metrics-secure',
    env: 'METRICS_SECURE',
    type: 'boolean',
    default: 'true',
    help: 'serve /metrics over HTTPS to bearer tokens allowed to get /metrics (TokenReview, SubjectAccessReview); false: plain HTTP for anyone, for a local run',
  },
  metricsCertDir: {
    flag: 'metrics-cert-dir',
    env: 'METRICS_CERT_DIR',
    type: 'string',
    default: '',
    help: 'directory holding tls.crt and tls.key for /metrics (a mounted kubernetes.io/tls Secret); unset: a self-signed certificate made at start',
  },
  healthProbeBindAddress: {
    flag: 'health-probe-bind-address',
    env: 'HEALTH_PROBE_BIND_ADDRESS',
    type: 'string',
    default: ':8081',
    help: 'address of /healthz and /readyz; port 0 picks a free port; "0" turns it off',
  },
  leaderElect: {
    flag: 'leader-elect',
    env: 'LEADER_ELECT',
    type: 'boolean',
    default: 'true',
    help: 'only the holder of the Lease reconciles; --leader-elect=false for local runs',
  },
  leaderElectionId: {
    flag: 'leader-election-id',
    env: 'LEADER_ELECTION_ID',
    type: 'string',
    default: 'hello-operator',
    help: 'name of the Lease',
  },
  leaderElectionNamespace: {
    flag: 'leader-election-namespace',
    env: 'LEADER_ELECTION_NAMESPACE',
    type: 'string',
    default: '',
    help: "namespace of the Lease; unset: POD_NAMESPACE, the pod's own namespace, then default",
  },
  leaseDuration: {
    flag: 'leader-election-lease-duration',
    env: 'LEADER_ELECTION_LEASE_DURATION',
    type: 'string',
    default: '15s',
    help: 'how long a standby waits before taking over an unrenewed Lease',
  },
  renewDeadline: {
    flag: 'leader-election-renew-deadline',
    env: 'LEADER_ELECTION_RENEW_DEADLINE',
    type: 'string',
    default: '10s',
    help: 'how long the leader keeps trying to renew before it stops reconciling',
  },
  retryPeriod: {
    flag: 'leader-election-retry-period',
    env: 'LEADER_ELECTION_RETRY_PERIOD',
    type: 'string',
    default: '2s',
    help: 'interval between attempts to acquire or renew',
  },
  gracefulShutdownTimeout: {
    flag: 'graceful-shutdown-timeout',
    env: 'GRACEFUL_SHUTDOWN_TIMEOUT',
    type: 'string',
    default: '25s',
    help: "time for reconciles in flight after SIGTERM (fits the pod's default 30 s grace period)",
  },
  syncPeriod: {
    flag: 'sync-period',
    env: 'SYNC_PERIOD',
    type: 'string',
    default: '10h',
    help: 'how often every object is relisted and reconciled even without events',
  },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

export function usage(): string {
  const rows = Object.values(SETTINGS as Record<string, Setting>).map((s) => {
    const env = s.env ? ` / ${s.env}` : '';
    const def = s.default ? ` (default ${s.default})` : '';
    return `  --${s.flag}${env}${def}\n      ${s.help}`;
  });
  return `usage: hello-operator [flags]\n\nEvery flag can also be set by its environment variable; the flag wins.\n\n${rows.join('\n')}\n`;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration a setting may have: Node runs a timer of more than 2^31-1 ms (about 24.8
 * days) after 1 ms instead, so a longer one would fire at once, and again and again. 596 h is the
 * last whole hour below that, with room for the second the manager adds to its drain.
 */
export const MAX_DURATION_MS = 596 * 3_600_000;

/** Go-style durations (`15s`, `1m30s`, `500ms`), as controller-runtime flags take them. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(DURATION_PART)) ms += Number(n) * (UNIT_MS[unit ?? ''] ?? 0);
  return ms;
}

/** A host name as the resolver takes it (RFC 1123): `localhost`, `metrics.example.com`. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/** `:8080`, `host:port`, `[v6]:port`; `0` means off (undefined); throws a message otherwise. */
export function parseBindAddress(text: string): BindAddress | undefined {
  if (text === '0') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new Error('want [host]:port with a port from 0 to 65535, or 0 to turn it off');
  const [, v6, other = ''] = match;
  if (v6 !== undefined ? isIP(v6) !== 6 : other !== '' && !isHost(other)) {
    throw new Error(`want [host]:port where host is an IP address or a DNS name, not ${v6 ?? other}`);
  }
  const host = v6 ?? other;
  return { host: host === '' ? undefined : host, port };
}

/** An IPv4 address or a host name; dotted numbers that are no IPv4 address (300.1.1.1) are neither. */
function isHost(text: string): boolean {
  if (/^[0-9.]+$/.test(text)) return isIP(text) === 4;
  return HOST_NAME.test(text);
}

/**
 * Whether two addresses would claim the same socket, so that the second listen fails. No host and
 * `::` take every address of both families (a dual-stack socket), `0.0.0.0` every IPv4 address; a
 * name is compared only as a name (what it resolves to is left to the listen, which names the flag).
 */
export function sameSocket(a: BindAddress, b: BindAddress): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  const [x, y] = [socketHost(a.host), socketHost(b.host)];
  if (x === 'any' || y === 'any') return true;
  if (x === '0.0.0.0' || y === '0.0.0.0') return isIP(x) === 4 && isIP(y) === 4;
  return x === y;
}

/** 'any' for a dual-stack wildcard, IPv6 addresses in their short form, names in lower case. */
function socketHost(host: string | undefined): string {
  if (host === undefined || host === '' || host === '::') return 'any';
  if (isIP(host) === 6) {
    const short = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    return short === '::' ? 'any' : short;
  }
  return host.toLowerCase();
}

export function formatBindAddress(addr: BindAddress): string {
  const host = addr.host?.includes(':') ? `[${addr.host}]` : (addr.host ?? '');
  return `${host}:${addr.port}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export type ConfigSources = {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads the pod's namespace file; injectable for tests. */
  readFile?: (path: string) => string | undefined;
};

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Go's flag package takes `--leader-elect=false`; parseArgs wants `--no-leader-elect`. */
function normaliseBooleanFlags(argv: readonly string[]): string[] {
  const booleans = Object.values(SETTINGS as Record<string, Setting>)
    .filter((s) => s.type === 'boolean')
    .map((s) => s.flag);
  return argv.map((arg) => {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m?.[1] || !booleans.includes(m[1])) return arg;
    const value = parseBoolean(m[2] ?? '');
    if (value === undefined) return arg; // parseArgs rejects it, naming the flag
    return value ? `--${m[1]}` : `--no-${m[1]}`;
  });
}

function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  return undefined;
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(sources: ConfigSources = {}): OperatorConfig {
  const env = sources.env ?? process.env;
  const readFile = sources.readFile ?? readIfExists;
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const s of Object.values(SETTINGS as Record<string, Setting>)) options[s.flag] = { type: s.type };
  let flags: Record<string, string | boolean | undefined>;
  try {
    ({ values: flags } = parseArgs({
      args: normaliseBooleanFlags(sources.argv ?? process.argv.slice(2)),
      options,
      allowNegative: true,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  if (flags.help) throw new HelpRequested();

  const problems: string[] = [];
  /** The raw value and where it came from, for error messages. */
  const raw = (name: SettingName): { value: string; source: string } => {
    const s: Setting = SETTINGS[name];
    const flag = flags[s.flag];
    if (flag !== undefined) return { value: String(flag), source: `--${s.flag}` };
    const fromEnv = s.env ? env[s.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: s.env ?? '' };
    return { value: s.default, source: `--${s.flag} (default)` };
  };
  const check = <T>(name: SettingName, parse: (v: string) => T | undefined, want: string): T | undefined => {
    const { value, source } = raw(name);
    try {
      const parsed = parse(value);
      if (parsed !== undefined) return parsed;
    } catch (err) {
      problems.push(`${source}=${JSON.stringify(value)}: ${(err as Error).message}`);
      return undefined;
    }
    problems.push(`${source}=${JSON.stringify(value)}: ${want}`);
    return undefined;
  };

  const kubeconfig = raw('kubeconfig').value || undefined;
  const namespaces =
    check(
      'namespaces',
      (v) => {
        const list = [
          ...new Set(
            v
              .split(',')
              .map((n) => n.trim())
              .filter(Boolean),
          ),
        ];
        // Unset or empty means every namespace; a list of only commas is a mistake, not "all".
        if (v.trim() !== '' && list.length === 0) {
          throw new Error('names no namespace; leave it unset or empty to watch every namespace');
        }
        return list.every((n) => DNS_LABEL.test(n)) ? list : undefined;
      },
      'want a comma-separated list of namespace names (DNS labels)',
    ) ?? [];
  const maxConcurrentReconciles = check(
    'maxConcurrentReconciles',
    (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000 ? Number(v) : undefined),
    'want an integer from 1 to 1000',
  );
  const workloadImage = check(
    'workloadImage',
    (v) => (v !== '' && !/\s/.test(v) ? v : undefined),
    'want an image reference without spaces',
  );
  const workloadImagePullPolicy = check(
    'workloadImagePullPolicy',
    (v) => PULL_POLICIES.find((p) => p === v),
    `want one of ${PULL_POLICIES.join(', ')}`,
  );
  const workloadImagePullSecrets = check(
    'workloadImagePullSecrets',
    (v) => {
      const names = [
        ...new Set(
          v
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean),
        ),
      ];
      return names.every((n) => DNS_SUBDOMAIN.test(n)) ? names : undefined;
    },
    'want a comma-separated list of Secret names (lower-case DNS subdomains)',
  );
  const extraLabels = check(
    'extraLabels',
    (v) =>
      parseExtraLabels(
        v
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      ),
    'want comma-separated KEY=VALUE labels',
  );
  const logLevel = check(
    'logLevel',
    (v) => LOG_LEVELS.find((l) => l === v.toLowerCase()),
    `want one of ${LOG_LEVELS.join(', ')}`,
  );
  const metricsBindAddress = check('metricsBindAddress', (v) => ({ addr: parseBindAddress(v) }), '');
  const metricsSecure = check('metricsSecure', parseBoolean, 'want true or false');
  const metricsCertDir = raw('metricsCertDir').value || undefined;
  const healthProbeBindAddress = check('healthProbeBindAddress', (v) => ({ addr: parseBindAddress(v) }), '');
  const leaderElect = check('leaderElect', parseBoolean, 'want true or false');
  const leaseName = check(
    'leaderElectionId',
    (v) => (DNS_SUBDOMAIN.test(v) ? v : undefined),
    'want a Lease name (lower-case DNS subdomain)',
  );
  const leaseNamespace = check(
    'leaderElectionNamespace',
    (v) => {
      const ns = v || env.POD_NAMESPACE || readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim() || 'default';
      return DNS_LABEL.test(ns) ? ns : undefined;
    },
    'want a namespace name',
  );
  const timerDuration = (v: string) => {
    const ms = parseDuration(v);
    if (ms !== undefined && ms > MAX_DURATION_MS) {
      throw new Error('want at most 596h: a Node.js timer cannot wait longer than 2^31-1 ms (24.8 days)');
    }
    return ms;
  };
  const positiveDuration = (v: string) => {
    const ms = timerDuration(v);
    return ms !== undefined && ms > 0 ? ms : undefined;
  };
  const wantDuration = 'want a positive duration such as 15s, 1m30s or 500ms';
  const leaseDurationMs = check('leaseDuration', positiveDuration, wantDuration);
  const renewDeadlineMs = check('renewDeadline', positiveDuration, wantDuration);
  const retryPeriodMs = check('retryPeriod', positiveDuration, wantDuration);
  const gracefulShutdownTimeoutMs = check(
    'gracefulShutdownTimeout',
    timerDuration,
    'want a duration such as 25s',
  );
  const syncPeriodMs = check('syncPeriod', positiveDuration, wantDuration);

  // client-go's own checks: a leader must give up before a standby may take over, and must
  // get more than one renewal attempt (with jitter) before it gives up.
  if (leaderElect && leaseDurationMs && renewDeadlineMs && retryPeriodMs) {
    if (leaseDurationMs <= renewDeadlineMs) {
      problems.push(
        `${raw('leaseDuration').source} (${leaseDurationMs} ms) must be longer than ${raw('renewDeadline').source} (${renewDeadlineMs} ms)`,
      );
    }
    if (renewDeadlineMs <= 1.2 * retryPeriodMs) {
      problems.push(
        `${raw('renewDeadline').source} (${renewDeadlineMs} ms) must be longer than 1.2 × ${raw('retryPeriod').source} (${retryPeriodMs} ms)`,
      );
    }
  }
  const m = metricsBindAddress?.addr;
  const h = healthProbeBindAddress?.addr;
  if (m && h && sameSocket(m, h)) {
    problems.push(
      `${raw('metricsBindAddress').source} and ${raw('healthProbeBindAddress').source} must not be the same address`,
    );
  }

  // A certificate that would not be used is a mistake (a plain-HTTP scrape is not what was meant).
  if (metricsCertDir && metricsSecure === false) {
    problems.push(
      `${raw('metricsCertDir').source} needs HTTPS, but ${raw('metricsSecure').source}=false serves plain HTTP`,
    );
  }
  if (metricsCertDir && metricsBindAddress && !metricsBindAddress.addr) {
    problems.push(
      `${raw('metricsCertDir').source} is set, but ${raw('metricsBindAddress').source}=0 turns the metrics server off`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  // Every check above either returned a value or added a problem.
  const got = <T>(v: T | undefined): T => v as T;
  return {
    kubeconfig,
    namespaces,
    maxConcurrentReconciles: got(maxConcurrentReconciles),
    workloadImage: got(workloadImage),
    workloadImagePullPolicy: got(workloadImagePullPolicy),
    workloadImagePullSecrets: got(workloadImagePullSecrets),
    extraLabels: got(extraLabels),
    logLevel: got(logLevel),
    metricsBindAddress: metricsBindAddress?.addr,
    metricsSecure: got(metricsSecure),
    metricsCertDir,
    healthProbeBindAddress: healthProbeBindAddress?.addr,
    leaderElection: {
      enabled: got(leaderElect),
      leaseName: got(leaseName),
      leaseNamespace: got(leaseNamespace),
      leaseDurationMs: got(leaseDurationMs),
      renewDeadlineMs: got(renewDeadlineMs),
      retryPeriodMs: got(retryPeriodMs),
    },
    gracefulShutdownTimeoutMs: got(gracefulShutdownTimeoutMs),
    syncPeriodMs: got(syncPeriodMs),
  };
}

/** Where loadKubeConfig looks; each defaults to this process and machine, tests pass their own. */
export type KubeConfigSources = {
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  /** Whether a service account token is mounted, as in a pod. */
  inPod?: boolean;
};

/**
 * The cluster connection, looked up as client-node's loadFromDefault does (--kubeconfig, KUBECONFIG,
 * ~/.kube/config, the pod's service account) except at the end: with none of them it fails naming
 * the settings, where loadFromDefault would quietly talk to http://localhost:8080.
 */
export function loadKubeConfig(
  config: Pick<OperatorConfig, 'kubeconfig'>,
  sources: KubeConfigSources = {},
): KubeConfig {
  const env = sources.env ?? process.env;
  const defaultFile = join(sources.homeDir ?? homedir(), '.kube', 'config');
  const kc = new KubeConfig();
  let source: string;
  if (config.kubeconfig) {
    source = `--kubeconfig=${JSON.stringify(config.kubeconfig)}`;
    load(source, () => kc.loadFromFile(config.kubeconfig ?? ''));
  } else if (env.KUBECONFIG) {
    source = `KUBECONFIG=${JSON.stringify(env.KUBECONFIG)}`;
    load(source, () => loadFiles(kc, env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? []));
  } else if (existsSync(defaultFile)) {
    source = `KUBECONFIG (unset, so ${defaultFile})`;
    load(source, () => kc.loadFromFile(defaultFile));
  } else if (sources.inPod ?? existsSync(SERVICE_ACCOUNT_TOKEN_FILE)) {
    source = "the pod's service account";
    if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
      throw new ConfigError([`${source}: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set`]);
    }
    kc.loadFromCluster();
  } else {
    throw new ConfigError([
      `--kubeconfig / KUBECONFIG: no cluster to talk to: neither is set, there is no ${defaultFile}, ` +
        `and this is not running in a pod (no ${SERVICE_ACCOUNT_TOKEN_FILE})`,
    ]);
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError([`${source}: no current cluster (set current-context, or run in a pod)`]);
  }
  return kc;
}

function load(source: string, read: () => void): void {
  try {
    read();
  } catch (err) {
    throw new ConfigError([`${source}: cannot load: ${(err as Error).message}`]);
  }
}

/** Several KUBECONFIG files are merged, the first one's current context winning, as kubectl does. */
function loadFiles(kc: KubeConfig, files: string[]): void {
  const [first, ...rest] = files;
  kc.loadFromFile(first ?? '');
  for (const file of rest) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
}

/** A listen that failed at start, as a configuration error naming the flag and the cause. */
export function listenProblem(
  setting: 'metricsBindAddress' | 'healthProbeBindAddress',
  addr: BindAddress,
  err: unknown,
): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const hint =
    code === 'EACCES' && addr.port < 1024 ? ' (ports below 1024 need root or CAP_NET_BIND_SERVICE)' : '';
  return new ConfigError([
    `--${SETTINGS[setting].flag}=${JSON.stringify(formatBindAddress(addr))}: cannot listen: ${(err as Error).message}${hint}`,
  ]);
}
