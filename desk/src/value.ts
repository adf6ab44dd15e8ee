import { useEffect, useState } from 'preact/hooks';

/** A value that views follow: set() re-renders every view that uses it. */
export class Value<T> {
  private readonly listeners = new Set<(value: T) => void>();
  constructor(private current: T) {}

  get(): T {
    return this.current;
  }

  set(value: T): void {
    this.current = value;
    for (const listener of [...this.listeners]) listener(value);
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The value's current state, re-rendering on each change. */
export function useValue<T>(value: Value<T>): T {
  const [, render] = useState(0);
  useEffect(() => value.subscribe(() => render((n) => n + 1)), [value]);
  return value.get();
}
