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


def main() -> None:
    makers = {"torch-mlp": make_torch_mlp, "sklearn-pipeline": make_sklearn_pipeline}
    chosen = sys.argv[1:] or list(makers)
    for name in chosen:
        if name not in makers:
            sys.exit(f"unknown model '{name}'; choose from {', '.join(makers)}")
        makers[name]()


if __name__ == "__main__":
    main()
