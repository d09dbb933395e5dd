# Reference values for Firth's penalized-likelihood logit, with logistf's
# definitions implemented directly in R (logistf is not packaged for Debian):
#   penalized log-likelihood  l*(b) = sum(y*eta - log(1+exp(eta))) + 0.5*log det(X'WX),
#   W = diag(mu(1-mu)), eta = Xb;
#   estimates from brglm2 (method "brglmFit", type "AS_mean"), checked against
#   our own Newton maximiser of l*; SEs from (X'WX)^-1 at the estimate;
#   penalized likelihood-ratio tests per coefficient (penalty on the full X,
#   only b_j held fixed, as logistf does); profile penalized-likelihood
#   intervals (95% and 90%, root-solved); FLIC intercept (Puhl, Heinze et al.
#   2017) and predictions at the covariate means; Wald tests; HC0 sandwich and
#   cluster (G/(G-1)) covariances built from the modified score contributions;
#   for a quasi-completely separated dataset the diverging ML estimate; and the
#   Konis (2007) linear-programming separation check for every model.
#
# Run from the repository root:  Rscript tests/r/firth_reference.R
# Needs: r-base-core, r-cran-brglm2, r-cran-lpsolve (Debian packages).
# Writes tests/data/separated.csv and tests/reference/firth.csv
# (long format: model,quantity,term,value).

suppressPackageStartupMessages({
  library(brglm2)
  library(lpSolve)
})
options(digits = 17)

num <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(model, quantity, term, value) {
  out[[length(out) + 1]] <<- data.frame(model = model, quantity = quantity,
                                        term = term, value = num(value))
}

# Datasets --------------------------------------------------------------
weisiger <- read.csv("tests/data/weisiger.csv")
george <- read.csv("tests/data/george_epstein.csv")
inf <- read.csv("tests/data/infert.csv")

# Quasi-complete separation: every row with x2 == 1 has y == 1; among the
# x2 == 0 rows y is mixed and overlaps in x1. Deterministic (no RNG).
i <- 1:30
x1 <- round(seq(-2, 2, length.out = 30) + 0.3 * sin(2.5 * i), 3)
x2 <- as.integer(i %% 4 == 2)
y <- ifelse(x2 == 1, 1L, as.integer(x1 + 0.9 * cos(1.7 * i) > 0))
separated <- data.frame(y = y, x1 = x1, x2 = x2)
stopifnot(all(separated$y[separated$x2 == 1] == 1),
          length(unique(separated$y[separated$x2 == 0])) == 2)
write.csv(separated, "tests/data/separated.csv", row.names = FALSE)

# Firth machinery -------------------------------------------------------
loglik <- function(X, y, b) {
  eta <- as.vector(X %*% b)
  sum(y * plogis(eta, log.p = TRUE) + (1 - y) * plogis(-eta, log.p = TRUE))
}
info <- function(X, b) {
  mu <- plogis(as.vector(X %*% b))
  crossprod(X, (mu * (1 - mu)) * X)
}
pen_loglik <- function(X, y, b) {
  d <- determinant(info(X, b), logarithm = TRUE)$modulus
  loglik(X, y, b) + 0.5 * as.numeric(d)
}
# Per-observation modified score contributions u_i = x_i (y_i - mu_i + h_i (0.5 - mu_i)),
# h = diag of W^(1/2) X (X'WX)^-1 X' W^(1/2) (from a QR of W^(1/2) X).
score_parts <- function(X, y, b) {
  mu <- plogis(as.vector(X %*% b))
  w <- mu * (1 - mu)
  Q <- qr.Q(qr(sqrt(w) * X))
  h <- rowSums(Q^2)
  (y - mu + h * (0.5 - mu)) * X
}

