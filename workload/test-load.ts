// A hostile client for tests, run as a process of its own so that its CPU use does not delay the
// test's own requests (the kubelet's probes do not share a process with the clients either):
//   node workload/test-load.ts URL CONNECTIONS [PAUSE_MS]
// keeps CONNECTIONS keep-alive connections asking for URL again and again, PAUSE_MS (default 0)
// after each answer, ignoring Retry-After;
// prints "started" once as many answers came back as there are connections (the load is on), and
// the count of answers by status as one JSON line when it gets SIGTERM.
import { Agent, request } from 'undici';

const [url = '', connectionsArg = '1', pauseArg = '0'] = process.argv.slice(2);
const connections = Number(connectionsArg);
const pauseMs = Number(pauseArg);
const agent = new Agent({ connections });
const statuses: Record<string, number> = {};
let answered = 0;

async function hammer(): Promise<void> {
  for (;;) {
    try {
      const res = await request(url, { dispatcher: agent });
      await res.body.dump();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    } catch (err) {
      const name = (err as Error).name;
      statuses[name] = (statuses[name] ?? 0) + 1;
    }
    if (++answered === connections) process.stdout.write('started\n');
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(statuses)}\n`);
  process.exit(0);
});
for (let i = 0; i < connections; i++) void hammer();
