import type { WebSocket } from 'ws';
import { InitialisationWatch } from '../../src/server/socket-liveness';

// The watch's sweep and its clock (performance.now) on jest's fake timers: moved by the test.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A socket as the watch sees it: only its close is called. */
const socket = () => ({ close: jest.fn() });
const asSocket = (fake: ReturnType<typeof socket>) => fake as unknown as WebSocket;

describe('InitialisationWatch', () => {
  const waitMs = 1_000;

  test('closes a silent socket with 4408 once its wait is over, not before, and by a quarter of the wait after', () => {
    const watch = new InitialisationWatch(waitMs);
    const silent = socket();
    watch.opened(asSocket(silent));
    jest.advanceTimersByTime(waitMs - 1);
    expect(silent.close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(waitMs / 4 + 1);
    expect(silent.close.mock.calls).toEqual([[4408, 'Connection initialisation timeout']]);
    watch.stop();
  });

  test('a socket that sent its connection_init, or closed, is never closed by the watch', () => {
    const watch = new InitialisationWatch(waitMs);
    const [polite, gone] = [socket(), socket()];
    watch.opened(asSocket(polite));
    watch.opened(asSocket(gone));
    jest.advanceTimersByTime(waitMs / 2);
    watch.done(asSocket(polite));
    watch.done(asSocket(gone));
    jest.advanceTimersByTime(10 * waitMs);
    expect(polite.close).not.toHaveBeenCalled();
    expect(gone.close).not.toHaveBeenCalled();
    watch.stop();
  });

  test('each socket has its own wait, from when it opened', () => {
    const watch = new InitialisationWatch(waitMs);
    const [early, late] = [socket(), socket()];
    watch.opened(asSocket(early));
    jest.advanceTimersByTime(waitMs / 2);
    watch.opened(asSocket(late));
    jest.advanceTimersByTime(waitMs / 2 + waitMs / 4);
    expect(early.close).toHaveBeenCalledTimes(1);
    expect(late.close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(waitMs / 2);
    expect(late.close).toHaveBeenCalledTimes(1);
    expect(early.close).toHaveBeenCalledTimes(1);
    watch.stop();
  });
});
