// A customer's webhook endpoint reduced to nothing, for `npm run bench` (bench/webhook-delivery.ts): in
// its own process, it reads each POST whole and answers 200 with an empty body, so the bare loop and
// the dispatcher meet the same receiver. GET /count tells how many POSTs arrived per first path
// segment. Prints {"port": …} once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const counts: Record<string, number> = {};
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    return;
  }
  req.on('data', () => undefined);
  req.on('end', () => {
    const key = (req.url ?? '/').split('/')[1] ?? '';
    counts[key] = (counts[key] ?? 0) + 1;
    res.writeHead(200, { 'content-length': '0' }).end();
  });
});
server.keepAliveTimeout = 30_000;
server.on('connection', () => (counts.connections = (counts.connections ?? 0) + 1));
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
