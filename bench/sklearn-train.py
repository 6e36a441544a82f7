"""Reference for `npm run bench -- train`: scikit-learn on the same flights split.

Reads train.csv / test.csv (hour, weekday, distance, origin_code, late) written by bench/train.js,
fits HistGradientBoostingClassifier with the same settings as Paddock's gbdt and a
LogisticRegression on standardised features, and prints fit seconds and test AUC/accuracy as JSON.
Optional: the benchmark reports 'n/a' when python3 or scikit-learn is missing.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

folder = sys.argv[1]
train = np.loadtxt(f"{folder}/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt(f"{folder}/test.csv", delimiter=",", skiprows=1)
X, y = train[:, :4], train[:, 4].astype(int)
Xt, yt = test[:, :4], test[:, 4].astype(int)
out = {}

gbdt = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_depth=6, min_samples_leaf=50,
                                      max_bins=255, l2_regularization=0.0, early_stopping=False,
                                      categorical_features=[3], random_state=7)
t = time.perf_counter()
gbdt.fit(X, y)
out["gbdt_seconds"] = time.perf_counter() - t
p = gbdt.predict_proba(Xt)[:, 1]
out["gbdt_auc"] = roc_auc_score(yt, p)
out["gbdt_accuracy"] = accuracy_score(yt, p > 0.5)

# The 30 most frequent airports plus one "other" column, as Paddock keeps 30 (max_categories).
enc = OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=31).fit(X[:, 3:4])
scale = StandardScaler().fit(X[:, :3])
def design(M):
    return np.hstack([scale.transform(M[:, :3]), enc.transform(M[:, 3:4]).toarray()])
linear = LogisticRegression(C=1.0, max_iter=200)
t = time.perf_counter()
D = design(X)
linear.fit(D, y)
out["linear_seconds"] = time.perf_counter() - t
p = linear.predict_proba(design(Xt))[:, 1]
out["linear_auc"] = roc_auc_score(yt, p)
out["linear_accuracy"] = accuracy_score(yt, p > 0.5)
print(json.dumps(out))
