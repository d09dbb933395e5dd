#!/usr/bin/env bash
# bench/run.sh -- benchmark of `sovcost fit` against R (glm, brglm2, boot) and statsmodels.
#
# THIS IS A BENCHMARK, NOT A TEST. It must not be run by CI (.ci/run does not call it, and it
# should stay that way): it takes minutes, needs R with data.table/brglm2/boot and Python with
# numpy/pandas/statsmodels, uses several GB of memory, and its timings depend on the machine.
#
# Usage: bench/run.sh [--quick] [--rows N] [--covariates K] [--seed S]
#                     [--firth-timeout SEC] [--reuse-data] [--repeat K]
#   default size      --rows 5000000 --covariates 10
#   --quick           --rows 200000 (a check that everything works; a few minutes)
#   --firth-timeout   kill `sovcost fit --method firth` (default inference: profile intervals and
#                     penalized LR tests) after SEC seconds and report it as timed out
#                     (default 300 for the full size, none with --quick; 0 = no limit)
#   --reuse-data      keep an existing generated CSV of the same size and seed
#   --repeat K        run every timed command K times and report the median wall time (and the
#                     largest peak memory); default 3, 1 with --quick. A run that times out or
#                     fails is not repeated. On a virtual machine the first touch of fresh memory
#                     can vary from run to run by a factor of two; the median of three steadies
#                     the ratios
# Environment:
#   SOVCOST           the binary to time (default target/release/sovcost); it is copied to the
#                     work directory first, so a rebuild during the run cannot mix two binaries
#   BENCH_DATA_DIR    where CSVs and logs go (default bench/data/, which is git-ignored)
#
# It generates the data once (bench/make_data.py), then times every tool on the same file with
# /usr/bin/time (wall seconds, peak resident memory), checks that the coefficients agree, prints
# a Markdown table and writes it, with a description of the machine, to bench/results.md.
# See bench/README.md for how to read the results.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

ROWS=5000000
COVS=10
SEED=42
QUICK=0
FIRTH_TIMEOUT=""
REUSE=0
REPEAT=""
BOOT_ROWS=80
BOOT_COVS=4
BOOT_R=1000
BOOT_SEED=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; ROWS=200000; shift ;;
    --rows) ROWS="$2"; shift 2 ;;
    --covariates) COVS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --firth-timeout) FIRTH_TIMEOUT="$2"; shift 2 ;;
    --reuse-data) REUSE=1; shift ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$REPEAT" ]]; then
  if [[ $QUICK -eq 1 ]]; then REPEAT=1; else REPEAT=3; fi
fi
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --repeat needs a positive whole number" >&2; exit 2; }
if [[ -z "$FIRTH_TIMEOUT" ]]; then
  if [[ $QUICK -eq 1 ]]; then FIRTH_TIMEOUT=0; else FIRTH_TIMEOUT=300; fi
fi

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SOVCOST=${SOVCOST:-target/release/sovcost}
DATA_DIR=${BENCH_DATA_DIR:-bench/data}
RESULTS=bench/results.md

# ---------------------------------------------------------------------------------------------
# Preconditions

die() { echo "run.sh: $*" >&2; exit 2; }
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install -y time)"
command -v Rscript >/dev/null || die "Rscript is missing"
command -v python3 >/dev/null || die "python3 is missing"
[[ -x "$SOVCOST" ]] || die "no executable sovcost at $SOVCOST (set SOVCOST=...)"
Rscript -e 'for (p in c("data.table", "brglm2", "boot")) if (!requireNamespace(p, quietly = TRUE)) stop("R package ", p, " is missing")' \
  || die "R packages missing (apt-get install -y r-cran-data.table r-cran-brglm2 r-cran-boot)"
python3 -c 'import numpy, pandas, statsmodels' 2>/dev/null \
  || die "Python packages missing (pip install numpy pandas statsmodels)"
# The interpreter itself, not a version-manager shim (pyenv's shim adds its own start-up time).
PY=$(python3 -c 'import sys; print(sys.executable)')

mkdir -p "$DATA_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$DATA_DIR/run-$STAMP"
mkdir -p "$WORK"
echo "run.sh: logs and outputs in $WORK" >&2

