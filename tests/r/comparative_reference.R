# Reference values for the comparative (state x instrument) models: one-way
# and two-way cluster-robust covariances of a pooled logit with state fixed
# effects, by maximum likelihood (glm) and by Firth's penalized likelihood
# (brglm2) on a variant where one state's outcomes are separated.
#
# The two-way covariance is sandwich::vcovCL(fit, cluster = ~ state +
# treaty_id) with its defaults (type = "HC0", cadjust = TRUE, fix = FALSE):
#   V = B (c_s M_s + c_t M_t - c_st M_st) B,  c_k = G_k / (G_k - 1),
# M_k the summed outer products of the cluster sums of the scores. For the
# Firth fit vcovCL is applied to an object whose estimating functions are
# the modified scores (y - mu + h (1/2 - mu)) x (h the hat values at the
# Firth estimate) and whose bread is n (X'WX)^-1, so the cluster algebra is
# sandwich's own.
#
# Run from the repository root:  Rscript tests/r/comparative_reference.R
# Needs: r-base-core, r-cran-sandwich, r-cran-brglm2 (Debian packages).
# Writes tests/data/state_panel.csv, tests/data/state_panel_separated.csv,
# tests/data/state_panel_wide.csv and tests/reference/comparative.csv
# (model,quantity,term,value).

suppressPackageStartupMessages({
  library(sandwich)
  library(brglm2)
})
options(digits = 17)

# A panel of `states` x `n_t` instruments named `prefix`01...: cost per
# instrument, instrument and state effects, China's extra cost slope -1.5.
# The draws come in this order (costs, instrument effects, state effects,
# outcomes), so each panel's values depend only on the seed and the panels
# drawn before it.
simulate_panel <- function(states, n_t, prefix, intercept, slope, sd_t, sd_s) {
  treaty_id <- sprintf(paste0(prefix, "%02d"), 1:n_t)
  cost <- round(runif(n_t), 4)
  u_t <- rnorm(n_t, sd = sd_t)
  a_s <- rnorm(length(states), sd = sd_s)
  d <- expand.grid(treaty_id = treaty_id, state = states, stringsAsFactors = FALSE)
  d <- d[, c("state", "treaty_id")]
  d$sovereignty_cost <- cost[match(d$treaty_id, treaty_id)]
  d$china <- as.integer(d$state == "CHN")
  eta <- intercept + a_s[match(d$state, states)] + slope * d$sovereignty_cost -
    1.5 * d$china * d$sovereignty_cost + u_t[match(d$treaty_id, treaty_id)]
  d$joined <- rbinom(nrow(d), 1, plogis(eta))
  d
}

# A synthetic panel: 16 states x 40 instruments, a cost per instrument, a
# state effect, an instrument effect (so that clustering by instrument
# matters), and a steeper cost slope for China.
set.seed(20141010)
d <- simulate_panel(c("CHN", sprintf("S%02d", 1:15)), 40, "t", 1.2, -2.5, 0.8, 0.7)
write.csv(d, "tests/data/state_panel.csv", row.names = FALSE, quote = FALSE)

# The same panel with one state (S15) joining every instrument: its fixed
# effect is separated, so the engine's auto rule chooses Firth.
sep <- d
sep$joined[sep$state == "S15"] <- 1L
write.csv(sep, "tests/data/state_panel_separated.csv", row.names = FALSE, quote = FALSE)

num <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(model, quantity, term, value) {
  out[[length(out) + 1]] <<- data.frame(model = model, quantity = quantity,
                                        term = term, value = num(value))
}
add_se <- function(model, quantity, v) {
  se <- sqrt(diag(v))
  for (k in seq_along(se)) add(model, quantity, names(se)[k], se[k])
}

form <- joined ~ sovereignty_cost + state + sovereignty_cost:china

# ML ---------------------------------------------------------------------
ml <- glm(form, family = binomial, data = d,
          control = glm.control(epsilon = 1e-14, maxit = 100))
stopifnot(ml$converged)
b <- coef(ml)
for (k in seq_along(b)) add("pooled_ml", "estimate", names(b)[k], b[k])
add_se("pooled_ml", "se_model", vcov(ml))
add_se("pooled_ml", "se_cluster_treaty", vcovCL(ml, cluster = ~ treaty_id))
v2 <- vcovCL(ml, cluster = ~ state + treaty_id)
add_se("pooled_ml", "se_cluster_two_way", v2)
add("pooled_ml", "min_eigenvalue_two_way", "", min(eigen(v2, symmetric = TRUE)$values))
add("pooled_ml", "n", "", nobs(ml))

# Firth on the separated variant ----------------------------------------
fi <- glm(form, family = binomial, data = sep, method = "brglmFit",
          type = "AS_mean", control = brglmControl(epsilon = 1e-13, maxit = 500))
# The Firth fit's estimating functions (modified scores) and bread, for
# sandwich's cluster algebra.
firth_scores_of <- function(fit, y) {
  X <- model.matrix(fit)
  mu <- fitted(fit)
  w <- mu * (1 - mu)
  xtwx_inv <- solve(crossprod(X, w * X))
  h <- w * rowSums((X %*% xtwx_inv) * X)
  structure(list(
    ef = (y - mu + h * (0.5 - mu)) * X,
    bread = nrow(X) * xtwx_inv,
    xtwx_inv = xtwx_inv,
    na.action = NULL
  ), class = "firth_scores")
}
estfun.firth_scores <- function(x, ...) x$ef
bread.firth_scores <- function(x, ...) x$bread
firth_scores <- firth_scores_of(fi, sep$joined)
b <- coef(fi)
for (k in seq_along(b)) add("pooled_firth", "estimate", names(b)[k], b[k])
add_se("pooled_firth", "se_model", firth_scores$xtwx_inv)
add_se("pooled_firth", "se_cluster_treaty",
       vcovCL(firth_scores, cluster = sep[, "treaty_id", drop = FALSE]))
add_se("pooled_firth", "se_cluster_two_way",
       vcovCL(firth_scores, cluster = sep[, c("state", "treaty_id")]))
add("pooled_firth", "n", "", nrow(firth_scores$ef))

# Firth on a wide panel (120 states x 20 instruments: 122 columns, about 2.5 %
# of the cells nonzero), where the engine's passes go over each row's
# nonzero cells; several states join every instrument, so the auto rule
# chooses Firth. Drawn after the panels above, so their values are unchanged.
dw <- simulate_panel(c("CHN", sprintf("W%03d", 1:119)), 20, "w", 0.8, -2.0, 0.6, 0.9)
dw$joined[dw$state %in% c("W010", "W020", "W030")] <- 1L
write.csv(dw, "tests/data/state_panel_wide.csv", row.names = FALSE, quote = FALSE)
fw <- glm(form, family = binomial, data = dw, method = "brglmFit",
          type = "AS_mean", control = brglmControl(epsilon = 1e-13, maxit = 500))
firth_scores_w <- firth_scores_of(fw, dw$joined)
b <- coef(fw)
for (k in seq_along(b)) add("pooled_firth_wide", "estimate", names(b)[k], b[k])
add_se("pooled_firth_wide", "se_model", firth_scores_w$xtwx_inv)
add_se("pooled_firth_wide", "se_cluster_treaty",
       vcovCL(firth_scores_w, cluster = dw[, "treaty_id", drop = FALSE]))
add("pooled_firth_wide", "n", "", nrow(firth_scores_w$ef))

res <- do.call(rbind, out)
write.csv(res, "tests/reference/comparative.csv", row.names = FALSE)
cat("wrote", nrow(res), "reference values\n")
