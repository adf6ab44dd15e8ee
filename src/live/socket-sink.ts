import type { WebSocket } from 'ws';

/** Flow control of one socket's outgoing messages. */
interface SendLimits {
  /** Unsent bytes above which a send waits until its message is written, so replays are paced by the reader. */
  pauseAboveBytes: number;
  /** Unsent bytes above which the socket is cut off: its client stopped reading. */
  cutOffAboveBytes: number;
}

/**
 * The one way messages leave for a WebSocket: graphql-ws's own (acknowledgements, errors,
 * completions, query results) and every subscription's `next` messages, which the groups send
 * through the result output. A send does not wait for the write unless the socket's unsent
 * bytes pass `pauseAboveBytes`, so one slow socket does not pace the others; a socket whose
 * unsent bytes pass `cutOffAboveBytes` is handed to `cutOff` instead of growing the server's
 * memory.
 */
export class SocketSink {
  constructor(
    private readonly limits: SendLimits,
    /** Closes a socket whose client stopped reading (1013); `why` is for the log. */
    readonly cutOff: (socket: WebSocket, why: string) => void,
  ) {}

  /**
   * Writes a message. Returns a promise only when the socket holds more than `pauseAboveBytes`
   * unsent: it settles once this message is written, which is when the next may go.
   */
  send(socket: WebSocket, data: string): Promise<void> | undefined {
    if (socket.readyState !== socket.OPEN) return undefined;
    const pause = socket.bufferedAmount > this.limits.pauseAboveBytes;
    let written: Promise<void> | undefined;
    if (pause) written = new Promise((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
    else socket.send(data);
    if (socket.bufferedAmount > this.limits.cutOffAboveBytes) this.cutOff(socket, 'unsent bytes');
    return written;
  }
}
