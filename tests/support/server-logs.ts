import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { until } from './until';

type LogLine = Record<string, any>;

/**
 * The JSON lines a server in this process logs (at its LOG_LEVEL), kept in order; each is
 * also emitted as 'line', so a test can wait for the one it expects.
 */
export class ServerLogs extends EventEmitter {
  readonly lines: LogLine[] = [];
  private partial = '';

  /** The destination the server's logger writes to; echoed to stdout when `echo`. */
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      if (this.echo) process.stdout.write(chunk);
      const text = this.partial + String(chunk);
      const complete = text.split('\n');
      this.partial = complete.pop()!;
      for (const raw of complete.filter(Boolean)) {
        const line = JSON.parse(raw) as LogLine;
        this.lines.push(line);
        this.emit('line', line);
      }
      done();
    },
  });

  constructor(private readonly echo = false) {
    super();
    this.setMaxListeners(0); // a waiter per operation in flight
  }

  /** The first line that matches, logged already or when it is logged; fails after timeoutMs. */
  async find(match: (line: LogLine) => boolean, what = 'a matching log line', timeoutMs = 15_000): Promise<LogLine> {
    await until(this, 'line', () => this.lines.some(match), what, timeoutMs);
    return this.lines.find(match)!;
  }

  /** How many lines match so far. */
  count(match: (line: LogLine) => boolean): number {
    return this.lines.filter(match).length;
  }
}
