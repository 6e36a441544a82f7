"""The same drift tests as Paddock's report, in SciPy/NumPy, on the same data (bench/drift.js).

Reads <dir>/{ref,cur}_<column>.f64 (float64, native order) for numeric columns and
<dir>/{ref,cur}_<column>.txt (one value a line) for categorical ones; loading is not timed.
Times what Evidently would run: normalised Wasserstein (scipy.stats.wasserstein_distance /
np.std(reference)) for numeric columns, Jensen–Shannon (scipy.spatial.distance.jensenshannon,
base 2) over value counts for categorical ones, plus a KS test (scipy.stats.ks_2samp) on every
numeric column. Prints JSON: best-of-3 seconds and the scores.
"""
import json
from collections import Counter
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

d, numeric, categorical = sys.argv[1], sys.argv[2].split(','), sys.argv[3].split(',')
ref = {c: np.fromfile(f'{d}/ref_{c}.f64') for c in numeric}
cur = {c: np.fromfile(f'{d}/cur_{c}.f64') for c in numeric}
for c in categorical:
    ref[c] = np.array(open(f'{d}/ref_{c}.txt').read().splitlines(), dtype=object).tolist()
    cur[c] = np.array(open(f'{d}/cur_{c}.txt').read().splitlines(), dtype=object).tolist()


def report(with_ks):
    out = {}
    for c in numeric:
        out[c] = stats.wasserstein_distance(ref[c], cur[c]) / max(np.std(ref[c]), 0.001)
        if with_ks:
            out[c + ':ks'] = stats.ks_2samp(ref[c], cur[c]).pvalue
    for c in categorical:
        # Hash counting, as Evidently's pandas value_counts (np.unique on object arrays sorts, ~10× slower).
        rc, cc = Counter(ref[c]), Counter(cur[c])
        keys = list(set(rc) | set(cc))
        r = np.array([rc.get(k, 0) for k in keys]) / len(ref[c])
        k = np.array([cc.get(k, 0) for k in keys]) / len(cur[c])
        out[c] = distance.jensenshannon(r, k, 2)
    return out


result = {}
for name, with_ks in [('default', False), ('with_ks', True)]:
    best = float('inf')
    for _ in range(3):
        t0 = time.perf_counter()
        scores = report(with_ks)
        best = min(best, time.perf_counter() - t0)
    result[name] = {'seconds': best, 'scores': {k: float(v) for k, v in scores.items()}}
print(json.dumps(result))
