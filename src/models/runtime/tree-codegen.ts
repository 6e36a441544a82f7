/**
 * Tree ensembles compiled to JavaScript: one function per tree, its splits nested `if`s with the
 * features' indices and the thresholds as literals, returning its leaf's weight as a literal.
 *
 * Why: the single-row scorer's table walks (row-ops.ts) spend ~47 machine instructions per
 * visited node (loads of the node's words, bounds checks, indexing that depends on the data
 * just loaded); a compiled split is a load of the row's feature, a compare against a constant
 * and a branch. One function per tree, not one for the ensemble: V8 does not optimise functions
 * whose bytecode passes ~60 KB, and it gives each function its own type feedback.
 *
 * Safety: only numbers reach the source. Feature indices must be non-negative safe integers,
 * modes one of the six comparisons, node links inside the table, and every number is printed
 * by numberLiteral (digits, or NaN / Infinity / -0 spelled out). Anything else, a tree deeper
 * than MAX_DEPTH or larger than MAX_NODES (also what bounds a table whose "tree" shares or
 * cycles through nodes), or a `new Function` that throws (e.g. code generation from strings
 * disallowed) gives undefined: the caller keeps its table walks.
 *
 * The trees are called from generated adders, `s = f(s + t0(r)); s = f(s + t1(r)); ...`, not from
 * a loop over an array of them: each call site then sees one function, which V8 calls directly
 * or inlines (a loop's one call site sees them all: ~35 more instructions per tree).
 *
 * Exactness: a row's feature (a float32 read as a double) is compared with the double of the
 * float32 threshold, as the walks compare them, and a leaf returns the double of its float32
 * weight; compileEnsemble sums them with the walks' float32 rounding, in tree order.
 */

/** The trees as row-ops.ts flattens them: per node (by attribute position) its split or leaf. */
export interface TreeTable {
  /** Each tree's root node, in tree order. */
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** 0–5: BRANCH_LEQ, LT, GTE, GT, EQ, NEQ (row-ops.ts's MODES); 6: LEAF. */
  readonly mode: Uint8Array;
  readonly trueNext: Int32Array;
  readonly falseNext: Int32Array;
  /** Non-zero: a NaN feature goes to the true child. */
  readonly missingTrue: Uint8Array;
  readonly weight: Float32Array;
}

/** One compiled tree: the weight of the leaf `row` reaches. */
export type TreeFunction = (row: Float32Array) => number;

/** Deepest root-to-leaf path compiled (in branches). */
export const MAX_DEPTH = 64;
/** Most nodes compiled per tree: keeps a tree's bytecode well under V8's optimisation limit. */
export const MAX_NODES = 4096;
/** Trees summed per generated adder (a few bytes of bytecode per tree). */
export const TREES_PER_ADDER = 512;

const LEAF = 6;
const NEQ = 5;
/** The comparison `x OP threshold` that sends x to the true child, by mode. */
const OPERATORS = ['<=', '<', '>=', '>', '===', '!=='] as const;

/**
 * `x` as a JavaScript literal for exactly that double (String round-trips doubles), or undefined
 * if it is not a number. -0 is spelled out (String(-0) is "0"), as are NaN and the infinities.
 */
export function numberLiteral(x: number): string | undefined {
  if (typeof x !== 'number') return undefined;
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  const s = String(x);
  return /^-?\d+(\.\d+)?(e[+-]\d+)?$/.test(s) ? s : undefined;
}

/**
 * The body of the function (of `r`, the row) for the tree rooted at node `root`, or undefined
 * when the tree cannot be compiled (see the file comment).
 */
export function treeSource(t: TreeTable, root: number): string | undefined {
  const n = t.mode.length;
  const lines: string[] = [];
  let nodes = 0;
  // Emits node i's code at `depth` branches below the root; false when the tree is not compiled.
  const emit = (i: number, depth: number, indent: string): boolean => {
    if (!Number.isInteger(i) || i < 0 || i >= n || ++nodes > MAX_NODES) return false;
    const mode = t.mode[i]!;
    if (mode === LEAF) {
      const w = numberLiteral(t.weight[i]!);
      if (w === undefined) return false;
      lines.push(`${indent}return ${w};`);
      return true;
    }
    const op = OPERATORS[mode];
    const k = t.feature[i]!;
    const v = numberLiteral(t.threshold[i]!);
    if (op === undefined || v === undefined || !Number.isSafeInteger(k) || k < 0 || depth >= MAX_DEPTH) return false;
    const x = `r[${k}]`;
    // NaN fails every comparison but !==; a node tracking missing values as true sends it there anyway.
    const cond = t.missingTrue[i] !== 0 && mode !== NEQ ? `${x} ${op} ${v} || ${x} !== ${x}` : `${x} ${op} ${v}`;
    lines.push(`${indent}if (${cond}) {`);
    if (!emit(t.trueNext[i]!, depth + 1, `${indent}  `)) return false;
    lines.push(`${indent}}`);
    return emit(t.falseNext[i]!, depth + 1, indent);
  };
  return emit(root, 0, '  ') ? `'use strict';\n${lines.join('\n')}\n` : undefined;
}

/**
 * The float32 sum of the leaf weights a row reaches, tree by tree in tree order from 0, each
 * step rounded (score = fround(score + weight)), or undefined when a tree cannot be compiled.
 */
export function compileEnsemble(t: TreeTable): TreeFunction | undefined {
  const trees = compileTrees(t);
  if (!trees) return undefined;
  const adders: ((row: Float32Array, score: number) => number)[] = [];
  for (let at = 0; at < trees.length; at += TREES_PER_ADDER) {
    const some = trees.slice(at, at + TREES_PER_ADDER);
    const names = some.map((_, i) => `t${i}`);
    const body = `'use strict';\nreturn (r, s) => {\n${names.map((name) => `  s = f(s + ${name}(r));`).join('\n')}\n  return s;\n};\n`;
    try {
      adders.push(new Function('f', ...names, body)(Math.fround, ...some) as (row: Float32Array, score: number) => number);
    } catch {
      return undefined;
    }
  }
  if (adders.length === 1) {
    const [add] = adders as [(row: Float32Array, score: number) => number];
    return (row) => add(row, 0);
  }
  return (row) => {
    let score = 0;
    for (let k = 0; k < adders.length; k++) score = adders[k]!(row, score);
    return score;
  };
}

/** A function per tree of `t`, in tree order, or undefined when any tree cannot be compiled. */
export function compileTrees(t: TreeTable): TreeFunction[] | undefined {
  const trees: TreeFunction[] = [];
  for (const root of t.roots) {
    const body = treeSource(t, root);
    if (body === undefined) return undefined;
    try {
      // The body holds only numeric literals, `r` and fixed syntax (treeSource): nothing from the model is evaluated as code.
      trees.push(new Function('r', body) as TreeFunction);
    } catch {
      return undefined;
    }
  }
  return trees;
}