# Snapshot the binary (the original may be rebuilt while we run).
SOV_SRC="$SOVCOST"
SOVCOST="$WORK/sovcost"
cp "$SOV_SRC" "$SOVCOST"
SOV_SHA=$(sha256sum "$SOVCOST" | cut -c1-16)
SOV_MTIME=$(date -u -r "$SOV_SRC" '+%Y-%m-%d %H:%M:%S UTC')

# ---------------------------------------------------------------------------------------------
# Data

BIG="$DATA_DIR/logit_${ROWS}x${COVS}_seed${SEED}.csv"
SMALL="$DATA_DIR/logit_${BOOT_ROWS}x${BOOT_COVS}_seed${SEED}.csv"
gen() {  # rows covs out
  if [[ $REUSE -eq 1 && -s "$3" ]]; then
    echo "run.sh: reusing $3" >&2
  else
    echo "run.sh: generating $3" >&2
    "$PY" bench/make_data.py --rows "$1" --covariates "$2" --seed "$SEED" --out "$3"
  fi
}
gen_start=$(date +%s.%N)
REUSED=0
if [[ $REUSE -eq 1 && -s "$BIG" ]]; then REUSED=1; fi
gen "$ROWS" "$COVS" "$BIG"
gen "$BOOT_ROWS" "$BOOT_COVS" "$SMALL"
if [[ $REUSED -eq 1 ]]; then
  GEN_NOTE="reused from an earlier run"
else
  GEN_NOTE="generation $(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s"
fi
BIG_MB=$(du -m "$BIG" | cut -f1)

formula_of() {  # k -> "y ~ x1 + ... + xk"
  local f="y ~ x1" j
  for ((j = 2; j <= $1; j++)); do f+=" + x$j"; done
  echo "$f"
}
FORMULA=$(formula_of "$COVS")
BOOT_FORMULA=$(formula_of "$BOOT_COVS")

# Every tool reads the file from the page cache, not from disk.
cat "$BIG" > /dev/null

# ---------------------------------------------------------------------------------------------
# Timing

