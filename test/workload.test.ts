// The real node runs our workload image under Pod Security "restricted": Deployment Ready, GET / via
// the Service (from the host, to the ClusterIP routed to cni0) and via the Ingress returns MESSAGES
// byte for byte; a privileged pod is refused; a pod reaches the API and cluster DNS from inside.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  apiStatus,
  createNamespace,
  deleteNamespace,
  eventually,
  httpGet,
  kubeConfig,
  restrictedContainer,
  workloadDeployment,
  workloadImage,
} from './cluster/kube.ts';

const MESSAGES = 'Hello from a real cluster — ünïcødé ✓';

describe('workload on the real node', () => {
  const kc = kubeConfig(inject('kubeconfig'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const net = kc.makeApiClient(k8s.NetworkingV1Api);
  let ns = '';
  let clusterIP = '';

  beforeAll(async () => {
    ns = await createNamespace(core, 'workload', {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'hello' }, data: { MESSAGES } },
    });
    const labels = { app: 'hello' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: workloadDeployment('hello', 2, {
        envFrom: [{ configMapRef: { name: 'hello' } }],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      }),
    });
    const svc = await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'hello' },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    clusterIP = svc.spec?.clusterIP ?? '';
    await net.createNamespacedIngress({
      namespace: ns,
      body: {
        metadata: { name: 'hello' },
        spec: {
          ingressClassName: 'traefik',
          rules: [
            {
              host: `${ns}.hello.test`,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'hello', port: { name: 'http' } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await deleteNamespace(core, ns);
  });

  /** The Deployment once both its pods are Ready. */
  const available = () =>
    eventually('deployment hello available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'hello', namespace: ns });
      return d.status?.readyReplicas === 2 ? d : undefined;
    });

  it('gets Ready pods in a namespace enforcing Pod Security "restricted"', async () => {
    const t0 = Date.now();
    const d = await available();
    console.error(`[workload] 2 pods Ready after ${Date.now() - t0} ms`);
    expect(d.status?.readyReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=hello' });
    for (const p of pods.items) {
      expect(p.spec?.nodeName).toBeTruthy();
      expect(p.status?.podIP).toMatch(/^10\.244\./);
    }
  });

  it('serves MESSAGES byte for byte through the Service ClusterIP, from the host', async () => {
    expect(clusterIP).toMatch(/^10\.96\./);
    const res = await eventually('GET / via the Service', async () => {
      const r = await httpGet(`${clusterIP}:80`, '/');
      return r.status === 200 ? r : undefined;
    });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.equals(Buffer.from(MESSAGES, 'utf8'))).toBe(true);
  });

  it('serves MESSAGES byte for byte through the Ingress, with the Host header', async () => {
    const address = inject('ingressAddress');
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await eventually('GET / via the Ingress', async () => {
      const r = await httpGet(address, '/', `${ns}.hello.test`);
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.equals(Buffer.from(MESSAGES, 'utf8'))).toBe(true);
    // Another Host is not routed to it.
    expect((await httpGet(address, '/', 'nobody.hello.test')).status).toBe(404);
  });

  it('refuses a privileged pod in that namespace', async () => {
    const err = await core
      .createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'privileged' },
          spec: {
            containers: [{ name: 'c', image: workloadImage, securityContext: { privileged: true } }],
          },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeDefined();
    const { code, message } = apiStatus(err);
    expect(code).toBe(403);
    expect(message).toMatch(/violates PodSecurity "restricted:latest": privileged/);
  });

  it('lets a pod call the API through the kubernetes Service with its token and resolve a Service by DNS', async () => {
    const script = `
      const fs = require('node:fs');
      const https = require('node:https');
      const dns = require('node:dns').promises;
      const sa = '/var/run/secrets/kubernetes.io/serviceaccount/';
      function post(path, body) {
        return new Promise((resolve, reject) => {
          const req = https.request({ host: 'kubernetes.default.svc', port: 443, path, method: 'POST',
            ca: fs.readFileSync(sa + 'ca.crt'),
            headers: { authorization: 'Bearer ' + fs.readFileSync(sa + 'token', 'utf8'), 'content-type': 'application/json' } },
            (res) => { const ip = res.socket.remoteAddress; let d = ''; res.on('data', (c) => d += c); res.on('end', () => resolve({ status: res.statusCode, body: d, ip })); });
          req.on('error', reject); req.end(JSON.stringify(body));
        });
      }
      (async () => {
        const review = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews',
          { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
        const name = 'hello.' + fs.readFileSync(sa + 'namespace', 'utf8') + '.svc.cluster.local';
        const [serviceIP] = await dns.resolve4(name);
        const page = await (await fetch('http://' + name + '/')).text();
        console.log(JSON.stringify({ status: review.status, apiIP: review.ip,
          user: JSON.parse(review.body).status.userInfo.username, serviceIP, page }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    // The page comes from the Deployment's pods: they must be serving before the client asks.
    await available();
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'client' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              ...restrictedContainer,
              name: 'client',
              image: workloadImage,
              command: ['/nodejs/bin/node', '-e', script],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    });
    const phase = await eventually('client pod finished', async () => {
      const p = await core.readNamespacedPod({ name: 'client', namespace: ns });
      const phase = p.status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    });
    const log = await core.readNamespacedPodLog({ name: 'client', namespace: ns });
    expect(phase, log).toBe('Succeeded');
    const out = JSON.parse(log.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(out.status).toBe(201);
    expect(out.apiIP).toBe('10.96.0.1'); // the `kubernetes` Service's ClusterIP
    expect(out.user).toBe(`system:serviceaccount:${ns}:default`);
    expect(out.serviceIP).toBe(clusterIP);
    expect(out.page).toBe(MESSAGES);
  });
});
