# Reference values for exact small-sample tests and intervals, from base R:
#   fisher.test (two-sided) on 2x2 tables: p-value, conditional MLE odds
#   ratio, and the conditional (exact) confidence interval at 95% and 90%;
#   binom.test: Clopper-Pearson 95% interval and two-sided p-value for p = 0.5;
#   prop.test(correct = FALSE): Wilson score 95% interval.
# fisher.test finds its odds-ratio estimate and interval bounds with uniroot's
# default tolerance (about 1.2e-4 on the scale t or 1/t in (0, 1)), so those
# values carry errors of up to about 1e-2 relative (0.7% on the upper bound
# for (3, 1, 1, 3)). The "*_precise" quantities
# solve the same equations (conditional MLE: E[X; psi] = x; bounds:
# P(X >= x; psi) = alpha/2 and P(X <= x; psi) = alpha/2 under the noncentral
# hypergeometric distribution) on the log odds-ratio scale with tol 1e-14, and
# are checked against fisher.test to 2e-2 relative. Compare an exact
# implementation with the *_precise values; the plain ones are what R prints.
#
# Run from the repository root:  Rscript tests/r/exact_reference.R
# Needs: r-base-core (Debian package).
# Writes tests/reference/exact.csv (columns: case,quantity,value). Fisher
# tables are matrix(c(a, b, c, d), 2, byrow = TRUE), i.e. first row (a, b),
# second row (c, d); cases are named "fisher_a_b_c_d" and "prop_k_n".

options(digits = 17)

num <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(case, quantity, value) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity,
                                        value = num(value))
}

# fisher.test's definitions, solved tightly. Table (a, b; c, d): X = a,
# m = a + c, n = b + d, k = a + b, support max(0, k - n) .. min(k, m).
fisher_precise <- function(v, conf) {
  x <- v[1]; m <- v[1] + v[3]; n <- v[2] + v[4]; k <- v[1] + v[2]
  lo <- max(0, k - n); hi <- min(k, m)
  support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dn <- function(lpsi) {
    d <- logdc + lpsi * support
    d <- exp(d - max(d))
    d / sum(d)
  }
  mean_at <- function(lpsi) sum(support * dn(lpsi))
  upper_at <- function(lpsi) sum(dn(lpsi)[support >= x])
  lower_at <- function(lpsi) sum(dn(lpsi)[support <= x])
  solve <- function(f) exp(uniroot(f, c(-60, 60), tol = 1e-14)$root)
  alpha <- (1 - conf) / 2
  c(estimate = if (x == lo) 0 else if (x == hi) Inf else solve(function(l) mean_at(l) - x),
    low = if (x == lo) 0 else solve(function(l) upper_at(l) - alpha),
    high = if (x == hi) Inf else solve(function(l) lower_at(l) - alpha))
}
close_rel <- function(a, b, rel) (is.infinite(a) && a == b) || abs(a - b) <= rel * max(abs(a), abs(b))

tables <- list(c(16, 3, 2, 5), c(3, 1, 1, 3), c(10, 0, 3, 7), c(1, 9, 11, 3),
               c(0, 5, 5, 0), c(7, 2, 3, 12))
for (v in tables) {
  case <- paste0("fisher_", paste(v, collapse = "_"))
  m <- matrix(v, 2, byrow = TRUE)
  ft <- fisher.test(m, alternative = "two.sided", conf.level = 0.95)
  ft90 <- fisher.test(m, alternative = "two.sided", conf.level = 0.90)
  add(case, "p_value", ft$p.value)
  add(case, "estimate", unname(ft$estimate))
  add(case, "conf_low", ft$conf.int[1])
  add(case, "conf_high", ft$conf.int[2])
  add(case, "conf_low90", ft90$conf.int[1])
  add(case, "conf_high90", ft90$conf.int[2])
  p95 <- fisher_precise(v, 0.95)
  p90 <- fisher_precise(v, 0.90)
  stopifnot(close_rel(p95[["estimate"]], unname(ft$estimate), 2e-2),
            close_rel(p95[["low"]], ft$conf.int[1], 2e-2),
            close_rel(p95[["high"]], ft$conf.int[2], 2e-2),
            close_rel(p90[["low"]], ft90$conf.int[1], 2e-2),
            close_rel(p90[["high"]], ft90$conf.int[2], 2e-2))
  add(case, "estimate_precise", p95[["estimate"]])
  add(case, "conf_low_precise", p95[["low"]])
  add(case, "conf_high_precise", p95[["high"]])
  add(case, "conf_low90_precise", p90[["low"]])
  add(case, "conf_high90_precise", p90[["high"]])
}

props <- list(c(19, 26), c(0, 10), c(10, 10), c(3, 40), c(77, 103))
for (v in props) {
  k <- v[1]
  n <- v[2]
  case <- sprintf("prop_%d_%d", k, n)
  bt <- binom.test(k, n, p = 0.5)
  add(case, "cp_low", bt$conf.int[1])
  add(case, "cp_high", bt$conf.int[2])
  add(case, "binom_p", bt$p.value)
  pt <- suppressWarnings(prop.test(k, n, correct = FALSE))
  add(case, "wilson_low", pt$conf.int[1])
  add(case, "wilson_high", pt$conf.int[2])
}

res <- do.call(rbind, out)
write.csv(res, "tests/reference/exact.csv", row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "reference values\n")
