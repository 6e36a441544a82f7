#!/usr/bin/python3
"""Builds the reference ONNX models the runtime tests check Paddock's inference path against.

Writes test/fixtures/models/torch-mlp.onnx (a small PyTorch MLP exported with torch.onnx) and
test/fixtures/models/torch-mlp.expected.json (20 fixed input rows and PyTorch's own outputs for
them, full float32 precision), so the tests compare onnxruntime-node's predictions with the
framework that trained the model, not with Paddock's own code.

The outputs are committed; this script only needs to run again when the fixture should change.
Regenerate (Debian's packages, not a virtualenv, so the result does not depend on pip):

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 scripts/make-reference-models.py

It also writes test/fixtures/models/sklearn-pipeline.onnx: the graph skl2onnx makes of a fitted
scikit-learn Pipeline(ColumnTransformer(StandardScaler on distance/hour, OneHotEncoder on origin),
LogisticRegression) — one [None, 1] input per column, preprocessing inside the graph, and
skl2onnx's ZipMap output beside the tensor outputs. skl2onnx is not packaged for Debian, so the
graph is written node by node with onnx.helper from the fitted estimator's parameters, the way
skl2onnx writes it. sklearn-pipeline-rank1.onnx is the same model taking rank-1 [None] inputs
(distance as double). sklearn-pipeline.expected.json holds 8 fixed rows (one with an origin
unseen in training) and scikit-learn's predict_proba for them, cross-checked with numpy.

mlp-300k.onnx is a heavier network for the serving batcher's tests and benchmark: 64 float inputs
('features', [batch, 64]) → Gemm 512 + Relu → Gemm 512 + Relu → Gemm 2 → Softmax ('probabilities',
[batch, 2]), 296,962 seeded random parameters, written with onnx.helper (no torch needed).
mlp-300k.expected.json holds 8 fixed rows and numpy's float64 forward pass of the same float32
weights.

Generated with torch 1.13 / onnx 1.12 / scikit-learn 1.2 (Debian 12); opset 13 runs on
onnxruntime 1.30. Pass model names (torch-mlp, sklearn-pipeline) to rebuild only those.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

SEED = 20240601
FEATURES = 6
OPSET = 13
try:
    import torch
except ImportError:  # only make_torch_mlp needs it
    torch = None

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "models")


def synthetic_data(gen, rows: int):
    """A separable-ish binary task: label from a fixed linear rule plus a nonlinearity."""
    x = torch.randn(rows, FEATURES, generator=gen)
    score = 1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + 0.3 * x[:, 4] ** 2 - 0.2
    return x, (score > 0).float().unsqueeze(1)


def build_model():
    return torch.nn.Sequential(
        torch.nn.Linear(FEATURES, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
        torch.nn.Sigmoid(),
    )


def train(model, gen) -> None:
    x, y = synthetic_data(gen, 512)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = torch.nn.BCELoss()
    for _ in range(50):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()


def make_torch_mlp() -> None:
    if torch is None:
        sys.exit("torch-mlp needs PyTorch: apt-get install -y python3-torch (or pass sklearn-pipeline)")
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = build_model()
    train(model, gen)
    model.eval()

    os.makedirs(OUT_DIR, exist_ok=True)
    onnx_path = os.path.join(OUT_DIR, "torch-mlp.onnx")
    torch.onnx.export(
        model,
        torch.zeros(1, FEATURES),
        onnx_path,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        opset_version=OPSET,
    )
    onnx.checker.check_model(onnx.load(onnx_path))

    inputs, _ = synthetic_data(gen, 20)
    with torch.no_grad():
        outputs = model(inputs)
    expected = {
        "generator": f"scripts/make-reference-models.py (torch {torch.__version__}, onnx {onnx.__version__}, opset {OPSET})",
        "input": {"name": "input", "dims": list(inputs.shape), "rows": inputs.tolist()},
        "output": {"name": "output", "dims": list(outputs.shape), "rows": outputs.tolist()},
    }
    with open(os.path.join(OUT_DIR, "torch-mlp.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


ORIGINS = ["ATL", "JFK", "LAX", "ORD"]
PIPELINE_OPSETS = [helper.make_opsetid("", OPSET), helper.make_opsetid("ai.onnx.ml", 1)]
# Rows the tests predict: fixed, exactly representable in float32, and one origin ("SEA") the
# one-hot encoder never saw, which skl2onnx's OneHotEncoder (zeros=1) encodes as all zeros.
PIPELINE_ROWS = [
    {"distance": 250.0, "hour": 6, "origin": "ATL"},
    {"distance": 2475.0, "hour": 18, "origin": "JFK"},
    {"distance": 1745.5, "hour": 21, "origin": "LAX"},
    {"distance": 733.0, "hour": 9, "origin": "ORD"},
    {"distance": 1200.0, "hour": 13, "origin": "SEA"},
    {"distance": 96.25, "hour": 0, "origin": "JFK"},
    {"distance": 950.0, "hour": 23, "origin": "ATL"},
    {"distance": 3000.0, "hour": 16, "origin": "ORD"},
]


def flights(rng: np.random.Generator, rows: int):
    """Synthetic flights: a delay is likelier late in the day, on long trips and out of some airports."""
    distance = rng.uniform(80, 2800, rows).round(1)
    hour = rng.integers(0, 24, rows)
    origin = rng.choice(ORIGINS, rows)
    bias = {"ATL": 0.4, "JFK": 0.9, "LAX": -0.2, "ORD": 0.6}
    score = 0.0009 * (distance - 1200) + 0.15 * (hour - 12) + np.array([bias[o] for o in origin]) - 0.4
    delayed = (score + rng.logistic(size=rows) > 0).astype(np.int64)
    return {"distance": distance, "hour": hour, "origin": origin}, delayed


def table(rows) -> np.ndarray:
    """Rows as the object matrix [distance, hour, origin] the pipeline takes (no pandas on Debian 12)."""
    return np.array([[r["distance"], r["hour"], r["origin"]] for r in rows], dtype=object)


def fit_pipeline():
    """The scikit-learn pipeline the graph reproduces, fitted on synthetic flights."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    columns, y = flights(np.random.default_rng(SEED), 2000)
    pipe = Pipeline([
        ("prep", ColumnTransformer([
            ("num", StandardScaler(), [0, 1]),
            ("cat", OneHotEncoder(categories=[ORIGINS], handle_unknown="ignore"), [2]),
        ])),
        ("clf", LogisticRegression()),
    ])
    pipe.fit(table([dict(zip(columns, r)) for r in zip(*columns.values())]), y)
    return pipe


