/**
 * A single-row fast path for small classic-ML graphs (tree ensembles and the operators around
 * them, as Paddock's exporter writes): the graph evaluated in JavaScript, synchronously.
 *
 * Why: a server answers one row per request, and onnxruntime-node's fixed cost per run (about
 * 15 µs: tensors, a native call, a setImmediate hop) is several times what walking 100 small
 * trees costs. The evaluator is only an accelerator: it is built only for graphs whose every
 * operator it knows, and used only after it has given onnxruntime's own answers, bit for bit, on
 * rows chosen to sit on and beside every split threshold. Anything else runs on onnxruntime.
 */
import type { OnnxFeed, OnnxModel, OnnxResult } from './onnx-session.js';
import { readOnnxGraph, type OnnxGraph, type OnnxNode } from './onnx-reader.js';
import { constantValue, mlasLogistic, nextFloat32, standardOp, treeEnsembleRegressor, treeEnsembleScorer, Unsupported, type RowOp, type RowValue, type SigmoidVariant } from './row-ops.js';

/** Evaluates one row of the model's single float32 input; returns the fetched outputs. */
export type RowEvaluator = (row: Float32Array) => Record<string, OnnxResult>;

interface CompiledStep {
  readonly op: RowOp;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/**
 * Compiles `graph` for one row of its one input (a float32 [1, width] matrix), fetching `fetch`.
 * Undefined when any operator or attribute is outside what row-ops.ts reproduces.
 */
export function compileRowEvaluator(graph: OnnxGraph, fetch: readonly string[], sigmoid: SigmoidVariant): RowEvaluator | undefined {
  if (graph.inputs.length !== 1) return undefined;
  const slots = new Map<string, number>();
  const slot = (name: string) => {
    let s = slots.get(name);
    if (s === undefined) slots.set(name, (s = slots.size));
    return s;
  };
  const input = slot(graph.inputs[0]!);
  const constants: [number, RowValue][] = [];
  const steps: CompiledStep[] = [];
  try {
    for (const [name, t] of graph.initializers) constants.push([slot(name), constantValue(t)]);
    for (const node of graph.nodes) {
      const op = node.domain === 'ai.onnx.ml' && node.opType === 'TreeEnsembleRegressor' ? treeEnsembleRegressor(node)
        : node.domain === '' || node.domain === 'ai.onnx' ? standardOp(node, sigmoid)
        : undefined;
      if (!op) return undefined;
      steps.push({ op, inputs: node.inputs.map(slot), outputs: node.outputs.map(slot) });
    }
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const fetched = fetch.map((name) => [name, slots.get(name)] as const);
  if (fetched.some(([, s]) => s === undefined)) return undefined;
  const size = slots.size;
  return (row) => {
    const values = new Array<RowValue | undefined>(size);
    for (const [s, v] of constants) values[s] = v;
    values[input] = { type: 'float32', data: row, dims: [1, row.length] };
    for (const step of steps) {
      const out = step.op(step.inputs.map((s) => values[s]));
      for (let k = 0; k < step.outputs.length; k++) values[step.outputs[k]!] = out[k];
    }
    const results: Record<string, OnnxResult> = {};
    for (const [name, s] of fetched) {
      const v = values[s!];
      if (!v) throw new Unsupported(`output ${name} not computed`);
      results[name] = { data: v.data as OnnxResult['data'], dims: v.dims, type: v.type };
    }
    return results;
  };
}

/**
 * The evaluator for `model` when it reproduces onnxruntime exactly, else undefined. `width` is
 * the input row's length; `examples` are real rows (e.g. the package's input example, encoded).
 * Each Sigmoid rounding variant is tried, since which one onnxruntime uses depends on the CPU.
 */
export async function verifiedRowEvaluator(bytes: Uint8Array, model: OnnxModel, fetch: readonly string[], width: number, examples: readonly Float32Array[]): Promise<RowEvaluator | undefined> {
  const input = model.inputs[0];
  if (model.inputs.length !== 1 || input?.elementType !== 'float32') return undefined;
  let graph: OnnxGraph;
  try {
    graph = readOnnxGraph(bytes);
  } catch {
    return undefined;
  }
  const rows = [...examples, ...probeRows(graph, width, 256)];
  // One single-row run per row (a batch may round differently), all queued at once: awaited one
  // by one they would each wait a turn of a busy server's event loop (a hot swap under load).
  const expected = await Promise.all(rows.map((row) => model.run({ [input.name]: { data: row, dims: [1, width] } satisfies OnnxFeed }, fetch)));
  for (const variant of ['fma', 'plain'] as const) {
    // The fused form first (fewer steps per row); the general one where the graph is not that shape.
    for (const evaluate of [fusedBinaryTrees(graph, fetch, variant), compileRowEvaluator(graph, fetch, variant)]) {
      if (evaluate && rows.every((row, i) => agrees(evaluate, row, expected[i]!, fetch))) return evaluate;
    }
  }
  return undefined;
}

/** The operators of Paddock's binary tree classifier, in the exporter's order (onnx-export/graph-parts.ts binaryHead). */
const BINARY_TREES = ['TreeEnsembleRegressor', 'Neg', 'Sigmoid', 'Sigmoid', 'Concat', 'Greater', 'Cast', 'Reshape', 'Gather'];

/**
 * The graph Paddock exports for a binary tree classifier (a score, then [σ(−s), σ(s)] and the
 * label s > 0 ? classes[1] : classes[0]) as one function of the row, without the general
 * evaluator's per-operator values. Undefined for any other graph; like the general evaluator,
 * used only once it has matched onnxruntime row for row.
 */
function fusedBinaryTrees(graph: OnnxGraph, fetch: readonly string[], sigmoid: SigmoidVariant): RowEvaluator | undefined {
  if (graph.nodes.length !== BINARY_TREES.length || graph.nodes.some((n, i) => n.opType !== BINARY_TREES[i])) return undefined;
  const [trees, , , , concat, greater, , , gather] = graph.nodes as [OnnxNode, OnnxNode, OnnxNode, OnnxNode, OnnxNode, OnnxNode, OnnxNode, OnnxNode, OnnxNode];
  const zero = graph.initializers.get(greater.inputs[1]!);
  const labels = graph.initializers.get(gather.inputs[0]!);
  const probabilities = concat.outputs[0]!;
  const label = gather.outputs[0]!;
  if (zero?.dataType !== 1 || zero.values.length !== 1 || !labels || labels.values.length !== 2 || !fetch.every((o) => o === probabilities || o === label)) return undefined;
  let score: (row: Float32Array) => number;
  try {
    score = treeEnsembleScorer(trees);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const threshold = Math.fround(zero.values[0] as number);
  const [no, yes] = labels.values as readonly (number | string)[];
  const labelType = labels.dataType === 8 ? 'string' : 'int64';
  return (row) => {
    const s = score(row);
    const results: Record<string, OnnxResult> = {};
    results[probabilities] = { data: Float32Array.of(mlasLogistic(-s, sigmoid), mlasLogistic(s, sigmoid)), dims: [1, 2], type: 'float32' };
    results[label] = { data: [s > threshold ? yes : no] as OnnxResult['data'], dims: [1], type: labelType };
    return results;
  };
}

/** Rows whose features sit on, just below and just above the graph's split thresholds, and in between. */
function probeRows(graph: OnnxGraph, width: number, count: number): Float32Array[] {
  const thresholds: number[][] = Array.from({ length: width }, () => []);
  for (const node of graph.nodes) {
    const features = node.attributes.get('nodes_featureids')?.ints ?? [];
    const values = node.attributes.get('nodes_values')?.floats ?? [];
    features.forEach((j, i) => {
      if (j < width && Number.isFinite(values[i])) thresholds[j]!.push(Math.fround(values[i]!));
    });
  }
  // A fixed generator, so a load's verdict does not change from one start to the next.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: width }, (_, j) => {
    const ts = thresholds[j]!;
    const pick = random();
    if (ts.length === 0 || pick < 0.2) return (random() - 0.5) * 20;
    const t = ts[Math.floor(random() * ts.length)]!;
    return pick < 0.5 ? t : nextFloat32(t, pick < 0.75 ? 1 : -1);
  }));
}

/** Whether the evaluator gives onnxruntime's answer for `row` (an operator case it does not handle counts as no). */
function agrees(evaluate: RowEvaluator, row: Float32Array, want: Record<string, OnnxResult>, fetch: readonly string[]): boolean {
  try {
    return sameResults(evaluate(row), want, fetch);
  } catch (err) {
    if (err instanceof Unsupported) return false;
    throw err;
  }
}

function sameResults(got: Record<string, OnnxResult>, want: Record<string, OnnxResult>, fetch: readonly string[]): boolean {
  for (const name of fetch) {
    const a = got[name];
    const b = want[name];
    if (!a || !b || a.data.length !== b.data.length || a.dims.join() !== b.dims.join()) return false;
    for (let i = 0; i < a.data.length; i++) {
      const x = a.data[i] as unknown;
      const y = b.data[i] as unknown;
      // int64 comes back from onnxruntime as bigint; float32 compared exactly (NaN equal to NaN).
      if (typeof y === 'bigint' ? BigInt(x as number) !== y : !Object.is(x, y)) return false;
    }
  }
  return true;
}
