/**
 * Counts turns of the event loop (a setImmediate that schedules itself) until stopped: a test's
 * way of seeing that work it awaited let the loop turn, and when.
 */
export function countTurns(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let counting = true;
  const spin = (): void => {
    turns++;
    if (counting) setImmediate(spin);
  };
  setImmediate(spin);
  return {
    get turns() {
      return turns;
    },
    stop() {
      counting = false;
    },
  };
}
