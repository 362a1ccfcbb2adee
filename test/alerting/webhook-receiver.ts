// A webhook receiver for Alertmanager, in the cluster: a pod running the workload image's node with
// a twenty-line server that keeps every notification it is sent (path and body) and returns them
// all on GET. Behind a Service, so that Alertmanager reaches it by name as it would a real one.

export const RECEIVER_NAME = 'alert-receiver';

export type Notification = {
  path: string;
  body: {
    status: 'firing' | 'resolved';
    receiver: string;
    groupKey: string;
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
    alerts: {
      status: 'firing' | 'resolved';
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  };
};

const server = `
const http = require('node:http');
const received = [];
http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(received));
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ path: req.url, body: JSON.parse(body) });
    console.log(JSON.stringify({ msg: 'notification', path: req.url, bytes: body.length }));
    res.end('ok');
  });
}).listen(8080);
process.on('SIGTERM', () => process.exit(0));
`;

/** The Deployment-less pod and its Service (restricted Pod Security). */
export function receiverManifests(image: string) {
  const labels = { 'app.kubernetes.io/name': RECEIVER_NAME };
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: RECEIVER_NAME, labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 1,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'receiver',
              image,
              imagePullPolicy: 'Never',
              command: ['/nodejs/bin/node', '-e', server],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 1 },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '96Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: RECEIVER_NAME, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    ],
  };
}
