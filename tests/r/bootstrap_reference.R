# Reference values for nonparametric bootstrap percentile and BCa intervals,
# computed with the boot package (version 1.3-28.1 checked) on
# tests/data/infert.csv. Statistic: the ML coefficient of `spontaneous` in
# glm(case ~ spontaneous + induced, binomial) on the resampled rows
# (glm.control(epsilon = 1e-14)). set.seed(20141010); boot(..., R = 999),
# ordinary resampling of rows, statistic(data, indices).
#
# Run from the repository root:  Rscript tests/r/bootstrap_reference.R
# Needs: r-base-core, r-cran-boot (Debian packages).
# Writes tests/reference/bootstrap.csv (quantity,value),
# tests/reference/bootstrap_replicates.csv (replicate,value: the R = 999
# bootstrap statistics t*_1..t*_R in boot's order), and
# tests/reference/bootstrap_jackknife.csv (row,value: t_(-i), the statistic
# with data row i left out, i = 1..n, n = 248).
# R's RNG is not reproduced in Rust: a Rust test feeds the replicates and the
# jackknife values from these files to its interval code.
#
# Exact formulas used by boot.ci(type = c("perc", "bca")) (read from
# boot:::norm.inter, boot:::perc.ci, boot:::bca.ci, boot::empinf and
# boot:::usual.jack):
#
# 0. Replicates. Non-finite t* are dropped first; R below is the number of
#    finite replicates (here 999). boot.ci returns NULL if all t* are equal.
#
# 1. Interpolated order statistic, norm.inter(t, alpha), for each probability
#    alpha in (0, 1):
#      t_(1) <= ... <= t_(R) the sorted replicates (1-based);
#      rk = (R + 1) * alpha   (floating point), k = trunc(rk);
#      if k == rk exactly:      value = t_(k)
#      (then, overriding)  if k == 0: value = t_(1);  if k == R: value = t_(R)
#      otherwise (0 < k < R, rk not an integer), interpolation on the
#      normal-quantile scale between neighbouring order statistics:
#        value = t_(k) + (qnorm(alpha) - qnorm(k/(R+1)))
#                        / (qnorm((k+1)/(R+1)) - qnorm(k/(R+1)))
#                        * (t_(k+1) - t_(k))
#    (boot warns "extreme order statistics used as endpoints" unless
#    1 < rk < R, but still returns the value above.)
#    Floating point matters only in a negligible way: with R = 999 and
#    conf = 0.95, alpha = (1 - 0.95)/2 = 0.025000000000000022, rk =
#    25.000000000000021, so k = 25 and it interpolates between t_(25) and
#    t_(26) with weight ~1e-12; alpha = (1 + 0.95)/2 = 0.975 gives rk = 975
#    exactly, so t_(975). For conf = 0.90, alpha = 0.049999999999999989,
#    rk = 49.999999999999986, k = 49, weight ~1 towards t_(50); upper
#    alpha = 0.95, rk = 950 exactly, t_(950). Treating rk as the nearest
#    integer when within 1e-9 gives the same values to ~1e-13.
#
# 2. Percentile interval (perc.ci): alpha = ((1 - conf)/2, (1 + conf)/2),
#    computed as (1 + c(-conf, conf))/2; bounds = norm.inter(t, alpha).
#
# 3. BCa interval (bca.ci):
#    z0 ("w" in boot) = qnorm( #{ i : t*_i < t0 } / R )  -- strict "<", so
#      replicates tied with t0 count as not below; R = number of finite t*.
#      boot stops with an error if z0 is infinite (none or all below t0).
#    L = empirical influence values from empinf(b, type = "jack"), which for
#      a statistic(data, indices) and no strata (usual.jack, stype "i") is
#        L_i = (n - 1) * (t0 - t_(-i)),  i = 1..n,
#      where t0 = statistic on all n rows and t_(-i) = statistic with row i
#      deleted. NOTE: t0, not the mean of the t_(-i), is subtracted, and L is
#      NOT centred (sum(L) != 0 in general).
#    acceleration a = sum(L^3) / (6 * sum(L^2)^1.5)   (the (n-1) factor
#      cancels, so a = sum(d^3) / (6 * sum(d^2)^1.5) with d_i = t0 - t_(-i)).
#    zalpha = qnorm(alpha), alpha = ((1 - conf)/2, (1 + conf)/2) as above;
#    adjusted probabilities
#      adj = pnorm( z0 + (z0 + zalpha) / (1 - a * (z0 + zalpha)) );
#    bounds = norm.inter(t, adj) with the rule of item 1 (low from the first
#    element, high from the second).

