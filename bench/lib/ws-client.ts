import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';

/** The wall clock in ms with sub-ms resolution, comparable between the processes of one machine. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/** A subscription operation as a graphql-transport-ws client sends it. */
export interface SubscribeRequest {
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/**
 * Receives the text of every data message after the handshake, with the time its last byte
 * was read (taken before anything of the chunk is parsed).
 */
export type MessageHandler = (text: Buffer, arrivedAt: number) => void;

/**
 * A minimal WebSocket client speaking graphql-transport-ws over a raw TCP socket: the upgrade,
 * connection_init, then at most one subscribe with id "1". It does as little per message as a
 * client can (no UTF-8 validation, no events, no copies when a frame arrives whole), so that
 * the load generator's core keeps up with a server writing to thousands of sockets and the
 * figures are the server's. Server frames are never masked; client frames always are.
 */
export class RawGraphqlWsClient {
  private buffered: Buffer | null = null;
  /** Until the connection_ack: how to settle open(). */
  private opening: { acked(): void; failed(error: Error): void } | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly onMessage: MessageHandler,
  ) {}

  /** Connects, upgrades and waits for connection_ack. */
  static open(url: string, onMessage: MessageHandler, timeoutMs = 30_000): Promise<RawGraphqlWsClient> {
    const { hostname, port, pathname } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.setNoDelay(true);
    const client = new RawGraphqlWsClient(socket, onMessage);
    return new Promise<RawGraphqlWsClient>((resolve, reject) => {
      const timer = setTimeout(() => opening.failed(new Error(`no connection_ack from ${url} in ${timeoutMs} ms`)), timeoutMs);
      const opening = {
        acked() {
          clearTimeout(timer);
          client.opening = null;
          resolve(client);
        },
        failed(error: Error) {
          clearTimeout(timer);
          client.opening = null;
          socket.destroy();
          reject(error);
        },
      };
      client.opening = opening;
      socket.once('error', (error) => client.opening?.failed(error));
      socket.once('connect', () => {
        const key = randomBytes(16).toString('base64');
        socket.write(
          `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
        );
      });
      let handshake: Buffer | null = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const arrivedAt = wallClockMs();
        if (handshake) {
          handshake = Buffer.concat([handshake, chunk]);
          const end = handshake.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = handshake.subarray(0, end).toString();
          if (!head.startsWith('HTTP/1.1 101')) return opening.failed(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          chunk = handshake.subarray(end + 4);
          handshake = null;
          client.send({ type: 'connection_init', payload: {} });
          if (chunk.length === 0) return;
        }
        client.read(chunk, arrivedAt);
      });
    });
  }

  subscribe(request: SubscribeRequest): void {
    this.send({ id: '1', type: 'subscribe', payload: request });
  }

  close(): void {
    this.socket.destroy();
  }

  private send(message: object): void {
    const payload = Buffer.from(JSON.stringify(message));
    const lengthBytes = payload.length < 126 ? 0 : payload.length < 65_536 ? 2 : 8;
    const frame = Buffer.alloc(2 + lengthBytes + 4 + payload.length);
    frame[0] = 0x81; // FIN, text
    if (lengthBytes === 0) frame[1] = 0x80 | payload.length;
    else if (lengthBytes === 2) (frame[1] = 0x80 | 126), frame.writeUInt16BE(payload.length, 2);
    else (frame[1] = 0x80 | 127), frame.writeBigUInt64BE(BigInt(payload.length), 2);
    const maskAt = 2 + lengthBytes;
    randomBytes(4).copy(frame, maskAt);
    for (let i = 0; i < payload.length; i++) frame[maskAt + 4 + i] = payload[i] ^ frame[maskAt + (i & 3)];
    this.socket.write(frame);
  }

  /** Splits what arrived into frames; a frame cut across reads waits for its rest. */
  private read(chunk: Buffer, arrivedAt: number): void {
    let data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = null;
    for (;;) {
      if (data.length < 2) break;
      const opcode = data[0] & 0x0f;
      let length = data[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) break;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) break;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) break;
      const payload = data.subarray(offset, offset + length);
      data = data.subarray(offset + length);
      if (opcode === 0x1) this.text(payload, arrivedAt);
      else if (opcode === 0x8) this.close();
      else if (opcode === 0x9) this.pong(payload);
    }
    if (data.length > 0) this.buffered = Buffer.from(data);
  }

  private text(payload: Buffer, arrivedAt: number): void {
    // The first message is the connection_ack; everything after it goes to the handler.
    if (!this.opening) return this.onMessage(payload, arrivedAt);
    if (payload.includes('"connection_ack"')) this.opening.acked();
    else this.opening.failed(new Error(`expected connection_ack, got ${payload.toString().slice(0, 200)}`));
  }

  private pong(payload: Buffer): void {
    const frame = Buffer.alloc(6 + payload.length);
    frame[0] = 0x8a;
    frame[1] = 0x80 | payload.length;
    for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]; // mask of zeros
    this.socket.write(frame);
  }
}
