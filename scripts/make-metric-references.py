#!/usr/bin/python3
"""Builds the reference values the model-evaluation tests check Paddock's metrics against.

Writes test/fixtures/metrics/reference.json: fixed data sets (drawn with a seed) and what
scikit-learn computes on them, so src/models/evaluation is compared with the library teams
already trust, not with Paddock's own code. Cases:

  binary_ties        300 rows, positive-class scores rounded to 2 decimals (ties in the ranking,
                     scores exactly on calibration bin edges such as 0.1 and 0.3, argmax ties at 0.5)
  binary_continuous  500 rows, continuous scores
  multiclass_ties    400 rows, 3 classes, logits drawn from a few integers (tied probabilities)
  multiclass_rare    400 rows, 4 classes, class 3 never predicted (precision 0/0 counts as 0)
  regression         1000 rows
  regression_offset  1000 rows around 1e6 (a naive one-pass variance loses digits here)

The output is committed; this script only needs to run again when the fixture should change:

    /usr/bin/python3 scripts/make-metric-references.py

Generated with scikit-learn 1.2.1 / numpy 1.24.2 (Debian 12).
"""

import json
import os

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import label_binarize

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "metrics", "reference.json")


def floats(a) -> list:
    return [float(x) for x in np.asarray(a).ravel()]


def classification_case(y: np.ndarray, probs: np.ndarray) -> dict:
    """The data (row-major probabilities) and scikit-learn's metrics for it."""
    k = probs.shape[1]
    y_pred = np.argmax(probs, axis=1)  # ties -> lowest index, as Paddock does
    average = "binary" if k == 2 else "macro"
    pos = y == 1
    p1 = probs[:, 1]
    if k == 2:
        roc_auc = roc_auc_score(y, p1)
        pr_auc = average_precision_score(y, p1)
    else:
        roc_auc = roc_auc_score(y, probs, multi_class="ovr", average="macro")
        pr_auc = average_precision_score(label_binarize(y, classes=list(range(k))), probs, average="macro")
    prob_true, prob_pred = calibration_curve(pos, p1, n_bins=10, strategy="uniform")
    # calibration_curve does not return the bin sizes; these use its own bin rule (searchsorted).
    binids = np.searchsorted(np.linspace(0.0, 1.0, 11)[1:-1], p1)
    counts = np.bincount(binids, minlength=10)
    fpr, tpr, _ = roc_curve(pos, p1, drop_intermediate=False)
    precision, recall, _ = precision_recall_curve(pos, p1)
    return {
        "classes": list(range(k)),
        "yTrue": [int(v) for v in y],
        "probabilities": floats(probs),
        "expected": {
            "metrics": {
                "accuracy": float(accuracy_score(y, y_pred)),
                "precision": float(precision_score(y, y_pred, average=average, zero_division=0)),
                "recall": float(recall_score(y, y_pred, average=average, zero_division=0)),
                "f1": float(f1_score(y, y_pred, average=average, zero_division=0)),
                "roc_auc": float(roc_auc),
                "pr_auc": float(pr_auc),
                "log_loss": float(log_loss(y, probs, labels=list(range(k)))),
                "n": int(len(y)),
            },
            "confusion": confusion_matrix(y, y_pred, labels=list(range(k))).tolist(),
            "calibration": {
                "meanPredicted": floats(prob_pred),
                "fractionPositive": floats(prob_true),
                "count": [int(c) for c in counts[counts > 0]],
            },
            # scikit-learn orders the PR curve by increasing threshold; reversed here so both
            # curves run from the highest threshold down, as Paddock returns them.
            "roc": {"fpr": floats(fpr), "tpr": floats(tpr)},
            "pr": {"recall": floats(recall[::-1]), "precision": floats(precision[::-1])},
        },
    }


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def binary_ties(rng: np.random.Generator) -> dict:
    y = rng.integers(0, 2, 300)
    score = 1 / (1 + np.exp(-(1.2 * (y - 0.5) * 2 + rng.normal(0, 1.5, 300))))
    p1 = np.round(score, 2)
    p1[:6] = [0.1, 0.3, 0.5, 0.5, 0.0, 1.0]  # bin edges, argmax ties, extremes for the log-loss clip
    return classification_case(y, np.column_stack([1 - p1, p1]))


def binary_continuous(rng: np.random.Generator) -> dict:
    y = (rng.random(500) < 0.3).astype(int)
    p1 = 1 / (1 + np.exp(-(1.5 * y - 1 + rng.normal(0, 1, 500))))
    return classification_case(y, np.column_stack([1 - p1, p1]))


def multiclass_ties(rng: np.random.Generator) -> dict:
    y = rng.integers(0, 3, 400)
    logits = rng.integers(-2, 3, (400, 3)).astype(float)
    logits[np.arange(400), y] += rng.integers(0, 2, 400)
    return classification_case(y, softmax(logits))


def multiclass_rare(rng: np.random.Generator) -> dict:
    y = rng.integers(0, 4, 400)
    logits = rng.normal(0, 1, (400, 4))
    logits[np.arange(400), y] += 1.0
    logits[:, 3] -= 10.0
    return classification_case(y, softmax(logits))


def regression_case(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    return {
        "yTrue": floats(y_true),
        "yPred": floats(y_pred),
        "expected": {
            "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
            "mae": float(mean_absolute_error(y_true, y_pred)),
            "r2": float(r2_score(y_true, y_pred)),
            "n": int(len(y_true)),
        },
    }


def main() -> None:
    rng = np.random.default_rng(SEED)
    x = rng.normal(0, 1, 1000)
    y_true = 3 * x + rng.normal(0, 1, 1000)
    y_pred = 2.8 * x + 0.1
    cases = {
        "binary_ties": binary_ties(rng),
        "binary_continuous": binary_continuous(rng),
        "multiclass_ties": multiclass_ties(rng),
        "multiclass_rare": multiclass_rare(rng),
        "regression": regression_case(y_true, y_pred),
        "regression_offset": regression_case(y_true + 1e6, y_pred + 1e6),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "seed": SEED, "cases": cases}, f)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
