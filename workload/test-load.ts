// A hostile client for tests, run as a process of its own so that its CPU use does not delay the
// test's own requests (the kubelet's probes do not share a process with the clients either):
//   node workload/test-load.ts URL CONNECTIONS
// keeps CONNECTIONS keep-alive connections asking for URL again and again, ignoring Retry-After;
// prints "started" once every connection has sent a request, and the count of answers by status
// as one JSON line when it gets SIGTERM.
import { Agent, request } from 'undici';

const [url = '', connectionsArg = '1'] = process.argv.slice(2);
const connections = Number(connectionsArg);
const agent = new Agent({ connections });
const statuses: Record<string, number> = {};
let sent = 0;

async function hammer(): Promise<void> {
  for (;;) {
    if (++sent === connections) process.stdout.write('started\n');
    try {
      const res = await request(url, { dispatcher: agent });
      await res.body.dump();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    } catch (err) {
      const name = (err as Error).name;
      statuses[name] = (statuses[name] ?? 0) + 1;
    }
  }
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(statuses)}\n`);
  process.exit(0);
});
for (let i = 0; i < connections; i++) void hammer();
