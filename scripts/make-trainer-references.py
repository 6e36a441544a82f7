#!/usr/bin/python3
"""Builds the reference values the built-in trainer tests check Paddock's trainers against.

Writes test/fixtures/trainers/reference.json: a small fixed data set (numpy seed 0, 500 rows x
5 features, one feature on a large scale, one integer-valued) with a regression, a binary and a
3-class target, and what scikit-learn fits on it:

- Ridge(alpha = l2 * n) coefficients and intercept on all rows;
- LogisticRegression(C = 1 / (n * l2), tight tol) binary and multinomial coefficients and
  intercepts on all rows (multinomial intercepts centred to sum 0, which leaves the
  probabilities unchanged; Paddock centres its own the same way). Solver newton-cg, not lbfgs:
  sklearn's lbfgs stops on its relative-decrease rule (ftol = 64 eps) with a max gradient of
  ~2e-3 here (feature 3 is on a scale of 100), i.e. off the optimum in the 4th digit. The
  script checks that the gradient of the documented objective is ~0 at the reference (the
  "Line Search failed" warnings newton-cg prints at tol 1e-12 come after it has converged);
- HistGradientBoostingRegressor/Classifier (100 iterations, depth 6, min_samples_leaf 20, no
  early stopping) trained on the first 400 rows: R^2 / accuracy on the last 100 rows.

These are the objectives Paddock's params document (src/models/trainers/params.ts):
ridge (1/2n)||y - Xw - b||^2 + (l2/2)||w||^2, logistic mean log-loss + (l2/2)||W||^2.

The output is committed; run again only to change the fixture (Debian's packages, not pip):

    apt-get install -y python3-sklearn python3-numpy
    /usr/bin/python3 scripts/make-trainer-references.py
"""

import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score

ROWS = 500
TRAIN = 400
L2 = 0.01
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "trainers", "reference.json")


def make_data() -> dict:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, 5))
    x[:, 3] = x[:, 3] * 100.0 + 50.0  # a feature on another scale
    x[:, 4] = rng.integers(0, 5, size=ROWS).astype(float)  # few distinct values (ties in bins)
    s = np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] + 0.01 * x[:, 3] + 0.3 * x[:, 4]
    y_reg = s + 0.3 * rng.normal(size=ROWS)
    y_bin = (s + 0.5 * rng.normal(size=ROWS) > np.median(s)).astype(int)
    score3 = np.stack([x[:, 0] + x[:, 1], x[:, 2] - 0.5 * x[:, 0], 0.01 * x[:, 3] - 0.5 + 0.3 * x[:, 4]], axis=1)
    y_multi = np.argmax(score3 + 0.5 * rng.normal(size=(ROWS, 3)), axis=1)
    return {"x": x, "y_reg": y_reg, "y_bin": y_bin, "y_multi": y_multi}


def linear_refs(d: dict) -> dict:
    n = ROWS
    ridge = Ridge(alpha=L2 * n, tol=1e-12).fit(d["x"], d["y_reg"])
    c = 1.0 / (n * L2)
    binary = LogisticRegression(C=c, solver="newton-cg", tol=1e-12, max_iter=10000).fit(d["x"], d["y_bin"])
    multi = LogisticRegression(C=c, solver="newton-cg", tol=1e-12, max_iter=10000, multi_class="multinomial").fit(d["x"], d["y_multi"])
    multi_intercepts = multi.intercept_ - multi.intercept_.mean()
    assert objective_gradient(d["x"], d["y_bin"], binary.coef_, binary.intercept_, 1) < 1e-9
    assert objective_gradient(d["x"], d["y_multi"], multi.coef_, multi.intercept_, 3) < 1e-9
    return {
        "ridge": {"coefficients": ridge.coef_.tolist(), "intercept": float(ridge.intercept_)},
        "logistic_binary": {"coefficients": binary.coef_[0].tolist(), "intercept": float(binary.intercept_[0])},
        "logistic_multinomial": {"coefficients": multi.coef_.tolist(), "intercepts": multi_intercepts.tolist()},
    }


def objective_gradient(x: np.ndarray, y: np.ndarray, coef: np.ndarray, intercept: np.ndarray, targets: int) -> float:
    """Max |gradient| of mean log-loss + (l2/2)||W||^2 at (coef, intercept): ~0 at the optimum."""
    n = x.shape[0]
    s = x @ coef.T + intercept
    if targets == 1:
        r = 1 / (1 + np.exp(-s[:, 0])) - y
        r = r[:, None]
    else:
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        r = p - np.eye(targets)[y]
    gw = r.T @ x / n + L2 * coef
    gb = r.mean(axis=0)
    return float(max(np.abs(gw).max(), np.abs(gb).max()))


def gbdt_refs(d: dict) -> dict:
    params = dict(max_iter=100, learning_rate=0.1, max_depth=6, max_leaf_nodes=None, min_samples_leaf=20, l2_regularization=0.0, max_bins=255, early_stopping=False, random_state=0)
    tr, te = slice(0, TRAIN), slice(TRAIN, ROWS)
    reg = HistGradientBoostingRegressor(**params).fit(d["x"][tr], d["y_reg"][tr])
    binary = HistGradientBoostingClassifier(**params).fit(d["x"][tr], d["y_bin"][tr])
    multi = HistGradientBoostingClassifier(**params).fit(d["x"][tr], d["y_multi"][tr])
    return {
        "train_rows": TRAIN,
        "regression_r2": float(r2_score(d["y_reg"][te], reg.predict(d["x"][te]))),
        "binary_accuracy": float(accuracy_score(d["y_bin"][te], binary.predict(d["x"][te]))),
        "multiclass_accuracy": float(accuracy_score(d["y_multi"][te], multi.predict(d["x"][te]))),
    }


def main() -> None:
    d = make_data()
    out = {
        "generator": f"scripts/make-trainer-references.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})",
        "l2": L2,
        "rows": ROWS,
        "features": int(d["x"].shape[1]),
        "X": d["x"].ravel().tolist(),
        "y_regression": d["y_reg"].tolist(),
        "y_binary": d["y_bin"].astype(float).tolist(),
        "y_multiclass": d["y_multi"].astype(float).tolist(),
        "linear": linear_refs(d),
        "gbdt": gbdt_refs(d),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps({"linear": out["linear"], "gbdt": out["gbdt"]}, indent=1))


if __name__ == "__main__":
    main()
