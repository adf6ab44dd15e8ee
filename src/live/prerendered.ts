import type { FormattedExecutionResult } from 'graphql';

/**
 * A subscription result that is serialised once, however many sockets it goes to.
 *
 * graphql-ws builds each `next` message as JSON.stringify({ id, type, payload }), so every
 * subscriber would pay for serialising the same payload again. A prerendered result stands in
 * for its payload with a short marker while the message is stringified, and the transport
 * splices the text rendered once back in (see {@link spliceRendered}).
 */
export class PrerenderedResult implements FormattedExecutionResult {
  readonly data: FormattedExecutionResult['data'];
  readonly errors: FormattedExecutionResult['errors'];
  private rendered: string | undefined;

  constructor(result: FormattedExecutionResult) {
    this.data = result.data;
    this.errors = result.errors;
  }

  /** The payload's JSON text, rendered on first use. */
  get text(): string {
    if (this.rendered === undefined) {
      this.rendered = JSON.stringify({ data: this.data, ...(this.errors ? { errors: this.errors } : {}) });
      prerenderCounts.rendered++;
    }
    return this.rendered;
  }

  /** The payload's text, for one more message that carries it. */
  forMessage(): string {
    prerenderCounts.sent++;
    return this.text;
  }

  /** Called by JSON.stringify on the message: notes the text to splice in, leaves a marker. */
  toJSON(): string {
    lastRendered = this.forMessage();
    return marker;
  }
}

const marker = 'prerendered:\u0000';
/** How a message whose payload is a prerendered result ends once stringified. */
const markedEnd = `"payload":${JSON.stringify(marker)}}`;

/**
 * The text of the last prerendered result stringified. graphql-ws stringifies a message and
 * hands it to the socket in one synchronous step, so the next message sent is the one it
 * belongs to.
 */
let lastRendered: string | undefined;

/** Payloads serialised, and messages that carried one, in this process (for metrics and tests). */
export const prerenderCounts = { rendered: 0, sent: 0 };

/** A message as it goes on the wire: a prerendered payload's marker replaced by its text. */
export function spliceRendered(message: string): string {
  const text = lastRendered;
  lastRendered = undefined;
  if (text === undefined || !message.endsWith(markedEnd)) return message;
  return `${message.slice(0, message.length - markedEnd.length)}"payload":${text}}`;
}
