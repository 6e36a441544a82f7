/**
 * Pieces every exported graph shares: the output declarations ONNX_NAMES promises, and the
 * binary-classification head built from standard operators.
 */
import { ONNX_NAMES } from '../trainers/fitted-model.js';
import { attr, ELEM_TYPE, type AttributeSpec, type NodeSpec, type TensorSpec, type ValueInfoSpec } from './onnx-proto.js';

/** Classes after validation: integer labels (written as int64) or strings. */
export type CheckedClasses =
  | { readonly kind: 'ints'; readonly values: readonly number[] }
  | { readonly kind: 'strings'; readonly values: readonly string[] };

/** What a model-specific builder contributes to the graph. */
export interface GraphBody {
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorSpec[];
  readonly outputs: readonly ValueInfoSpec[];
}

/** The symbolic batch dimension of every input and output. */
export const BATCH = 'batch';

/** ai.onnx.ml, where the classic-ML operators live. */
export const ML_DOMAIN = 'ai.onnx.ml';

/** `prediction`: float32 [batch, 1]. */
export function predictionOutput(): ValueInfoSpec {
  return { name: ONNX_NAMES.prediction, elemType: ELEM_TYPE.FLOAT, shape: [BATCH, 1] };
}

/** `label` (int64 or string [batch]) and `probabilities` (float32 [batch, K]). */
export function classifierOutputs(classes: CheckedClasses): ValueInfoSpec[] {
  const labelType = classes.kind === 'ints' ? ELEM_TYPE.INT64 : ELEM_TYPE.STRING;
  return [
    { name: ONNX_NAMES.label, elemType: labelType, shape: [BATCH] },
    { name: ONNX_NAMES.probabilities, elemType: ELEM_TYPE.FLOAT, shape: [BATCH, classes.values.length] },
  ];
}

/** The class-label attribute of an ai.onnx.ml classifier (`classlabels_ints` on LinearClassifier, `classlabels_int64s` on trees). */
export function classLabelAttribute(classes: CheckedClasses, intsName: 'classlabels_ints' | 'classlabels_int64s'): AttributeSpec {
  return classes.kind === 'ints' ? attr.ints(intsName, classes.values) : attr.strings('classlabels_strings', classes.values);
}

/**
 * Turns one logit column `score` [batch, 1] (the score of classes[1]) into `probabilities`
 * [batch, 2] = [sigmoid(-s), sigmoid(s)] and `label` = classes[1] when s > 0, else classes[0]
 * (the rule ai.onnx.ml classifiers use). Standard operators instead of TreeEnsembleClassifier's
 * binary mode, because onnxruntime special-cases ensembles whose leaf weights are all
 * non-negative: 1.30 then picks the label by raw score > 0.5 instead of > 0, and other releases
 * skip the sigmoid (microsoft/onnxruntime#27533). A boosted model can hit that by chance.
 */
export function binaryHead(score: string, classes: CheckedClasses): Omit<GraphBody, 'outputs'> {
  const labels: TensorSpec =
    classes.kind === 'ints'
      ? { name: 'class_labels', dims: [2], dataType: ELEM_TYPE.INT64, values: classes.values }
      : { name: 'class_labels', dims: [2], dataType: ELEM_TYPE.STRING, values: classes.values };
  const initializers: TensorSpec[] = [
    labels,
    { name: 'zero', dims: [], dataType: ELEM_TYPE.FLOAT, values: [0] },
    { name: 'flat_shape', dims: [1], dataType: ELEM_TYPE.INT64, values: [-1] },
  ];
  const node = (opType: string, inputs: string[], output: string, attributes: NodeSpec['attributes'] = []): NodeSpec => ({
    opType,
    domain: '',
    name: output,
    inputs,
    outputs: [output],
    attributes,
  });
  const nodes: NodeSpec[] = [
    node('Neg', [score], 'negative_score'),
    node('Sigmoid', ['negative_score'], 'probability_0'),
    node('Sigmoid', [score], 'probability_1'),
    node('Concat', ['probability_0', 'probability_1'], ONNX_NAMES.probabilities, [attr.int('axis', 1)]),
    node('Greater', [score, 'zero'], 'is_positive'),
    node('Cast', ['is_positive'], 'class_index', [attr.int('to', ELEM_TYPE.INT64)]),
    node('Reshape', ['class_index', 'flat_shape'], 'class_index_flat'),
    node('Gather', ['class_labels', 'class_index_flat'], ONNX_NAMES.label, [attr.int('axis', 0)]),
  ];
  return { nodes, initializers };
}
