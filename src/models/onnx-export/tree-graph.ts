/**
 * TreeEnsemble → ai.onnx.ml TreeEnsembleRegressor / TreeEnsembleClassifier.
 */
import { ONNX_NAMES, type Tree, type TreeEnsemble } from '../trainers/fitted-model.js';
import { checkTrees } from './check-model.js';
import { binaryHead, classifierOutputs, classLabelAttribute, ML_DOMAIN, predictionOutput, type GraphBody } from './graph-parts.js';
import { attr, type AttributeSpec, type NodeSpec } from './onnx-proto.js';

/** The nodes_* and per-leaf weight arrays shared by both tree operators, flattened over trees. */
interface FlatTrees {
  readonly nodes: AttributeSpec[];
  readonly leafTree: number[];
  readonly leafNode: number[];
  readonly leafTarget: number[];
  readonly leafWeight: number[];
}

/** A stand-in for an ensemble with no trees: one leaf adding 0, since ONNX needs a node. */
const EMPTY_TREE: Tree = {
  feature: Int32Array.of(-1),
  threshold: Float64Array.of(0),
  left: Int32Array.of(0),
  right: Int32Array.of(0),
  value: Float64Array.of(0),
};

/**
 * Flattens the trees: node ids are array indices, `x[f] <= threshold` is BRANCH_LEQ with the
 * true branch on the left, and leaves get featureid/value/children 0 as ONNX converters write.
 */
function flatten(model: TreeEnsemble): FlatTrees {
  const trees = model.trees.length > 0 ? model.trees : [EMPTY_TREE];
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const flat: FlatTrees = { nodes: [], leafTree: [], leafNode: [], leafTarget: [], leafWeight: [] };
  trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i++) {
      const leaf = tree.feature[i] === -1;
      treeIds.push(t);
      nodeIds.push(i);
      featureIds.push(leaf ? 0 : tree.feature[i]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      values.push(leaf ? 0 : tree.threshold[i]!);
      trueIds.push(leaf ? 0 : tree.left[i]!);
      falseIds.push(leaf ? 0 : tree.right[i]!);
      if (leaf) {
        flat.leafTree.push(t);
        flat.leafNode.push(i);
        flat.leafTarget.push(model.trees.length > 0 ? model.treeTargets[t]! : 0);
        flat.leafWeight.push(tree.value[i]!);
      }
    }
  });
  flat.nodes.push(
    attr.ints('nodes_falsenodeids', falseIds),
    attr.ints('nodes_featureids', featureIds),
    attr.strings('nodes_modes', modes),
    attr.ints('nodes_nodeids', nodeIds),
    attr.ints('nodes_treeids', treeIds),
    attr.ints('nodes_truenodeids', trueIds),
    attr.floats('nodes_values', values),
  );
  return flat;
}

/** The one-target sum base + Σ leaves, as [batch, 1] named `output`. */
function regressorNode(model: TreeEnsemble, flat: FlatTrees, input: string, output: string): NodeSpec {
  return {
    opType: 'TreeEnsembleRegressor',
    domain: ML_DOMAIN,
    name: 'tree_ensemble_regressor',
    inputs: [input],
    outputs: [output],
    attributes: [
      attr.string('aggregate_function', 'SUM'),
      attr.floats('base_values', model.baseScore),
      attr.int('n_targets', 1),
      ...flat.nodes,
      attr.string('post_transform', 'NONE'),
      attr.ints('target_ids', flat.leafTarget),
      attr.ints('target_nodeids', flat.leafNode),
      attr.ints('target_treeids', flat.leafTree),
      attr.floats('target_weights', flat.leafWeight),
    ],
  };
}

/**
 * Regression: TreeEnsembleRegressor → `prediction` [batch, 1].
 * Binary: the same regressor computes the logit of classes[1], then {@link binaryHead} makes
 * `probabilities` [1 - p, p] and `label` (TreeEnsembleClassifier's binary mode is unreliable).
 * K > 2 classes: TreeEnsembleClassifier, class_ids = the tree's target, SOFTMAX.
 */
export function treeGraph(model: TreeEnsemble, input: string): GraphBody {
  const { classes } = checkTrees(model);
  const flat = flatten(model);
  if (classes === undefined) {
    return { nodes: [regressorNode(model, flat, input, ONNX_NAMES.prediction)], initializers: [], outputs: [predictionOutput()] };
  }
  if (classes.values.length === 2) {
    const head = binaryHead('score', classes);
    return {
      nodes: [regressorNode(model, flat, input, 'score'), ...head.nodes],
      initializers: head.initializers,
      outputs: classifierOutputs(classes),
    };
  }
  const node: NodeSpec = {
    opType: 'TreeEnsembleClassifier',
    domain: ML_DOMAIN,
    name: 'tree_ensemble_classifier',
    inputs: [input],
    outputs: [ONNX_NAMES.label, ONNX_NAMES.probabilities],
    attributes: [
      attr.floats('base_values', model.baseScore),
      attr.ints('class_ids', flat.leafTarget),
      attr.ints('class_nodeids', flat.leafNode),
      attr.ints('class_treeids', flat.leafTree),
      attr.floats('class_weights', flat.leafWeight),
      classLabelAttribute(classes, 'classlabels_int64s'),
      ...flat.nodes,
      attr.string('post_transform', 'SOFTMAX'),
    ],
  };
  return { nodes: [node], initializers: [], outputs: classifierOutputs(classes) };
}