def map_type(key: int, value: int) -> onnx.TypeProto:
    """map(key, tensor(value)): ZipMap's element type (onnx 1.12's helper has no make_map_type_proto)."""
    t = onnx.TypeProto()
    t.map_type.key_type = key
    t.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(value, None))
    return t


def pipeline_graph(pipe, rank1: bool) -> onnx.ModelProto:
    """The graph skl2onnx writes for `pipe`; rank1: inputs [None] (distance double) instead of [None, 1]."""
    scaler = pipe.named_steps["prep"].named_transformers_["num"]
    clf = pipe.named_steps["clf"]
    shape = [None] if rank1 else [None, 1]
    distance_type = TensorProto.DOUBLE if rank1 else TensorProto.FLOAT
    inputs = [
        helper.make_tensor_value_info("distance", distance_type, shape),
        helper.make_tensor_value_info("hour", TensorProto.INT64, shape),
        helper.make_tensor_value_info("origin", TensorProto.STRING, shape),
    ]
    coef = clf.coef_.ravel().astype(np.float64)
    intercept = float(clf.intercept_[0])
    nodes = [
        helper.make_node("Cast", ["distance"], ["distance_f"], to=TensorProto.FLOAT) if rank1 else helper.make_node("Identity", ["distance"], ["distance_f"]),
        helper.make_node("Cast", ["hour"], ["hour_f"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["distance_f", "column_shape"], ["distance_col"]),
        helper.make_node("Reshape", ["hour_f", "column_shape"], ["hour_col"]),
        helper.make_node("Concat", ["distance_col", "hour_col"], ["numbers"], axis=1),
        helper.make_node("Scaler", ["numbers"], ["numbers_scaled"], domain="ai.onnx.ml",
                         offset=scaler.mean_.tolist(), scale=(1.0 / scaler.scale_).tolist()),
        helper.make_node("OneHotEncoder", ["origin"], ["origin_onehot"], domain="ai.onnx.ml", cats_strings=ORIGINS, zeros=1),
        helper.make_node("Reshape", ["origin_onehot", "onehot_shape"], ["origin_cols"]),
        helper.make_node("Concat", ["numbers_scaled", "origin_cols"], ["features"], axis=1),
        # skl2onnx writes a binary LogisticRegression as two score rows (-w, w) with LOGISTIC,
        # giving [sigmoid(-s), sigmoid(s)], then an L1 Normalizer, then the ZipMap.
        helper.make_node("LinearClassifier", ["features"], ["label", "probability_tensor"], domain="ai.onnx.ml",
                         coefficients=np.concatenate([-coef, coef]).tolist(), intercepts=[-intercept, intercept],
                         classlabels_ints=[int(c) for c in clf.classes_], multi_class=0, post_transform="LOGISTIC"),
        helper.make_node("Normalizer", ["probability_tensor"], ["probabilities"], domain="ai.onnx.ml", norm="L1"),
        helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml",
                         classlabels_int64s=[int(c) for c in clf.classes_]),
    ]
    initializers = [
        helper.make_tensor("column_shape", TensorProto.INT64, [2], [-1, 1]),
        helper.make_tensor("onehot_shape", TensorProto.INT64, [2], [-1, len(ORIGINS)]),
    ]
    outputs = [
        helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
        helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]),
        helper.make_value_info("output_probability", helper.make_sequence_type_proto(map_type(TensorProto.INT64, TensorProto.FLOAT))),
    ]
    graph = helper.make_graph(nodes, "sklearn_pipeline", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=PIPELINE_OPSETS, producer_name="make-reference-models.py (skl2onnx layout)")
    model.ir_version = 8
    # full_check=True would add strict shape inference, which onnx 1.12 cannot do through ZipMap's
    # map type ("type case unsupported"); the structural check plus onnxruntime's load must do.
    onnx.checker.check_model(model)
    return model


