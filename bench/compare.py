#!/usr/bin/env python3
"""Coefficient agreement for bench/run.sh (part of the benchmark; not run by CI).

    python3 bench/compare.py A B [--bootstrap-se]

A and B are either sovcost JSON (`fit --format json`) or a CSV with columns
term,estimate,std_error (as written by bench/glm.R, brglm.R, boot_firth.R, statsmodels_fit.py).
Prints one line: "<max rel diff of estimates> <max rel diff of std errors> <number of terms>",
where the relative difference of a and b is |a - b| / |b| (b from B). With --bootstrap-se the
second number compares bootstrap SDs instead: the bootstrap block of a sovcost JSON file, the
boot_sd column of a CSV file.
Exit status 3 when the two files do not name the same terms.
"""
import csv
import json
import sys


def load(path, bootstrap_se=False):
    if path.endswith(".json"):
        with open(path) as f:
            d = json.load(f)
        out = {c["term"]: [c["estimate"], c["std_error"]] for c in d["coefficients"]}
        if bootstrap_se:
            for c in d["bootstrap"]["coefficients"]:
                out[c["term"]][1] = c["std_error"]
        return out
    se = "boot_sd" if bootstrap_se else "std_error"
    with open(path, newline="") as f:
        return {r["term"]: [float(r["estimate"]), float(r[se])] for r in csv.DictReader(f)}


def rel(a, b):
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    boot = "--bootstrap-se" in sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    a, b = load(args[0], boot), load(args[1], boot)
    if set(a) != set(b):
        print(f"terms differ: {sorted(set(a) ^ set(b))}")
        sys.exit(3)
    est = max(rel(a[t][0], b[t][0]) for t in b)
    se = max(rel(a[t][1], b[t][1]) for t in b)
    print(f"{est:.2e} {se:.2e} {len(b)}")


if __name__ == "__main__":
    main()
