/** Time as a port, so tests can pin it. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that returns a fixed, settable instant (tests). */
export function fixedClock(start: Date): Clock & { set(d: Date): void } {
  let current = start;
  return { now: () => current, set: (d: Date) => { current = d; } };
}
