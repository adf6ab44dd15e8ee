import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger';

/** Where a request came from, as its logs and a masked error name it. */
export interface RequestOrigin {
  /** The HTTP request's id, or the WebSocket connection's id and the operation's number. */
  requestId: string;
  /** The app's logger with the request id on every line. */
  log: Logger;
}

/** A fresh request id, and a child of `logger` that puts it on every line, made when first used. */
export function newOrigin(logger: Logger, requestId: string = randomUUID()): RequestOrigin {
  let log: Logger | undefined;
  return {
    requestId,
    get log() {
      return (log ??= logger.child({ requestId }));
    },
  };
}