# Newton ascent on l* over the coordinates `free`, the others held at `b`.
# Step (X'WX)[free, free]^-1 U*[free], halved until l* does not decrease.
firth_newton <- function(X, y, b, free = seq_len(ncol(X))) {
  pl <- pen_loglik(X, y, b)
  for (it in 1:1000) {
    U <- colSums(score_parts(X, y, b))[free]
    I <- info(X, b)[free, free, drop = FALSE]
    step <- as.vector(solve(I, U))
    f <- 1
    repeat {
      nb <- b
      nb[free] <- b[free] + f * step
      npl <- pen_loglik(X, y, nb)
      if ((is.finite(npl) && npl >= pl - 1e-13 * abs(pl)) || f < 1e-10) break
      f <- f / 2
    }
    done <- max(abs(nb - b)) < 1e-13 * max(1, max(abs(nb)))
    b <- nb
    pl <- npl
    if (done) break
  }
  if (it == 1000) stop("Firth Newton did not converge")
  list(coef = b, pl = pl)
}

# max over b with b_j fixed at `value` of l* (penalty on the full design),
# from the estimate with b_j replaced (logistf's start) and from `others`:
# the highest maximum is kept.
constrained_fit <- function(X, y, bhat, j, value, others = list()) {
  best <- NULL
  for (k in seq_len(1 + length(others))) {
    start <- c(list(bhat), others)[[k]]
    start[j] <- value
    r <- tryCatch(firth_newton(X, y, start, free = seq_len(ncol(X))[-j]),
                  error = function(e) NULL)
    if (!is.null(r) && (is.null(best) || r$pl > best$pl)) best <- r
  }
  if (is.null(best)) stop("no constrained fit converged")
  best
}
constrained_max <- function(X, y, bhat, j, value) constrained_fit(X, y, bhat, j, value)$pl

# The profile is the maximum of l* over the other coefficients, and with b_j
# fixed l* can have two local maxima (George & Epstein near the upper bounds
# of pc, sp and st): from the estimate alone the fit can land on the lower
# one. So the profile is followed out from the estimate by continuation, in
# steps of se_j / 10, each point also started from the previous point's
# solution, and the bound solved between the last two points with both of
# their solutions as starts (tests/r/firth_profile.R checks this against
# many random starts).
profile_ci <- function(X, y, bhat, se, pl0, j, level) {
  target <- qchisq(level, 1)
  side <- function(dir) {
    inner <- list(v = bhat[j], coef = bhat)
    repeat {
      v <- inner$v + dir * se[j] / 10
      r <- constrained_fit(X, y, bhat, j, v, list(inner$coef))
      if (2 * (pl0 - r$pl) > target) break
      inner <- list(v = v, coef = r$coef)
    }
    starts <- list(inner$coef, r$coef)
    f <- function(u) 2 * (pl0 - constrained_fit(X, y, bhat, j, u, starts)$pl) - target
    uniroot(f, sort(c(inner$v, v)), tol = 1e-13)$root
  }
  c(side(-1), side(1))
}

# Konis (2007): maximise sum_i s_i x_i'b subject to s_i x_i'b >= 0 and
# -1 <= b_j <= 1, s_i = 2y_i - 1. lpSolve's variables are >= 0, so solve for
# c = b + 1 in [0, 2]. Returns sign(b_j) (0 when |b_j| < 1e-8).
separation_direction <- function(X, y) {
  A <- (2 * y - 1) * X
  p <- ncol(X)
  lp_out <- lp("max", objective.in = colSums(A),
               const.mat = rbind(A, diag(p)),
               const.dir = c(rep(">=", nrow(A)), rep("<=", p)),
               const.rhs = c(as.vector(A %*% rep(1, p)), rep(2, p)))
  stopifnot(lp_out$status == 0)
  b <- lp_out$solution - 1
  ifelse(abs(b) < 1e-8, 0, sign(b))
}

record <- function(name, formula, data, cluster = NULL, ml_terms = character()) {
  fit <- glm(formula, family = binomial, data = data, method = "brglmFit",
             type = "AS_mean", control = list(epsilon = 1e-14, maxit = 1000))
  X <- model.matrix(fit)
  y <- fit$y
  bhat <- coef(fit)
  terms_ <- names(bhat)
  own <- firth_newton(X, y, setNames(rep(0, ncol(X)), terms_))
  diff <- max(abs(own$coef - bhat))
  if (!(diff < 1e-10)) stop(sprintf("%s: brglm2 and Newton differ by %g", name, diff))
  cat(sprintf("%-15s brglm2 vs own Newton: max |diff| = %.3g\n", name, diff))

