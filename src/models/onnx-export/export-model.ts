/**
 * Exports a built-in trainer's FittedModel as an ONNX model, encoded by hand so the bytes are
 * deterministic: the same model and options always give the same file (and content hash).
 * The graph takes ONNX_NAMES.input, float32 [batch, features], and returns ONNX_NAMES.prediction
 * (regression) or ONNX_NAMES.label and ONNX_NAMES.probabilities (classification).
 */
import { fail } from '../../core/errors.js';
import { ONNX_NAMES, type FittedModel } from '../trainers/fitted-model.js';
import { BATCH, ML_DOMAIN, type GraphBody } from './graph-parts.js';
import { linearGraph } from './linear-graph.js';
import { ELEM_TYPE, encodeModel } from './onnx-proto.js';
import { treeGraph } from './tree-graph.js';

/** IR version 8 pairs with opset 17 (onnxruntime ≥ 1.13 and onnx ≥ 1.12 read it). */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset: the binary head uses Neg, Sigmoid, Concat, Greater, Cast, Reshape, Gather. */
export const ONNX_OPSET = 17;
/** ai.onnx.ml opset 3: TreeEnsemble* version 3, Linear* version 1. */
export const ONNX_ML_OPSET = 3;
/** ModelProto.producer_name of every exported model. */
export const ONNX_PRODUCER = 'paddock';

/** What goes into the model file besides the graph. */
export interface ExportOnnxOptions {
  /** ModelProto.producer_version, normally Paddock's version. */
  readonly producerVersion: string;
  readonly docString?: string;
  /** ModelProto.metadata_props, written sorted by key so the bytes do not depend on insertion order. */
  readonly metadata?: Readonly<Record<string, string>>;
}

function body(model: FittedModel): GraphBody {
  switch (model.kind) {
    case 'linear':
      return linearGraph(model, ONNX_NAMES.input);
    case 'trees':
      return treeGraph(model, ONNX_NAMES.input);
    default:
      return fail('INVALID_ARGUMENT', `cannot export model to ONNX: kind is '${String((model as { kind: unknown }).kind)}'; expected 'linear' or 'trees'`, { field: 'kind' });
  }
}

/**
 * Encodes `model` as ONNX ModelProto bytes. A malformed model (array lengths that disagree,
 * non-integer numeric labels, non-finite numbers, broken trees) fails with INVALID_ARGUMENT
 * whose details name the field.
 */
export function exportOnnx(model: FittedModel, options: ExportOnnxOptions): Uint8Array {
  const graph = body(model);
  const metadata = Object.entries(options.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImports: [
      { domain: '', version: ONNX_OPSET },
      { domain: ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: ONNX_PRODUCER,
    producerVersion: options.producerVersion,
    ...(options.docString === undefined ? {} : { docString: options.docString }),
    graph: {
      name: `paddock_${model.kind}_${model.task}`,
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs: [{ name: ONNX_NAMES.input, elemType: ELEM_TYPE.FLOAT, shape: [BATCH, model.features] }],
      outputs: graph.outputs,
    },
    metadataProps: metadata,
  });
}
