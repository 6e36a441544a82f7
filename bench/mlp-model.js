// An MLP as an ONNX file (Gemm → Relu … → Softmax), built with Paddock's own ONNX encoder from
// seeded He-initialised weights: the batching benchmark's heavier model, with no fixture to keep.
import { encodeModel, ELEM_TYPE } from '../src/models/onnx-export/onnx-proto.ts';
import { prng } from '../src/test-support/prng.ts';

/** `layers` e.g. [64, 1024, 1024, 2]: input width, hidden widths, classes. Returns the file's bytes. */
export function mlpOnnx(layers, seed = 7) {
  const rnd = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const nodes = [];
  const initializers = [];
  let last = 'features';
  for (let i = 0; i + 1 < layers.length; i++) {
    const [fanIn, fanOut] = [layers[i], layers[i + 1]];
    const std = i + 2 < layers.length ? Math.sqrt(2 / fanIn) : 0.05;
    initializers.push({ name: `W${i}`, dims: [fanIn, fanOut], dataType: ELEM_TYPE.FLOAT, values: Float32Array.from({ length: fanIn * fanOut }, () => normal() * std) });
    initializers.push({ name: `B${i}`, dims: [fanOut], dataType: ELEM_TYPE.FLOAT, values: Float32Array.from({ length: fanOut }, () => normal() * 0.01) });
    nodes.push({ opType: 'Gemm', domain: '', name: `gemm${i}`, inputs: [last, `W${i}`, `B${i}`], outputs: [`gemm${i}`], attributes: [] });
    last = `gemm${i}`;
    if (i + 2 < layers.length) {
      nodes.push({ opType: 'Relu', domain: '', name: `relu${i}`, inputs: [last], outputs: [`relu${i}`], attributes: [] });
      last = `relu${i}`;
    }
  }
  nodes.push({ opType: 'Softmax', domain: '', name: 'softmax', inputs: [last], outputs: ['probabilities'], attributes: [{ name: 'axis', kind: 'int', value: 1 }] });
  return encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 13 }],
    producerName: 'paddock bench/mlp-model.js',
    producerVersion: '0',
    graph: {
      name: 'mlp',
      nodes,
      initializers,
      inputs: [{ name: 'features', elemType: ELEM_TYPE.FLOAT, shape: ['batch', layers[0]] }],
      outputs: [{ name: 'probabilities', elemType: ELEM_TYPE.FLOAT, shape: ['batch', layers.at(-1)] }],
    },
    metadataProps: [],
  });
}

/** Parameters of an MLP with these layer widths. */
export function mlpParameters(layers) {
  let n = 0;
  for (let i = 0; i + 1 < layers.length; i++) n += layers[i] * layers[i + 1] + layers[i + 1];
  return n;
}