  B <- solve(info(X, bhat))
  se <- sqrt(diag(B))
  pl0 <- pen_loglik(X, y, bhat)
  add(name, "n", "", nrow(X))
  add(name, "penalized_loglik", "", pl0)
  add(name, "loglik", "", loglik(X, y, bhat))
  for (k in seq_along(bhat)) {
    add(name, "estimate", terms_[k], bhat[k])
    add(name, "se", terms_[k], se[k])
    z <- bhat[k] / se[k]
    add(name, "wald_z", terms_[k], z)
    add(name, "wald_p", terms_[k], 2 * pnorm(-abs(z)))
  }
  for (k in seq_along(bhat)) {
    stat <- 2 * (pl0 - constrained_max(X, y, bhat, k, 0))
    add(name, "plr_stat", terms_[k], stat)
    add(name, "plr_p", terms_[k], pchisq(stat, 1, lower.tail = FALSE))
  }
  for (k in seq_along(bhat)) {
    for (lev in c(0.95, 0.90)) {
      ci <- profile_ci(X, y, bhat, se, pl0, k, lev)
      stopifnot(ci[1] < bhat[k], bhat[k] < ci[2])
      tag <- if (lev == 0.95) "profile95" else "profile90"
      add(name, paste0(tag, "_low"), terms_[k], ci[1])
      add(name, paste0(tag, "_high"), terms_[k], ci[2])
    }
  }

  # FLIC: refit the intercept by ML with the Firth linear predictor (less
  # its intercept) as an offset.
  eta_minus <- as.vector(X %*% bhat) - bhat[1]
  flic <- glm(y ~ 1, offset = eta_minus, family = binomial,
              control = glm.control(epsilon = 1e-14, maxit = 100))
  flic_int <- unname(coef(flic)[1])
  xbar <- colMeans(X[, -1, drop = FALSE])
  add(name, "flic_intercept", "", flic_int)
  add(name, "flic_pred_means", "", plogis(flic_int + sum(xbar * bhat[-1])))
  add(name, "firth_pred_means", "", plogis(bhat[1] + sum(xbar * bhat[-1])))

  # Sandwich from the modified score contributions.
  u <- score_parts(X, y, bhat)
  V0 <- B %*% crossprod(u) %*% B
  for (k in seq_along(bhat)) add(name, "se_robust", terms_[k], sqrt(V0[k, k]))
  if (!is.null(cluster)) {
    g <- data[[cluster]][as.integer(rownames(X))]
    uc <- rowsum(u, g)
    G <- nrow(uc)
    Vc <- B %*% crossprod(uc) %*% B * G / (G - 1)
    for (k in seq_along(bhat)) add(name, "se_cluster", terms_[k], sqrt(Vc[k, k]))
  }

  # Plain ML (default glm control) for terms whose estimate diverges.
  if (length(ml_terms)) {
    ml <- suppressWarnings(glm(formula, family = binomial, data = data))
    V <- vcov(ml)
    for (t in ml_terms) {
      add(name, "ml_estimate", t, coef(ml)[t])
      add(name, "ml_se", t, sqrt(V[t, t]))
    }
  }

  dirs <- separation_direction(X, y)
  for (k in seq_along(bhat)) add(name, "separation_direction", terms_[k], dirs[k])
  cat(sprintf("%-15s separation direction: %s\n", name, paste(dirs, collapse = " ")))
}

record("weisiger", resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord,
       weisiger)
record("george_epstein", court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg,
       george)
record("infert", case ~ spontaneous + induced + age, inf, cluster = "stratum")
record("separated", y ~ x1 + x2, separated, ml_terms = "x2")

res <- do.call(rbind, out)
write.csv(res, "tests/reference/firth.csv", row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "reference values\n")
