import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface WireResponse {
  status: number;
  /** The body, decompressed as its Content-Encoding says. */
  text: string;
  /** Every byte the client read for this response: status line, headers and (compressed) body. */
  receivedBytes: number;
  /** The (compressed) body alone. */
  bodyBytes: number;
  /** Its Content-Encoding, or "identity". */
  encoding: string;
}

/**
 * One request on a connection of its own, so that the socket's byte count is exactly this
 * response as it crossed the wire; the client sends `headers` as given (a browser sends
 * Accept-Encoding: gzip, deflate, br).
 */
export function requestOnTheWire(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const decoded =
          encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : encoding === 'deflate' ? inflateSync(body) : body;
        resolve({ status: res.statusCode!, text: decoded.toString('utf8'), receivedBytes: res.socket.bytesRead, bodyBytes: body.length, encoding: encoding ?? 'identity' });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
