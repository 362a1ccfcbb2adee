// The floor: the least a node:http server can do to answer GET / with the same text and the
// same headers as the workload: no routing, metrics or logging. Measured beside the workload,
// it shows how much of the gap to Go is node:http itself and how much is ours.
import { createServer } from 'node:http';

const message = process.env.MESSAGES ?? 'Hello, world!\n';
const headers = {
  'content-type': 'text/plain; charset=utf-8',
  'content-length': String(Buffer.byteLength(message)),
  vary: 'Accept',
  'x-content-type-options': 'nosniff',
};
const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(message);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => process.exit(0));
