"""The pickled flights Pipeline behind the Python reference apps, and the Open Inference
Protocol (KServe V2) request and response bodies they share: the same single-row JSON that
bench/serve.js sends Paddock, answered with the label and the class probabilities.
"""
import os
import pickle

import numpy as np

COLUMNS = ["hour", "weekday", "distance", "origin"]
NUMERIC = {"hour", "weekday", "distance"}


def load_model():
    with open(os.environ["PADDOCK_BENCH_MODEL"], "rb") as f:
        return pickle.load(f)


def decode_inputs(inputs):
    """OIP inputs (a list of {name, shape, datatype, data}) → an object matrix in COLUMNS order."""
    by_name = {i["name"]: i["data"] for i in inputs}
    missing = [c for c in COLUMNS if c not in by_name]
    if missing:
        raise ValueError(f"missing inputs: {', '.join(missing)}")
    n = len(by_name[COLUMNS[0]])
    X = np.empty((n, len(COLUMNS)), dtype=object)
    for j, name in enumerate(COLUMNS):
        X[:, j] = by_name[name]
    return X


def encode_outputs(model_name, request_id, model, X):
    """The OIP response: label (INT64, [n]) and probabilities (FP64, [n, classes])."""
    probabilities = model.predict_proba(X)
    labels = model.classes_[probabilities.argmax(axis=1)]
    body = {
        "model_name": model_name,
        "outputs": [
            {"name": "label", "shape": [len(labels)], "datatype": "INT64", "data": labels.tolist()},
            {"name": "probabilities", "shape": list(probabilities.shape), "datatype": "FP64", "data": probabilities.ravel().tolist()},
        ],
    }
    if request_id is not None:
        body["id"] = request_id
    return body
