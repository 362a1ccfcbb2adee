// Small helpers for cluster tests: clients from the shared kubeconfig, throwaway namespaces, polling,
// and plain HTTP GETs (node:http, so a Host header can be set for the Ingress).
import { request } from 'node:http';
import * as k8s from '@kubernetes/client-node';

export function kubeConfig(path: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** A KubeConfig for the same cluster that authenticates with a bearer token only. */
export function tokenConfig(admin: k8s.KubeConfig, token: string): k8s.KubeConfig {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'token', token }],
    contexts: [{ name: 'token', cluster: cluster.name, user: 'token' }],
    currentContext: 'token',
  });
  return kc;
}

/** Polls fn until it returns a value other than undefined or false, or throws after timeoutMs. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 180_000,
  intervalMs = 1000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Creates a namespace with a random suffix and the given labels; returns its name. */
export async function createNamespace(
  core: k8s.CoreV1Api,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await core.createNamespace({
    body: { metadata: { name, labels: { 'hello-operator.test': 'true', ...labels } } },
  });
  // The ServiceAccount controller creates `default` shortly after; pods need it.
  await eventually(`serviceaccount default in ${name}`, async () =>
    (await core.readNamespacedServiceAccount({ name: 'default', namespace: name })) ? true : undefined,
  );
  return name;
}

export async function deleteNamespace(core: k8s.CoreV1Api, name: string): Promise<void> {
  await core.deleteNamespace({ name }).catch(() => undefined);
}

export function apiStatus(err: unknown): { code: number; message: string } {
  if (err instanceof k8s.ApiException) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {}
    return { code: err.code, message };
  }
  throw err;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GET http://hostPort/path, optionally with a Host header; the body as raw bytes. */
export function httpGet(
  hostPort: string,
  path: string,
  host?: string,
  timeoutMs = 5000,
): Promise<HttpResult> {
  const [hostname, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port: Number(port ?? 80),
        path,
        headers: host ? { host } : {},
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${hostPort}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Pod Security "restricted" settings for a container of our workload image. */
export const restrictedContainer: Pick<
  k8s.V1Container,
  'imagePullPolicy' | 'securityContext' | 'volumeMounts'
> = {
  imagePullPolicy: 'Never',
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
};

/**
 * A Deployment `name` (label app=name) of our workload image under Pod Security "restricted": one
 * container `name` serving http on 8080 with a /readyz probe and /tmp on an emptyDir; `container`
 * adds to it (env, resources...).
 */
export function workloadDeployment(
  name: string,
  replicas: number,
  container: Partial<k8s.V1Container>,
): k8s.V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              ...restrictedContainer,
              name,
              image: workloadImage,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 },
              ...container,
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

export const workloadImage = 'localhost/hello-workload:dev';
