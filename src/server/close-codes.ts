/** Close codes this server uses, besides graphql-ws's own (4403 Forbidden for a bad token). */
export const LiveCloseCode = {
  /** The client stopped reading and messages piled up; reconnect and resume from the last cursor. */
  SlowConsumer: 1013,
  /** The server is shutting down; reconnect (to another instance) and resume from the last cursor. */
  GoingAway: 1001,
} as const;
