import { Client } from 'pg';
import { LOG_CHANNEL } from '../db/statements/event-log';
import type { Logger } from '../observability/logger';

/** Callbacks of a signal: a commit appended up to `position` in an event's log; or "you may have missed some". */
interface LogSignalHandlers {
  appended(eventId: string, position: number): void;
  resync(): void;
}

/**
 * Tells this instance that an event's log grew, by any instance's commit. It carries only the
 * event and its position: the entries themselves are read from the committed log.
 */
export interface LogSignal {
  start(handlers: LogSignalHandlers): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL: one listening connection per instance. NOTIFY arrives only after COMMIT (never
 * after ROLLBACK), from every instance. When the connection drops, it reconnects and asks the
 * feed to catch up from what it last delivered, so nothing is missed.
 */
export function listenSignal(databaseUrl: string, logger: Logger, retryMs = 500): LogSignal {
  let client: Client | undefined;
  let stopped = false;
  let handlers: LogSignalHandlers;

  async function connect(first: boolean): Promise<void> {
    const next = new Client({ connectionString: databaseUrl, application_name: 'verification-backend-listen' });
    next.on('notification', (message) => {
      const [eventId, position] = (message.payload ?? '').split(':');
      if (eventId && position) handlers.appended(eventId, Number(position));
    });
    next.on('error', (error) => logger.warn({ err: error }, 'log listener connection failed'));
    next.on('end', () => {
      if (stopped || client !== next) return;
      client = undefined;
      logger.warn('log listener disconnected; reconnecting');
      void reconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${LOG_CHANNEL}`);
    client = next;
    if (!first) handlers.resync();
  }

  async function reconnect(): Promise<void> {
    while (!stopped && !client) {
      try {
        await connect(false);
        logger.info('log listener reconnected');
      } catch (error) {
        logger.warn({ err: error }, 'log listener reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  }

  return {
    async start(h) {
      handlers = h;
      await connect(true);
    },
    async stop() {
      stopped = true;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