options(digits = 17)
suppressPackageStartupMessages(library(boot))

num <- function(x) sprintf("%.17g", x)

inf <- read.csv("tests/data/infert.csv")
ctrl <- glm.control(epsilon = 1e-14, maxit = 100)
stat <- function(d, i) {
  unname(coef(glm(case ~ spontaneous + induced, family = binomial,
                  data = d[i, ], control = ctrl))["spontaneous"])
}

set.seed(20141010)
b <- boot(inf, stat, R = 999)
n <- nrow(inf)
t0 <- b$t0
t <- b$t[, 1]
stopifnot(length(t) == 999, all(is.finite(t)), is.finite(t0))

jack <- vapply(seq_len(n), function(i) stat(inf, seq_len(n)[-i]), numeric(1))
L <- empinf(b, type = "jack")
stopifnot(max(abs(L - (n - 1) * (t0 - jack))) < 1e-9)

ci <- boot.ci(b, conf = c(0.95, 0.90), type = c("perc", "bca"), L = L)

# Re-derive both intervals from the formulas above and check against boot.
norm_inter <- function(t, alpha) {
  ts <- sort(t)
  R <- length(ts)
  vapply(alpha, function(al) {
    rk <- (R + 1) * al
    k <- trunc(rk)
    if (k == 0) return(ts[1])
    if (k == R) return(ts[R])
    if (k == rk) return(ts[k])
    q0 <- qnorm(k / (R + 1)); q1 <- qnorm((k + 1) / (R + 1))
    ts[k] + (qnorm(al) - q0) / (q1 - q0) * (ts[k + 1] - ts[k])
  }, numeric(1))
}
z0 <- qnorm(sum(t < t0) / length(t))
a <- sum(L^3) / (6 * sum(L^2)^1.5)
mine <- list()
for (conf in c(0.95, 0.90)) {
  alpha <- (1 + c(-conf, conf)) / 2
  zal <- qnorm(alpha)
  adj <- pnorm(z0 + (z0 + zal) / (1 - a * (z0 + zal)))
  mine[[as.character(conf)]] <- list(perc = norm_inter(t, alpha), bca = norm_inter(t, adj),
                                     adj = adj)
}
stopifnot(max(abs(ci$percent[, 4:5] - rbind(mine[["0.95"]]$perc, mine[["0.9"]]$perc))) < 1e-14,
          max(abs(ci$bca[, 4:5] - rbind(mine[["0.95"]]$bca, mine[["0.9"]]$bca))) < 1e-14)

rows <- list()
add <- function(quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(quantity = quantity, value = num(value))
}
add("t0", t0)
add("R", length(t))
add("n", n)
add("z0", z0)
add("acceleration", a)
add("count_below_t0", sum(t < t0))
add("bootstrap_mean", mean(t))
add("bootstrap_sd", sd(t))
add("perc95_low", ci$percent[1, 4])
add("perc95_high", ci$percent[1, 5])
add("bca95_low", ci$bca[1, 4])
add("bca95_high", ci$bca[1, 5])
add("perc90_low", ci$percent[2, 4])
add("perc90_high", ci$percent[2, 5])
add("bca90_low", ci$bca[2, 4])
add("bca90_high", ci$bca[2, 5])
add("bca95_adj_alpha_low", mine[["0.95"]]$adj[1])
add("bca95_adj_alpha_high", mine[["0.95"]]$adj[2])
add("bca90_adj_alpha_low", mine[["0.9"]]$adj[1])
add("bca90_adj_alpha_high", mine[["0.9"]]$adj[2])
res <- do.call(rbind, rows)
write.csv(res, "tests/reference/bootstrap.csv", row.names = FALSE, quote = TRUE)
write.csv(data.frame(replicate = seq_along(t), value = num(t)),
          "tests/reference/bootstrap_replicates.csv", row.names = FALSE, quote = TRUE)
write.csv(data.frame(row = seq_len(n), value = num(jack)),
          "tests/reference/bootstrap_jackknife.csv", row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "interval values,", length(t), "replicates,", n, "jackknife values\n")
