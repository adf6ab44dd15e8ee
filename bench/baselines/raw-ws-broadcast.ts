/**
 * The baseline of B3 and B4: the least a server can do to push one message to N WebSocket
 * clients. A plain `ws` server on /graphql that speaks just enough graphql-transport-ws for
 * the project's clients (connection_init is answered with connection_ack, a subscribe is
 * accepted and ignored) and, on `POST /broadcast`, sends the request's body, serialised once,
 * to every socket in one loop. The answer says when the body had been read, the baseline's
 * counterpart of the project's commit. Nothing of src/ is used.
 *
 * Env: PORT.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const wallClockMs = () => performance.timeOrigin + performance.now();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = Buffer.concat(chunks);
    const receivedAt = wallClockMs();
    for (const socket of sockets.clients) socket.send(message, { binary: false });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ receivedAt, sockets: sockets.clients.size }));
  });
});

const sockets = new WebSocketServer({ server, path: '/graphql' });
const ack = Buffer.from(JSON.stringify({ type: 'connection_ack' }));
sockets.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    if (data.includes('"connection_init"')) socket.send(ack, { binary: false });
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
