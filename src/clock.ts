/** Where "now" comes from. Everything that decides by time takes a Clock, so tests can drive it. */
export interface Clock {
  now(): number;
  /** Calls `listener` whenever time is moved by hand; real clocks never call it. */
  onJump(listener: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  onJump: () => () => {},
};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private listeners = new Set<() => void>();

  constructor(private current: number = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(ms: number): void {
    this.current = ms;
    for (const listener of this.listeners) listener();
  }

  onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
