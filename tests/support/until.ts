import type { EventEmitter } from 'node:events';

/**
 * Resolves once `holds()` is true: checked now, and again each time `emitter` emits `event`.
 * The timeout only fails the test (with `what`); nothing waits for time to pass.
 */
export function until(
  emitter: Pick<EventEmitter, 'on' | 'off'>,
  event: string,
  holds: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let checking = false;
    let again = false;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      emitter.off(event, check);
      if (error) reject(error);
      else resolve();
    };
    // An async check runs once at a time; an event during it asks for one more.
    const check = async () => {
      if (checking) return void (again = true);
      checking = true;
      try {
        do {
          again = false;
          if (await holds()) return finish();
        } while (again && !done);
      } catch (error) {
        finish(error);
      } finally {
        checking = false;
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    emitter.on(event, check);
    void check();
  });
}
