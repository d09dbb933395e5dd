#!/usr/bin/env python3
"""Write a synthetic logistic-regression dataset as CSV (benchmark input; not a test fixture).

    python3 bench/make_data.py --rows 5000000 --covariates 10 --seed 42 --out bench/data/logit.csv

Model: x_k ~ N(0, 1) independent, k = 1..K; intercept -0.5; slopes
    0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.3, ...
(magnitudes cycle 0.3, 0.2, 0.1 while the sign alternates); y ~ Bernoulli(logistic(X beta)).
Columns: y, x1, ..., xK; y is written as 0/1, the x's with 6 decimals.
The same (rows, covariates, seed) always gives the same file.
"""
import argparse
import os
import sys

import numpy as np

CHUNK = 200_000  # rows formatted per write; bounds memory of the text buffer


def true_beta(k):
    mags = [0.3, 0.2, 0.1]
    return np.array([-0.5] + [(mags[j % 3]) * (1 if j % 2 == 0 else -1) for j in range(k)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--covariates", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.rows < 1 or a.covariates < 1:
        sys.exit("make_data.py: --rows and --covariates must be positive")

    rng = np.random.default_rng(a.seed)
    beta = true_beta(a.covariates)
    tmp = a.out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    row_fmt = ",".join(["%d"] + ["%.6f"] * a.covariates)
    with open(tmp, "w", newline="\n") as f:
        f.write(",".join(["y"] + [f"x{j + 1}" for j in range(a.covariates)]) + "\n")
        done = 0
        while done < a.rows:
            m = min(CHUNK, a.rows - done)
            x = rng.standard_normal((m, a.covariates))
            # round to the written precision first, so the file holds exactly the x that generated y
            x = np.round(x, 6) + 0.0  # "+ 0.0" turns -0.0 into 0.0 (no "-0.000000" cells)
            eta = beta[0] + x @ beta[1:]
            p = 1.0 / (1.0 + np.exp(-eta))
            y = (rng.random(m) < p).astype(np.int8)
            cols = [y.tolist()] + [x[:, j].tolist() for j in range(a.covariates)]
            f.write("\n".join(row_fmt % r for r in zip(*cols)))
            f.write("\n")
            done += m
    os.replace(tmp, a.out)
    print(f"make_data.py: wrote {a.rows} rows x {a.covariates} covariates to {a.out} "
          f"(beta = {', '.join(f'{b:g}' for b in beta)}; seed {a.seed})", file=sys.stderr)


if __name__ == "__main__":
    main()