# timed NAME TIMEOUT CMD... : runs CMD under /usr/bin/time, REPEAT times unless a run fails or
# times out; stdout to $WORK/NAME.out, stderr to $WORK/NAME.err (those of the median run); sets
# WALL (median), PEAK_KB (largest), CPU (of the median run) and STATUS (ok, timeout, failed(rc)).
declare -A WALL PEAK_KB CPU STATUS RUNS
timed() {
  local name="$1" limit="$2" rc=0 k
  shift 2
  local -a cmd=("$@")
  # --foreground: timeout signals only the command and reaps it, so /usr/bin/time still sees its
  # CPU time and peak memory (without it, timeout also kills itself before reaping).
  if [[ "$limit" != 0 ]]; then cmd=(timeout --foreground --signal=KILL "$limit" "${cmd[@]}"); fi
  echo "run.sh: [$name] ${*}" >&2
  local -a walls=()
  local peak=0
  for ((k = 1; k <= REPEAT; k++)); do
    rc=0
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/$name.time.$k" "${cmd[@]}" \
      > "$WORK/$name.out.$k" 2> "$WORK/$name.err.$k" || rc=$?
    # /usr/bin/time prefixes a "Command exited with non-zero status" line on failure; the
    # numbers are the last line.
    read -r w m u s < <(tail -n 1 "$WORK/$name.time.$k")
    walls+=("$w $k")
    if (( m > peak )); then peak=$m; fi
    [[ $rc -eq 0 ]] || break
  done
  # The median run (the lower middle one for an even count).
  local runs=${#walls[@]}
  local mid
  mid=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p" | cut -d' ' -f2)
  cp "$WORK/$name.out.$mid" "$WORK/$name.out"
  cp "$WORK/$name.err.$mid" "$WORK/$name.err"
  cp "$WORK/$name.time.$mid" "$WORK/$name.time"
  read -r w m u s < <(tail -n 1 "$WORK/$name.time")
  WALL[$name]=$w
  PEAK_KB[$name]=$peak
  RUNS[$name]=$runs
  CPU[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  if [[ $rc -eq 0 ]]; then STATUS[$name]=ok
  elif [[ "$limit" != 0 && ( $rc -eq 137 || $rc -eq 124 ) ]]; then STATUS[$name]=timeout
  else STATUS[$name]="failed($rc)"; echo "run.sh: [$name] failed, exit $rc; see $WORK/$name.err" >&2
  fi
  local all
  all=$(printf '%s\n' "${walls[@]}" | cut -d' ' -f1 | paste -sd' ')
  echo "run.sh: [$name] ${STATUS[$name]}: median ${WALL[$name]} s of $runs run(s) ($all), $((PEAK_KB[$name] / 1024)) MB" >&2
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# (a)-(c) maximum likelihood
timed sov_ml 0 env SOVCOST_TIMINGS=1 "$SOVCOST" fit --data "$BIG" --formula "$FORMULA" --method ml --format json
timed r_glm 0 Rscript bench/glm.R "$BIG" "$WORK/r_glm.csv"
timed sm_logit 0 "$PY" bench/statsmodels_fit.py "$BIG" "$WORK/sm_logit.csv"
# (d)-(e) Firth: sovcost's default inference (profile penalized-likelihood intervals and
# penalized LR tests, as logistf, up to 50,000 rows or with fewer than 100 events per
# parameter; Wald above, with a note), logistf's inference asked for explicitly at any size,
# and, for a like-for-like fit, Wald intervals and tests (brglm2's summary is Wald).
timed sov_firth 0 env SOVCOST_TIMINGS=1 "$SOVCOST" fit --data "$BIG" --formula "$FORMULA" --method firth --format json
timed sov_firth_profile "$FIRTH_TIMEOUT" "$SOVCOST" fit --data "$BIG" --formula "$FORMULA" --method firth --ci profile --tests lr --format json
timed sov_firth_wald 0 env SOVCOST_TIMINGS=1 "$SOVCOST" fit --data "$BIG" --formula "$FORMULA" --method firth --ci wald --tests wald --format json
timed r_brglm 0 Rscript bench/brglm.R "$BIG" "$WORK/r_brglm.csv"
# Resampling: 1,000 Firth bootstrap refits on n = 80, 4 covariates.
timed sov_boot 0 "$SOVCOST" fit --data "$SMALL" --formula "$BOOT_FORMULA" --method firth \
  --bootstrap "$BOOT_R" --seed "$BOOT_SEED" --format json
timed r_boot 0 Rscript bench/boot_firth.R "$SMALL" "$BOOT_R" "$BOOT_SEED" "$WORK/r_boot.csv"

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# Agreement of coefficients

ok() { [[ "${STATUS[$1]}" == ok ]]; }
compare() {  # label sovcost-json other [flags]
  local label="$1" a="$2" b="$3"
  shift 3
  local r
  if [[ -s "$a" && -s "$b" ]] && r=$("$PY" bench/compare.py "$a" "$b" "$@"); then
    read -r e s k <<< "$r"
    AGREE+=("| $label | $e | $s | $k |")
  else
    AGREE+=("| $label | n/a | n/a | (a run failed or timed out) |")
  fi
}
for n in sov_ml sov_firth sov_firth_wald sov_boot; do cp "$WORK/$n.out" "$WORK/$n.json"; done
FIRTH_JSON="$WORK/sov_firth.json"
ok sov_firth || FIRTH_JSON="$WORK/sov_firth_wald.json"
AGREE=()
compare "sovcost ml vs R glm" "$WORK/sov_ml.json" "$WORK/r_glm.csv"
compare "sovcost ml vs statsmodels Logit" "$WORK/sov_ml.json" "$WORK/sm_logit.csv"
compare "sovcost firth vs R brglm2 (AS_mean)" "$FIRTH_JSON" "$WORK/r_brglm.csv"
compare "sovcost firth vs R brglm2, n = $BOOT_ROWS (full-sample fit of the bootstrap task)" \
  "$WORK/sov_boot.json" "$WORK/r_boot.csv"
compare "bootstrap: full-sample estimates; bootstrap SDs (different resamples, so Monte Carlo noise of a few % is expected)" \
  "$WORK/sov_boot.json" "$WORK/r_boot.csv" --bootstrap-se

# ---------------------------------------------------------------------------------------------
# Table

mb() { awk -v k="$1" 'BEGIN { m = k / 1024; if (m >= 100) printf "%.0f", m; else printf "%.1f", m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
wall() {  # name -> wall seconds, or "> T (timed out)" / "failed"
  case "${STATUS[$1]}" in
    ok) echo "${WALL[$1]}" ;;
    timeout) echo "> ${WALL[$1]} (killed at ${FIRTH_TIMEOUT} s)" ;;
    *) echo "${STATUS[$1]}" ;;
  esac
}
rat() {  # other ref -> ratio of times, ">" when the reference timed out
  local other="$1" ref="$2"
  if ! ok "$other"; then echo "n/a"
  elif [[ "${STATUS[$ref]}" == timeout ]]; then echo "< $(ratio "${WALL[$other]}" "${WALL[$ref]}")"
  elif ok "$ref"; then ratio "${WALL[$other]}" "${WALL[$ref]}"
  else echo "n/a"
  fi
}
row() {  # tool task name ratio
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(wall "$3")" "$(mb "${PEAK_KB[$3]}")" "$4" "${CPU[$3]}"
}

SIZE="n = $ROWS, $COVS covariates"
BSIZE="n = $BOOT_ROWS, $BOOT_COVS covariates, $BOOT_R replicates"
TABLE=$(
  echo "| tool | task | wall s | peak MB | ratio to sovcost | CPU s (user+sys) |"
  echo "|---|---|---:|---:|---:|---:|"
  row "sovcost \`fit --method ml\`" "ML logit, $SIZE" sov_ml "1 (reference)"
  row "R \`glm(y ~ ., binomial)\` + \`fread\`" "ML logit, $SIZE" r_glm "$(rat r_glm sov_ml)"
  row "statsmodels \`Logit\` + \`read_csv\`" "ML logit, $SIZE" sm_logit "$(rat sm_logit sov_ml)"
  row "sovcost \`fit --method firth\` (default: the size rule, see below)" "Firth logit, $SIZE" sov_firth "1 (reference)"
  row "sovcost \`fit --method firth --ci profile --tests lr\` (logistf's profile CIs + penalized LR tests)" "Firth logit, $SIZE" sov_firth_profile "1 (reference)"
  row "sovcost \`fit --method firth --ci wald --tests wald\` (one fit, as brglm2)" "Firth logit, $SIZE" sov_firth_wald "1 (reference)"
  row "R brglm2 \`brglmFit\`, \`AS_mean\` + \`fread\`" "Firth logit, $SIZE" r_brglm \
    "$(rat r_brglm sov_firth) vs the default; $(rat r_brglm sov_firth_wald) vs Wald; $(rat r_brglm sov_firth_profile) vs profile"
  row "sovcost \`fit --method firth --bootstrap $BOOT_R --seed $BOOT_SEED\`" "Firth bootstrap, $BSIZE" sov_boot "1 (reference)"
  row "R \`boot::boot\` + brglm2 refits (+ \`boot.ci\` perc, BCa)" "Firth bootstrap, $BSIZE" r_boot "$(rat r_boot sov_boot)"
)

internal() {  # name -> the "timing ..." lines the program wrote on stderr, on one line
  grep -h '^timing' "$WORK/$1.err" 2>/dev/null | sed 's/^timing:\{0,1\} //' | paste -sd ';' | sed 's/;/; /g' || true
}
DIAG=$(
  echo "| run | wall s | peak MB | notes |"
  echo "|---|---:|---:|---|"
  echo "| sovcost ML | $(wall sov_ml) | $(mb "${PEAK_KB[sov_ml]}") | inside sovcost (SOVCOST_TIMINGS of the median run, seconds from the start of each stage group): $(internal sov_ml) |"
  echo "| sovcost Firth (default) | $(wall sov_firth) | $(mb "${PEAK_KB[sov_firth]}") | inside sovcost: $(internal sov_firth) |"
  echo "| sovcost Firth (Wald) | $(wall sov_firth_wald) | $(mb "${PEAK_KB[sov_firth_wald]}") | inside sovcost: $(internal sov_firth_wald) |"
  echo "| R glm | $(wall r_glm) | $(mb "${PEAK_KB[r_glm]}") | inside R: $(internal r_glm) |"
  echo "| statsmodels | $(wall sm_logit) | $(mb "${PEAK_KB[sm_logit]}") | inside Python: $(internal sm_logit) |"
  echo "| R brglm2 | $(wall r_brglm) | $(mb "${PEAK_KB[r_brglm]}") | inside R: $(internal r_brglm) |"
  echo "| R boot | $(wall r_boot) | $(mb "${PEAK_KB[r_boot]}") | inside R: $(internal r_boot) |"
)

AGREE_TABLE=$(
  echo "| comparison | estimates: max rel. diff | std errors: max rel. diff | terms |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${AGREE[@]}"
)

# ---------------------------------------------------------------------------------------------
# Machine

if [[ $ROWS -le 50000 ]]; then
  SEP_NOTE="At n <= 50,000 sovcost also runs its linear-programming separation check (Konis) on every fit; above that only when the ML fit looks separated (SEPARATION_CHECK_MAX_ROWS in src/models/mod.rs), so small-n timings include it and large-n timings do not."
else
  SEP_NOTE="At n > 50,000 sovcost skips its linear-programming separation check unless the ML fit looks separated, and \`--method firth\` skips the ML fit (SEPARATION_CHECK_MAX_ROWS in src/models/mod.rs); the n = $BOOT_ROWS bootstrap task runs the check."
fi
R_VERSION=$(Rscript -e 'cat(R.version.string, "; data.table ", format(packageVersion("data.table")), ", brglm2 ", format(packageVersion("brglm2")), ", boot ", format(packageVersion("boot")), sep = "")')
PY_VERSION=$("$PY" -c 'import sys, numpy, pandas, statsmodels; print(f"Python {sys.version.split()[0]}; statsmodels {statsmodels.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")')
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')

REPORT=$(cat <<EOF
# sovcost benchmark results

Written by \`bench/run.sh$([[ $QUICK -eq 1 ]] && echo " --quick")\` on $(date -u '+%Y-%m-%d %H:%M UTC'). A benchmark, not a test: not run by CI.
How to read this: bench/README.md.

Data: \`bench/make_data.py --rows $ROWS --covariates $COVS --seed $SEED\` ($BIG_MB MB CSV; ${GEN_NOTE}, not timed below);
bootstrap data \`--rows $BOOT_ROWS --covariates $BOOT_COVS --seed $SEED\`. Every run reads the same file, from the page cache.
Wall time and peak memory (maximum resident set size) by \`/usr/bin/time -f "%e %M"\`, including process start,
CSV read, fit and output. Every command ran $REPEAT time(s) in a row (one that failed or was killed ran once); wall
time and CPU time are those of the median run, peak memory the largest. Ratio = other tool's wall time / sovcost's
wall time on the same task (> 1: sovcost is faster).

$TABLE

## Agreement of coefficients (estimates; standard errors)

$AGREE_TABLE

## Where the time goes

$DIAG

$SEP_NOTE
The size rule of sovcost's default \`--method firth\` inference (FIRTH_PROFILE_MAX_ROWS and
FIRTH_WALD_MIN_EVENTS_PER_PARAMETER in src/models/mod.rs): up to 50,000 rows, or with fewer than 100 events
(the rarer outcome) per parameter, it refits the model for a penalized likelihood-ratio test of every
coefficient (from two starting points each) and traces each coefficient's profile in both directions for its
interval (about eight steps and a root, three starting points each), as logistf does; above that it gives Wald
intervals and tests, as brglm2 does, and says so in a note (\`--ci profile --tests lr\` asks for logistf's
inference at any size; that is the "profile" row). \`--ci wald --tests wald\` is one fit at any size.

## Machine

- CPUs (nproc): $(nproc); model: $MODEL; kernel $(uname -r)
- Memory (free -g):

\`\`\`
$(free -g)
\`\`\`

- $R_VERSION
- $PY_VERSION
- $("$SOVCOST" --version) (binary $SOV_SRC, sha256 $SOV_SHA..., built $SOV_MTIME; repository HEAD $GIT_REV)
- Load average (1, 5, 15 min) before the timed runs: $LOAD_START; after: $LOAD_END
  (other work on the machine, e.g. a compile, inflates wall times)
EOF
)

echo
echo "$TABLE"
echo
echo "$AGREE_TABLE"
echo
echo "$DIAG"
printf '%s\n' "$REPORT" > "$RESULTS"
echo >&2
echo "run.sh: wrote $RESULTS (logs in $WORK)" >&2

rc=0
for n in "${!STATUS[@]}"; do
  [[ "${STATUS[$n]}" == failed* ]] && rc=1
done
exit $rc
