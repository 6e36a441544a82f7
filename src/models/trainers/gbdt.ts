/**
 * Histogram gradient boosting (the algorithm of LightGBM and scikit-learn's
 * HistGradientBoosting): features binned once, depth-wise trees grown on gradient/hessian
 * histograms, leaf weights −ΣG/(ΣH + l2) shrunk by the learning rate. Squared error for
 * regression, log-loss with one logit for binary and K logits (K trees a round) for multiclass.
 *
 * Deterministic: every random choice (validation split, binning sample, row subsample, feature
 * subsample) comes from one SeededRandom in a fixed order, and all sums run in row order.
 */
import type { ClassLabels, Task, Tree, TreeEnsemble } from './fitted-model.js';
import { binFeatures, type BinnedMatrix } from './gbdt-binning.js';
import { bundleFeatures } from './gbdt-bundling.js';
import { baseline, gradients, lossName, meanLoss, type LossKind } from './gbdt-loss.js';
import { GrowWorkspace, growTree, leafOfBinnedRow, type GrownTree } from './gbdt-tree.js';
import type { TrainerParams } from './params.js';
import { SeededRandom } from './random.js';
import type { IterationCallback, TrainingData } from './training-data.js';

/** Rows used for training and (with early stopping) for validation, ascending. */
interface RowSplit {
  readonly train: Uint32Array;
  readonly valid: Uint32Array;
}

function splitRows(rows: number, params: TrainerParams, rng: SeededRandom): RowSplit {
  const all = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) all[i] = i;
  if (params.early_stopping_rounds === undefined || rows < 2) return { train: all, valid: new Uint32Array(0) };
  const nValid = Math.min(rows - 1, Math.max(1, Math.round(params.validation_fraction * rows)));
  rng.shuffle(all);
  return { valid: all.slice(0, nValid).sort(), train: all.slice(nValid).sort() };
}

/** Fits a tree ensemble. `classes` is required for classification (checked by the caller). */
export function fitGbdt(task: Task, data: TrainingData, classes: ClassLabels | undefined, params: TrainerParams, onIteration?: IterationCallback): TreeEnsemble {
  const kind: LossKind = task === 'regression' ? 'squared_error' : classes!.length === 2 ? 'binary' : 'multiclass';
  const targets = kind === 'multiclass' ? classes!.length : 1;
  const rng = new SeededRandom(params.seed);
  const split = splitRows(data.rows, params, rng);
  const binned = binFeatures(data.X, data.rows, data.features, split.train, params.max_bins, rng);
  const base = baseline(kind, data.y, split.train, targets);
  const state = new BoostState(kind, data, binned, split, base, targets);
  const trees: Tree[] = [];
  const treeTargets: number[] = [];
  const stopper = params.early_stopping_rounds === undefined ? undefined : new EarlyStopper(params.early_stopping_rounds);
  const reporter = new Reporter(lossName(kind), onIteration);
  for (let round = 1; round <= params.n_estimators; round++) {
    // The gradient pass also yields the training loss of the scores so far, which is the
    // previous round's result: reporting it then saves a pass over the rows per round.
    reporter.flush(state.computeGradients(reporter.wanted));
    const grown = state.boostRound(params, rng);
    for (let t = 0; t < targets; t++) {
      trees.push(grown[t]!.tree);
      treeTargets.push(t);
    }
    const valid = stopper && meanLoss(kind, state.raw, data.y, split.valid, targets);
    reporter.hold(round, valid);
    if (stopper && stopper.observe(round, valid!)) break;
  }
  reporter.flush(reporter.wanted ? meanLoss(kind, state.raw, data.y, split.train, targets) : Number.NaN);
  const kept = stopper ? stopper.bestRound * targets : trees.length;
  return {
    kind: 'trees',
    task,
    features: data.features,
    baseScore: base,
    trees: trees.slice(0, kept),
    treeTargets: Int32Array.from(treeTargets.slice(0, kept)),
    ...(task === 'classification' ? { classes } : {}),
  };
}

/** Holds a round's report until its training loss is known. */
class Reporter {
  private held: { step: number; valid: number | undefined } | undefined;

  constructor(
    private readonly name: string,
    private readonly onIteration: IterationCallback | undefined,
  ) {}

  get wanted(): boolean {
    return this.onIteration !== undefined;
  }

  hold(step: number, valid: number | undefined): void {
    this.held = { step, valid };
  }

  flush(trainLoss: number): void {
    if (!this.held || !this.onIteration) return;
    const metrics: Record<string, number> = { [`train_${this.name}`]: trainLoss };
    if (this.held.valid !== undefined) metrics[`valid_${this.name}`] = this.held.valid;
    this.onIteration({ step: this.held.step, metrics });
    this.held = undefined;
  }
}

