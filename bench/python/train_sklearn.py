"""Reference model for `npm run bench -- python-baseline`: what a team would fit in scikit-learn.

Reads the flights training CSV written by bench/serve.js (hour, weekday, distance, origin, late),
fits hour, weekday, distance (standardised) and origin (one-hot, the 30 most frequent airports
plus "other", as Paddock keeps 30) into a LogisticRegression, as one Pipeline, and pickles it.
Run before the web apps start, so their workers only unpickle. Usage: train_sklearn.py CSV PICKLE
"""
import csv
import pickle
import sys

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from flights_model import COLUMNS, NUMERIC

source, target = sys.argv[1], sys.argv[2]
with open(source, newline="") as f:
    rows = list(csv.DictReader(f))
# No pandas here (Debian's python3-sklearn does not pull it in): an object matrix, columns by position.
X = np.empty((len(rows), len(COLUMNS)), dtype=object)
for j, name in enumerate(COLUMNS):
    X[:, j] = [float(r[name]) if name in NUMERIC else r[name] for r in rows]
y = np.array([int(r["late"]) for r in rows])

model = Pipeline([
    ("features", ColumnTransformer([
        ("numeric", StandardScaler(), [0, 1, 2]),
        ("origin", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=31), [3]),
    ])),
    ("classifier", LogisticRegression(C=1.0, max_iter=200)),
])
model.fit(X, y)
with open(target, "wb") as f:
    pickle.dump(model, f)
