/**
 * LinearModel → ai.onnx.ml LinearRegressor / LinearClassifier.
 */
import { ONNX_NAMES, type LinearModel } from '../trainers/fitted-model.js';
import { checkLinear } from './check-model.js';
import { classifierOutputs, classLabelAttribute, ML_DOMAIN, predictionOutput, type GraphBody } from './graph-parts.js';
import { attr } from './onnx-proto.js';

/**
 * Regression: LinearRegressor (targets 1) → `prediction` [batch, 1].
 * K > 2 classes: LinearClassifier with the K rows and SOFTMAX.
 * Binary: LinearClassifier with two rows, [-w; w] and [-b, b], and LOGISTIC, giving
 * [sigmoid(-s), sigmoid(s)] = [1 - p, p] (skl2onnx's layout). The one-row form gives the same
 * on onnxruntime 1.30, but older releases returned [1 - s, s] on the raw score s (no sigmoid);
 * two rows mean the same thing to every runtime. The label rule (argmax, first wins a tie)
 * picks classes[1] exactly when s > 0.
 */
export function linearGraph(model: LinearModel, input: string): GraphBody {
  const { classes } = checkLinear(model);
  if (classes === undefined) {
    const node = {
      opType: 'LinearRegressor',
      domain: ML_DOMAIN,
      name: 'linear_regressor',
      inputs: [input],
      outputs: [ONNX_NAMES.prediction],
      attributes: [
        attr.floats('coefficients', model.coefficients),
        attr.floats('intercepts', model.intercepts),
        attr.int('targets', 1),
      ],
    };
    return { nodes: [node], initializers: [], outputs: [predictionOutput()] };
  }
  const binary = classes.values.length === 2;
  const coefficients = binary ? [...model.coefficients.map((c) => -c), ...model.coefficients] : model.coefficients;
  const intercepts = binary ? [-model.intercepts[0]!, model.intercepts[0]!] : model.intercepts;
  const node = {
    opType: 'LinearClassifier',
    domain: ML_DOMAIN,
    name: 'linear_classifier',
    inputs: [input],
    outputs: [ONNX_NAMES.label, ONNX_NAMES.probabilities],
    attributes: [
      classLabelAttribute(classes, 'classlabels_ints'),
      attr.floats('coefficients', coefficients),
      attr.floats('intercepts', intercepts),
      attr.string('post_transform', binary ? 'LOGISTIC' : 'SOFTMAX'),
    ],
  };
  return { nodes: [node], initializers: [], outputs: classifierOutputs(classes) };
}