/** Tracks the best validation loss; says stop after `patience` rounds without improvement. */
class EarlyStopper {
  bestRound = 0;
  private best = Infinity;

  constructor(private readonly patience: number) {}

  observe(round: number, loss: number): boolean {
    if (loss < this.best) {
      this.best = loss;
      this.bestRound = round;
    }
    return round - this.bestRound >= this.patience;
  }
}

/** Raw scores, gradients and scratch space carried from round to round. */
class BoostState {
  /** rows × targets raw scores, for training and validation rows. */
  readonly raw: Float64Array;
  private readonly grad: Float64Array[];
  private readonly hess: Float64Array[];
  private readonly ws: GrowWorkspace;
  private readonly sample: Uint32Array;
  /** Round in which a row was last in the sample (rows outside it are updated by walking the tree). */
  private readonly stamp: Int32Array;
  private round = 0;

  constructor(
    private readonly kind: LossKind,
    private readonly data: TrainingData,
    private readonly binned: BinnedMatrix,
    private readonly split: RowSplit,
    base: Float64Array,
    private readonly targets: number,
  ) {
    const rows = data.rows;
    this.raw = new Float64Array(rows * targets);
    for (let i = 0; i < rows; i++) for (let t = 0; t < targets; t++) this.raw[i * targets + t] = base[t]!;
    this.grad = Array.from({ length: targets }, () => new Float64Array(rows));
    this.hess = Array.from({ length: targets }, () => new Float64Array(rows));
    this.ws = new GrowWorkspace(binned, bundleFeatures(binned));
    this.sample = new Uint32Array(rows);
    this.stamp = new Int32Array(rows);
  }

  /** Gradients and hessians at the current scores; returns the mean training loss when asked. */
  computeGradients(withLoss: boolean): number {
    return gradients(this.kind, this.raw, this.data.y, this.split.train, this.targets, this.grad, this.hess, withLoss);
  }

  /** One boosting round on the current gradients: one tree per target, scores updated. */
  boostRound(params: TrainerParams, rng: SeededRandom): GrownTree[] {
    this.round++;
    const { data, targets } = this;
    const sample = this.drawSample(params.subsample, rng);
    const grown: GrownTree[] = [];
    for (let t = 0; t < targets; t++) {
      const active = drawFeatures(data.features, params.colsample, rng);
      const tree = growTree(this.ws, this.grad[t]!, this.hess[t]!, sample, sample.length, active, {
        maxDepth: params.max_depth,
        minSamplesLeaf: params.min_samples_leaf,
        l2: params.l2,
        learningRate: params.learning_rate,
      });
      this.applyTree(tree, t, params.subsample < 1);
      grown.push(tree);
    }
    return grown;
  }

  /**
   * The rows of this round's trees: all training rows, or a Bernoulli subsample (no per-round
   * allocation) with sampled rows stamped with the round.
   */
  private drawSample(fraction: number, rng: SeededRandom): Uint32Array {
    const train = this.split.train;
    if (fraction >= 1) return train;
    let n = 0;
    for (let i = 0; i < train.length; i++) {
      if (rng.next() < fraction) {
        const row = train[i]!;
        this.sample[n++] = row;
        this.stamp[row] = this.round;
      }
    }
    if (n === 0) {
      // A tiny data set can draw nobody: fall back to one random row rather than an empty tree.
      const row = train[rng.int(train.length)]!;
      this.sample[n++] = row;
      this.stamp[row] = this.round;
    }
    return this.sample.subarray(0, n);
  }

  /**
   * Adds the tree's values to target t: the tree's rows through its leaf ranges; the others
   * (validation rows, and training rows outside a subsample) by walking the tree in bin space.
   */
  private applyTree(grown: GrownTree, t: number, subsampled: boolean): void {
    const { raw, targets, binned, stamp, round } = this;
    const idx = this.ws.idx;
    const { feature, value } = grown.tree;
    for (let node = 0; node < feature.length; node++) {
      if (feature[node]! >= 0) continue;
      const v = value[node]!;
      for (let i = grown.start[node]!; i < grown.end[node]!; i++) {
        const at = idx[i]! * targets + t;
        raw[at] = raw[at]! + v;
      }
    }
    const walk = (row: number): void => {
      const at = row * targets + t;
      raw[at] = raw[at]! + value[leafOfBinnedRow(grown, binned, row)]!;
    };
    for (const row of this.split.valid) walk(row);
    if (!subsampled) return;
    for (const row of this.split.train) if (stamp[row] !== round) walk(row);
  }
}

/** Feature subsample for one tree, ascending (all features when fraction is 1). */
function drawFeatures(features: number, fraction: number, rng: SeededRandom): Int32Array {
  if (fraction >= 1) return Int32Array.from({ length: features }, (_, f) => f);
  const k = Math.max(1, Math.round(fraction * features));
  return Int32Array.from(rng.sample(features, k));
}