def numpy_probabilities(pipe, rows) -> np.ndarray:
    """The pipeline's arithmetic written out: (x - mean) / std, one-hot (unknown → zeros), logistic."""
    scaler = pipe.named_steps["prep"].named_transformers_["num"]
    clf = pipe.named_steps["clf"]
    numbers = (np.array([[r["distance"], r["hour"]] for r in rows]) - scaler.mean_) / scaler.scale_
    onehot = np.array([[1.0 if r["origin"] == o else 0.0 for o in ORIGINS] for r in rows])
    s = np.hstack([numbers, onehot]) @ clf.coef_.ravel() + clf.intercept_[0]
    p = 1 / (1 + np.exp(-s))
    return np.stack([1 - p, p], axis=1)


def make_sklearn_pipeline() -> None:
    import sklearn

    pipe = fit_pipeline()
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, rank1 in (("sklearn-pipeline.onnx", False), ("sklearn-pipeline-rank1.onnx", True)):
        onnx.save(pipeline_graph(pipe, rank1), os.path.join(OUT_DIR, name))
    proba = pipe.predict_proba(table(PIPELINE_ROWS))
    by_hand = numpy_probabilities(pipe, PIPELINE_ROWS)
    assert np.max(np.abs(proba - by_hand)) < 1e-12, "numpy and scikit-learn disagree"
    expected = {
        "generator": f"scripts/make-reference-models.py (scikit-learn {sklearn.__version__}, numpy {np.__version__}, onnx {onnx.__version__})",
        "categories": ORIGINS,
        "rows": PIPELINE_ROWS,
        "labels": pipe.predict(table(PIPELINE_ROWS)).tolist(),
        "probabilities": proba.tolist(),
    }
    with open(os.path.join(OUT_DIR, "sklearn-pipeline.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


MLP_LAYERS = [64, 512, 512, 2]
MLP_ROWS = 8


def mlp_weights(rng: np.random.Generator):
    """He-initialised float32 layers; the last one small, so the softmax is not saturated."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(MLP_LAYERS, MLP_LAYERS[1:])):
        std = np.sqrt(2.0 / fan_in) if i < len(MLP_LAYERS) - 2 else 0.05
        w = (rng.standard_normal((fan_in, fan_out)) * std).astype(np.float32)
        b = (rng.standard_normal(fan_out) * 0.01).astype(np.float32)
        layers.append((w, b))
    return layers


def mlp_graph(layers) -> onnx.ModelProto:
    nodes, initializers, last = [], [], "features"
    for i, (w, b) in enumerate(layers):
        initializers += [helper.make_tensor(f"W{i}", TensorProto.FLOAT, w.shape, w.ravel().tolist()),
                         helper.make_tensor(f"B{i}", TensorProto.FLOAT, b.shape, b.ravel().tolist())]
        nodes.append(helper.make_node("Gemm", [last, f"W{i}", f"B{i}"], [f"gemm{i}"]))
        last = f"gemm{i}"
        if i < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [last], [f"relu{i}"]))
            last = f"relu{i}"
    nodes.append(helper.make_node("Softmax", [last], ["probabilities"], axis=1))
    graph = helper.make_graph(nodes, "mlp_300k",
                              [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", MLP_LAYERS[0]])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", MLP_LAYERS[-1]])],
                              initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make-reference-models.py (mlp-300k)")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def numpy_mlp(layers, x: np.ndarray) -> np.ndarray:
    h = x.astype(np.float64)
    for i, (w, b) in enumerate(layers):
        h = h @ w.astype(np.float64) + b.astype(np.float64)
        if i < len(layers) - 1:
            h = np.maximum(h, 0)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def make_mlp_300k() -> None:
    rng = np.random.default_rng(SEED)
    layers = mlp_weights(rng)
    os.makedirs(OUT_DIR, exist_ok=True)
    onnx.save(mlp_graph(layers), os.path.join(OUT_DIR, "mlp-300k.onnx"))
    # Inputs on a 1/64 grid: exactly representable in float32, so both sides see the same numbers.
    x = np.round(rng.standard_normal((MLP_ROWS, MLP_LAYERS[0])) * 64) / 64
    out = numpy_mlp(layers, x)
    expected = {
        "generator": f"scripts/make-reference-models.py (numpy {np.__version__}, onnx {onnx.__version__}, opset {OPSET})",
        "parameters": int(sum(w.size + b.size for w, b in layers)),
        "input": {"name": "features", "dims": list(x.shape), "rows": x.tolist()},
        "output": {"name": "probabilities", "dims": list(out.shape), "rows": out.tolist()},
    }
    with open(os.path.join(OUT_DIR, "mlp-300k.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def main() -> None:
    makers = {"torch-mlp": make_torch_mlp, "sklearn-pipeline": make_sklearn_pipeline, "mlp-300k": make_mlp_300k}
    chosen = sys.argv[1:] or list(makers)
    for name in chosen:
        if name not in makers:
            sys.exit(f"unknown model '{name}'; choose from {', '.join(makers)}")
        makers[name]()


if __name__ == "__main__":
    main()
