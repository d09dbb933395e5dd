#!/usr/bin/env python3
"""Benchmark script (bench/run.sh; not run by CI): statsmodels Logit on a CSV read with pandas.read_csv.

    python3 bench/statsmodels_fit.py DATA.csv OUT_COEF.csv

Fits y on every other column plus an intercept by Newton's method; writes term,estimate,std_error
to OUT_COEF.csv and "timing read=<s> fit=<s>" on stderr.
"""
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

data, out = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
d = pd.read_csv(data)
t1 = time.perf_counter()
y = d["y"].to_numpy()
x = sm.add_constant(d.drop(columns="y"), prepend=True).rename(columns={"const": "(Intercept)"})
r = sm.Logit(y, x).fit(method="newton", maxiter=100, disp=0)
bse = r.bse
t2 = time.perf_counter()
if not r.mle_retvals.get("converged", False):
    sys.exit("statsmodels_fit.py: Logit did not converge")
with open(out, "w") as f:
    f.write("term,estimate,std_error\n")
    for name in x.columns:
        f.write(f"{name},{float(r.params[name])!r},{float(bse[name])!r}\n")
print(f"timing read={t1 - t0:.3f} fit={t2 - t1:.3f}", file=sys.stderr)
