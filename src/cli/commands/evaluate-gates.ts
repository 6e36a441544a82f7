import { evaluateGate, parseGate, type ComparisonOp, type Gate, type GateExpr } from '../../models/index.js';

/** A gate's outcome for the CLI: both sides when it ran, or why it was skipped. */
export interface GateOutcome {
  readonly expression: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly op: ComparisonOp;
  readonly leftText: string;
  readonly rightText: string;
  readonly left?: number;
  readonly right?: number;
  readonly reason?: string;
}

/** Parses every gate up front, so a typo fails before minutes of scoring. */
export function parseGates(expressions: readonly string[]): Gate[] {
  return expressions.map(parseGate);
}

function usesChampion(e: GateExpr): boolean {
  if (e.kind === 'metric') return e.source === 'champion';
  if (e.kind === 'negate') return usesChampion(e.operand);
  if (e.kind === 'binary') return usesChampion(e.left) || usesChampion(e.right);
  return false;
}

/**
 * Evaluates the gates. With --compare but no champion yet (the first model of a name), gates on
 * `champion.*` are skipped and say so: there is nothing to be worse than.
 */
export function decideGates(gates: readonly Gate[], current: Record<string, number>, champion: Record<string, number> | undefined, compare: string | undefined): GateOutcome[] {
  return gates.map((g) => {
    if (usesChampion(g.left) || usesChampion(g.right)) {
      if (!champion && compare) return { expression: g.text, status: 'skipped', op: g.op, leftText: g.leftText, rightText: g.rightText, reason: `no model at ${compare} yet` };
    }
    const r = evaluateGate(g, { current, ...(champion ? { champion } : {}) });
    return { expression: r.expression, status: r.passed ? 'passed' : 'failed', op: r.op, leftText: r.leftText, rightText: r.rightText, left: r.left, right: r.right };
  });
}
